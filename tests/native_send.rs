//! With the `native` feature, the core's workflow futures are `Send` for a `Sync` runtime, so
//! they can be handed to a multi-threaded executor. Compile-time proof: this file does not build
//! if a future in the chain (runtime, exchange, retry, operations) stops being `Send`.
#![cfg(feature = "native")]

use std::future::Future;
use std::sync::Mutex;

use tigris_agent_kit::client::TigrisClient;
use tigris_agent_kit::config::{ConfigInput, NoEnvironment};
use tigris_agent_kit::runtime::{HttpRequest, HttpResponse, Runtime, TransportError};
use tigris_agent_kit::secret::KeyPair;
use tigris_agent_kit::workflows::workspace::{
    create_workspace, workspace_name, CreateWorkspaceOptions,
};

/// A runtime that answers nothing, with state behind a `Mutex` (so it is `Sync`).
struct SyncRuntime {
    sent: Mutex<Vec<HttpRequest>>,
}

impl Runtime for SyncRuntime {
    async fn send(&self, request: HttpRequest, _: u32) -> Result<HttpResponse, TransportError> {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(request);
        }
        Err(TransportError::Timeout)
    }
    async fn sleep(&self, _: u32) {}
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn fill_random(&self, buf: &mut [u8]) {
        buf.fill(7);
    }
    async fn provide_credentials(&self) -> Option<Result<KeyPair, String>> {
        None
    }
}

fn is_send<F: Future + Send>(future: F) -> F {
    future
}

#[test]
fn a_workflow_future_over_a_sync_runtime_is_send() {
    let runtime = SyncRuntime {
        sent: Mutex::new(Vec::new()),
    };
    let client = TigrisClient::new(ConfigInput::default(), &NoEnvironment, runtime);
    let name = workspace_name("send-check");
    assert!(name.is_ok(), "a valid name is accepted");
    if let Ok(name) = name {
        let options = CreateWorkspaceOptions::default();
        // Not awaited: building the future is the proof; `is_send` only accepts a Send one.
        let future = is_send(create_workspace(&client, &name, &options));
        drop(future);
    }
}
