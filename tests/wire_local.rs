//! End to end against a real `tigris-local` (strict SigV4, docs/protocol.md §8): every operation
//! of the client through a tiny blocking HTTP/1.1 runtime. The server binary is taken from
//! `TIGRIS_LOCAL_BIN` or `target/release/tigris-local` (what the test command builds first);
//! when there is none the tests fail, naming the command that builds it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "wire_support.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::block_on;
use tigris_agent_kit::client::TigrisClient;
use tigris_agent_kit::config::{ConfigInput, NoEnvironment};
use tigris_agent_kit::ops::*;
use tigris_agent_kit::runtime::{HttpRequest, HttpResponse, Runtime, TransportError};
use tigris_agent_kit::secret::KeyPair;

struct BlockingRuntime {
    seed: AtomicU64,
    sends: AtomicU32,
}

impl BlockingRuntime {
    fn new() -> Self {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        BlockingRuntime {
            seed: AtomicU64::new(t | 1),
            sends: AtomicU32::new(0),
        }
    }
}

fn exchange(request: &HttpRequest, deadline_ms: u32) -> std::io::Result<HttpResponse> {
    let rest = request.url.split_once("://").unwrap().1;
    let (authority, target) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let port = authority.rsplit_once(':').map(|(_, p)| p).unwrap_or("80");
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    stream.set_read_timeout(Some(Duration::from_millis(u64::from(deadline_ms))))?;
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method,
        request.body.len()
    );
    for (k, v) in &request.headers {
        assert!(
            !k.eq_ignore_ascii_case("host"),
            "host must not be in the header list"
        );
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&request.body)?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    if status_line.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed without a response",
        ));
    }
    let mut parts = status_line.trim_end().splitn(3, ' ');
    parts.next();
    let status: u16 = parts.next().unwrap_or("0").parse().unwrap_or(0);
    let status_text = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw)?;
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(&raw) } else { raw };
    Ok(HttpResponse {
        status,
        status_text,
        headers,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            std::str::from_utf8(&raw[..nl])
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[nl + 2..nl + 2 + size]);
        raw = &raw[nl + 2 + size + 2..];
    }
    out
}

impl Runtime for BlockingRuntime {
    async fn send(
        &self,
        request: HttpRequest,
        deadline_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        self.sends.fetch_add(1, Ordering::Relaxed);
        exchange(&request, deadline_ms).map_err(|e| TransportError::Network(e.to_string()))
    }
    async fn sleep(&self, ms: u32) {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
    }
    fn now_ms(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as f64
    }
    fn fill_random(&self, buf: &mut [u8]) {
        for b in buf {
            let mut x = self.seed.load(Ordering::Relaxed);
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.seed.store(x, Ordering::Relaxed);
            *b = x as u8;
        }
    }
    async fn provide_credentials(&self) -> Option<Result<KeyPair, String>> {
        None
    }
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server whose virtual-hosted names are `<bucket>.s3.localhost` (a bare `localhost` endpoint
/// is addressed path-style).
fn start_server() -> Option<Server> {
    start_server_with(&["--base-host", "s3.localhost"])
}

fn start_server_with(extra: &[&str]) -> Option<Server> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var("TIGRIS_LOCAL_BIN").ok().map(PathBuf::from),
        Some(root.join("target/release/tigris-local")),
    ];
    let bin = candidates.into_iter().flatten().find(|p| p.is_file())?;
    let mut child = Command::new(bin)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--access-key-id",
            "tid_wire",
            "--secret-access-key",
            "tsec_wire_canary",
            "--exit-on-stdin-eof",
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    let url = line.trim().rsplit(' ').next()?.to_string();
    Some(Server { child, url })
}

