//! Shared helpers of the native client's tests: an in-process tigris-local on 127.0.0.1:0 with
//! its `/_local/` test hooks, reached over a plain TCP connection.
#![cfg(feature = "native")]
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use serde_json::Value;
use tigris_agent_kit::{AgentKit, Config, Secret};

/// A running in-process tigris-local (stops with the test's tokio runtime).
pub struct Local {
    pub addr: SocketAddr,
    pub server: Arc<tigris_local::server::Server>,
}

impl Local {
    /// Starts one on an ephemeral port with the root key `tid_local` / `tsec_local`.
    pub async fn start() -> Local {
        let (addr, server) = tigris_local::server::spawn(tigris_local::config::Config::for_tests())
            .await
            .expect("tigris-local starts");
        Local { addr, server }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The root key's config for this server.
    pub fn config(&self) -> Config {
        Config {
            access_key_id: Some("tid_local".into()),
            secret_access_key: Some(Secret::new("tsec_local")),
            endpoint: Some(self.endpoint()),
            iam_endpoint: Some(self.endpoint()),
            ..Config::default()
        }
    }

    pub fn kit(&self) -> AgentKit {
        AgentKit::new(self.config()).expect("a kit")
    }

    /// `GET /_local/state`.
    pub fn state(&self) -> Value {
        self.server.state()
    }

    /// Bucket names starting with `prefix`, sorted.
    pub fn buckets(&self, prefix: &str) -> Vec<String> {
        self.names("buckets", prefix)
    }

    /// Key names starting with `prefix`, sorted.
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        self.names("keys", prefix)
    }

    /// The `name`s of the state's `kind` list that start with `prefix`, sorted.
    fn names(&self, kind: &str, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> = self.state()[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["name"].as_str().unwrap().to_owned())
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort();
        names
    }

    /// The request log (`GET /_local/requests`).
    pub async fn requests(&self) -> Vec<Value> {
        match self.hook("GET", "/_local/requests", "").await {
            Value::Array(entries) => entries,
            other => panic!("request log: {other}"),
        }
    }

    /// Injects a fault (`POST /_local/faults`, a JSON spec).
    pub async fn fault(&self, spec: Value) {
        self.hook("POST", "/_local/faults", &spec.to_string()).await;
    }

    /// Makes the next 50 `method` requests on `path` answer `status` (with `body`).
    pub async fn fail(&self, method: &str, path: &str, status: u16, body: Option<&str>) {
        let action = match body {
            Some(body) => serde_json::json!({"status": status, "body": body}),
            None => serde_json::json!({"status": status}),
        };
        self.fault(
            serde_json::json!({"method": method, "path": path, "times": 50, "action": action}),
        )
        .await;
    }

    /// Clears faults and the log (`POST /_local/reset`).
    pub async fn reset(&self) {
        self.hook("POST", "/_local/reset", "").await;
    }

    /// One HTTP/1.1 exchange with a hook, on a blocking thread.
    async fn hook(&self, method: &str, path: &str, body: &str) -> Value {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let addr = self.addr;
        let raw = tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut raw = Vec::new();
            stream.read_to_end(&mut raw).unwrap();
            raw
        })
        .await
        .unwrap();
        let text = String::from_utf8(raw).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 2"), "{method} {path}: {head}");
        if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body).unwrap()
        }
    }
}

/// A name no other test uses: `<what>-<n>`.
pub fn unique(what: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{what}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
