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

    /// `PUT /<bucket>/<key>` of `body`, signed with the root key: an object write as any S3
    /// client makes it (with its notification events).
    pub async fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        use tigris_agent_kit::sigv4::{Credentials, Payload, Request, Scope, Signer, SigningTime};
        let url = format!("{}/{bucket}/{key}", self.endpoint());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as f64;
        let mut headers = Vec::new();
        Signer::new()
            .sign(
                &Request {
                    method: "PUT",
                    url: &url,
                    headers: &headers,
                    payload: Payload::Bytes(body),
                },
                &Credentials {
                    access_key_id: "tid_local",
                    secret_access_key: "tsec_local",
                    session_token: None,
                },
                &Scope::TIGRIS,
                SigningTime::from_unix_ms(now),
            )
            .unwrap()
            .append_to(&mut headers);
        let mut head = format!("PUT /{bucket}/{key} HTTP/1.1\r\n");
        for (name, value) in &headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.exchange(request, &url, body.len()).await;
    }

    /// One HTTP/1.1 exchange with a hook.
    async fn hook(&self, method: &str, path: &str, body: &str) -> Value {
        let request =
            format!("{method} {path} HTTP/1.1\r\ncontent-type: application/json\r\n{body}");
        let body = self.exchange(request.into_bytes(), path, body.len()).await;
        if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&body).unwrap()
        }
    }

    /// Sends `request` (its request line and headers so far, then the body of `body_len` bytes
    /// after them) with `host`, `content-length` and `connection: close` added, on a blocking
    /// thread; asserts a 2xx and returns the answer's body.
    async fn exchange(&self, request: Vec<u8>, what: &str, body_len: usize) -> String {
        let split = request.len() - body_len;
        let mut raw = request[..split].to_vec();
        raw.extend_from_slice(
            format!(
                "host: {}\r\ncontent-length: {body_len}\r\nconnection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        );
        raw.extend_from_slice(&request[split..]);
        let addr = self.addr;
        let answer = tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(&raw).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            answer
        })
        .await
        .unwrap();
        let text = String::from_utf8(answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 2"), "{what}: {head}");
        body.to_owned()
    }
}

/// A name no other test uses: `<what>-<n>`.
pub fn unique(what: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{what}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