fn client(url: &str, secret: &str) -> TigrisClient<BlockingRuntime> {
    // Virtual-hosted through `s3.localhost` (the server's base host) for S3, path-style for IAM.
    let port = url.rsplit(':').next().unwrap();
    let config = ConfigInput {
        access_key_id: Some("tid_wire".into()),
        secret_access_key: Some(secret.into()),
        endpoint: Some(format!("http://s3.localhost:{port}")),
        iam_endpoint: Some(url.into()),
        ..ConfigInput::default()
    };
    TigrisClient::new(config, &NoEnvironment, BlockingRuntime::new())
}

#[test]
fn every_operation_against_tigris_local() {
    let server =
        start_server().expect("tigris-local must be built: cargo build --release -p tigris-local");
    let c = client(&server.url, "tsec_wire_canary");
    let suffix = (c.now_ms() as u64 % 1_000_000).to_string();
    let snap = format!("wire-snap-{suffix}");
    let plain = format!("wire-plain-{suffix}");
    let fork = format!("wire-fork-{suffix}");

    let snap_opts = CreateBucketOptions {
        enable_snapshot: true,
        access: Some(Access::Public),
        fork_of: None,
    };
    block_on(c.create_bucket(&snap, &snap_opts)).unwrap();
    block_on(c.create_bucket(&plain, &CreateBucketOptions::default())).unwrap();
    let again = block_on(c.create_bucket(&plain, &CreateBucketOptions::default())).unwrap_err();
    assert_eq!(again.code, ErrorCode::BucketAlreadyExists, "{again}");
    assert!(
        again.message.starts_with("Unable to create bucket "),
        "{again}"
    );

    let version = block_on(c.create_snapshot(&snap, Some("v1"))).unwrap();
    assert!(!version.is_empty());
    let page = block_on(c.list_snapshots(&snap, Some(10), None)).unwrap();
    let version_shown = version.clone();
    let listed = page
        .snapshots
        .iter()
        .find(|s| s.version.as_deref() == Some(version.as_str()))
        .expect("snapshot listed");
    assert_eq!(listed.name.as_deref(), Some("v1"));
    assert!(listed.created_at_ms.is_some());
    eprintln!(
        "tigris-local at {}: snapshot {version} of {snap} listed",
        server.url,
        version = version_shown
    );
    let not_enabled = block_on(c.create_snapshot(&plain, None)).unwrap_err();
    assert_eq!(
        not_enabled.code,
        ErrorCode::SnapshotsNotEnabled,
        "{not_enabled}"
    );

    let fork_opts = CreateBucketOptions {
        fork_of: Some(ForkSource {
            bucket: snap.clone(),
            snapshot: Some(version),
        }),
        ..Default::default()
    };
    block_on(c.create_bucket(&fork, &fork_opts)).unwrap();

    block_on(c.set_bucket_ttl(&plain, std::num::NonZeroU32::new(3).unwrap())).unwrap();
    block_on(c.set_bucket_ttl(&plain, std::num::NonZeroU32::new(4).unwrap())).unwrap();
    let ttl_on_snapshot =
        block_on(c.set_bucket_ttl(&snap, std::num::NonZeroU32::new(1).unwrap())).unwrap_err();
    assert!(
        ttl_on_snapshot.message.contains("not supported"),
        "{ttl_on_snapshot}"
    );
    let hook = NotificationConfig {
        url: "http://127.0.0.1:9/hook".into(),
        filter: "WHERE `key` REGEXP \"^results/\"".into(),
        auth: Some(WebhookAuth::Token("hook-token-canary".into())),
    };
    block_on(c.set_notifications(&plain, &hook)).unwrap();
    block_on(c.clear_notifications(&plain)).unwrap();

    let key = block_on(c.create_access_key(&format!("{plain}-key"), &plain, Role::Editor)).unwrap();
    assert!(!key.id.is_empty() && key.secret.is_some());
    block_on(c.remove_access_key(&key.id)).unwrap();
    let gone = block_on(c.remove_access_key(&key.id)).unwrap_err();
    assert_eq!(gone.code, ErrorCode::NotFound, "{gone}");

    let wrong = client(&server.url, "not-the-secret");
    let denied = block_on(wrong.remove_bucket(&plain)).unwrap_err();
    assert_eq!(denied.code, ErrorCode::AccessDenied, "{denied}");
    assert!(!denied.message.contains("not-the-secret"));

    let has_forks = block_on(c.remove_bucket(&snap)).unwrap_err();
    assert!(
        has_forks.message.starts_with("Unable to remove bucket "),
        "{has_forks}"
    );
    for b in [&fork, &snap, &plain] {
        block_on(c.remove_bucket(b)).unwrap();
    }
    let missing = block_on(c.remove_bucket(&plain)).unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound, "{missing}");
    drop(server);
}

