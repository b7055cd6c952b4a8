//! A scripted [`Runtime`] for the client's unit tests: answers from a queue, records every
//! request, never waits. Its state sits behind mutexes, so it is `Sync` and the crate's tests
//! also build with the `native` feature (whose runtimes must be `Sync`).

use crate::runtime::{HttpRequest, HttpResponse, Runtime, TransportError};
use crate::secret::KeyPair;
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

pub(crate) use crate::workflows::fake::block_on;

/// A response with `status` and `body`.
pub(crate) fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        status_text: String::new(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

/// A value behind a mutex with `RefCell`/`Cell`-like accessors (a poisoned lock is still read).
#[derive(Default)]
pub(crate) struct Shared<T>(Mutex<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Mutex::new(value))
    }
    pub fn borrow(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
    pub fn borrow_mut(&self) -> MutexGuard<'_, T> {
        self.borrow()
    }
    pub fn set(&self, value: T) {
        *self.borrow() = value;
    }
}

impl<T: Copy> Shared<T> {
    pub fn get(&self) -> T {
        *self.borrow()
    }
}

/// Answers each request with the next scripted result (an empty 200 when the script is out).
pub(crate) struct ScriptedRuntime {
    pub script: Shared<VecDeque<Result<HttpResponse, TransportError>>>,
    pub sent: Shared<Vec<HttpRequest>>,
    pub now: Shared<f64>,
    pub provider: Option<Result<KeyPair, String>>,
}

impl ScriptedRuntime {
    pub fn new(script: Vec<Result<HttpResponse, TransportError>>) -> Self {
        ScriptedRuntime {
            script: Shared::new(script.into()),
            sent: Shared::new(Vec::new()),
            now: Shared::new(1_767_225_600_000.0),
            provider: None,
        }
    }
}

impl Runtime for ScriptedRuntime {
    async fn send(
        &self,
        request: HttpRequest,
        _deadline_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(request);
        self.now.set(self.now.get() + 1000.0);
        self.script
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| Ok(answer(200, &[], "")))
    }
    async fn sleep(&self, _ms: u32) {}
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn fill_random(&self, buf: &mut [u8]) {
        buf.fill(7);
    }
    async fn provide_credentials(&self) -> Option<Result<KeyPair, String>> {
        self.provider.clone()
    }
}