/// Unsigned call to the server's `/_local/` test hooks.
fn hook(url: &str, method: &'static str, path: &str, body: &str) -> String {
    let request = HttpRequest {
        method,
        url: format!("{url}{path}"),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    };
    let response = exchange(&request, 5_000).unwrap();
    assert!(response.status < 300, "{path}: {}", response.status);
    String::from_utf8(response.body).unwrap()
}

fn path_style_client(url: &str) -> TigrisClient<BlockingRuntime> {
    let config = ConfigInput {
        access_key_id: Some("tid_wire".into()),
        secret_access_key: Some("tsec_wire_canary".into()),
        endpoint: Some(url.into()),
        iam_endpoint: Some(url.into()),
        ..ConfigInput::default()
    };
    TigrisClient::new(config, &NoEnvironment, BlockingRuntime::new())
}

#[test]
fn retries_against_injected_faults_never_duplicate() {
    let server = start_server_with(&["--test-hooks"])
        .expect("tigris-local must be built: cargo build --release -p tigris-local");
    let url = server.url.clone();
    let c = path_style_client(&url);
    let sends = |c: &TigrisClient<BlockingRuntime>| c.runtime().sends.load(Ordering::Relaxed);

    // Response lost after the server created the bucket: the retry's BucketAlreadyOwnedByYou is success.
    hook(
        &url,
        "POST",
        "/_local/faults",
        r#"{"method":"PUT","path":"/wire-drop/","action":{"drop":"after"}}"#,
    );
    block_on(c.create_bucket("wire-drop", &CreateBucketOptions::default())).unwrap();
    assert_eq!(sends(&c), 2);

    // Response lost after the key was minted: the retry reuses req_uuid and gets the same key.
    hook(
        &url,
        "POST",
        "/_local/faults",
        r#"{"method":"POST","path":"/","action":{"drop":"after"}}"#,
    );
    let key = block_on(c.create_access_key("wire-drop-key", "wire-drop", Role::Editor)).unwrap();
    assert_eq!(sends(&c), 4);
    let state = hook(&url, "GET", "/_local/state", "");
    assert_eq!(state.matches("\"wire-drop-key\"").count(), 1, "{state}");
    assert!(state.contains(&key.id));

    // 503s beyond the retry budget: 4 attempts, then a Transient error; the bucket stays.
    hook(
        &url,
        "POST",
        "/_local/faults",
        r#"{"method":"DELETE","path":"/wire-drop/","times":10,"action":{"status":503}}"#,
    );
    let e = block_on(c.remove_bucket("wire-drop")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ServerError, "{e}");
    assert!(e.message.starts_with("Unable to remove bucket "), "{e}");
    assert_eq!(sends(&c), 8);
    hook(&url, "POST", "/_local/reset", "");

    // A delete whose response is lost: the retry's 404 counts as done.
    block_on(c.create_bucket("wire-drop-2", &CreateBucketOptions::default())).unwrap();
    hook(
        &url,
        "POST",
        "/_local/faults",
        r#"{"method":"DELETE","path":"/wire-drop-2/","action":{"drop":"after"}}"#,
    );
    block_on(c.remove_bucket("wire-drop-2")).unwrap();
    assert!(!hook(&url, "GET", "/_local/state", "").contains("wire-drop-2"));
    drop(server);
}
