//! HTTP plumbing (hyper 1): reads whole requests, applies test-hook faults, latency and CORS,
//! hands requests to [`Api`], and queues webhook deliveries (batched per destination) after
//! replying.

use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::api::{Api, ApiConfig, ApiError, ErrorFormat, Notification, Op, Reply, Request};
use crate::batching::Queues;
use crate::config::Config;
use crate::hooks::{mask_json, DropWhen, FaultAction, FaultSpec, Hooks};
use crate::keys::Secret;
use crate::webhook::Policy;

/// Largest accepted request body.
const MAX_BODY: usize = 1 << 30;
/// Bodies above this size are handled on the blocking pool, and their signature is checked
/// (against the declared payload hash) before they are read.
const BLOCKING_BODY: usize = 1 << 20;
/// Request body memory, in MiB, that large requests may hold at once across all connections; a
/// large body waits for its share before it is read.
const BODY_MEMORY_MIB: u32 = 256;
/// Largest accepted request head (start line + headers); larger heads get `431`.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Request headers a browser client may send (CORS preflight).
const ALLOW_HEADERS: &str = "authorization, content-type, x-amz-date, x-amz-content-sha256, x-amz-security-token, x-amz-acl, x-amz-acl-public-list-objects-enabled, x-tigris-snapshot, x-tigris-enable-snapshot, x-tigris-fork-source-bucket, x-tigris-fork-source-bucket-snapshot, x-tigris-snapshot-version, x-tigris-namespace, tigris-force-delete, x-amz-checksum-crc32, x-amz-sdk-checksum-algorithm, x-amz-checksum-mode, accept";

/// The running server's shared state.
pub struct Server {
    /// The API (store, keys, auth).
    pub api: Api,
    hooks: Mutex<Hooks>,
    latency: Duration,
    test_hooks: bool,
    day_ns: u64,
    policy: Arc<Policy>,
    queues: Arc<Queues>,
    header_timeout: Duration,
    connections: Arc<tokio::sync::Semaphore>,
    body_memory: Arc<tokio::sync::Semaphore>,
}

/// Marker error: close the connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a test fault")
    }
}

impl std::error::Error for Dropped {}

impl Server {
    /// Builds the state from the flags (loading `--data-dir` when given).
    pub fn new(config: &Config) -> Result<Server, String> {
        let api_config = ApiConfig {
            root_key_id: config.access_key_id.clone(),
            root_secret: Secret(config.secret_access_key.clone()),
            session_token: config.session_token.clone().map(Secret),
            base_host: config.base_host.clone(),
        };
        let api = match &config.data_dir {
            Some(dir) => Api::open(api_config, dir)?,
            None => Api::new(api_config),
        };
        Ok(Server {
            api,
            hooks: Mutex::new(Hooks::default()),
            latency: Duration::from_millis(config.latency_ms),
            test_hooks: config.test_hooks,
            day_ns: config.day_seconds.max(1).saturating_mul(1_000_000_000),
            policy: Arc::new(Policy {
                timeout: Duration::from_millis(config.webhook_timeout_ms.max(1)),
                max_attempts: config.webhook_max_attempts.max(1),
                backoff: Duration::from_millis(100),
                allowed_hosts: config.allow_webhook_host.clone(),
                own_addr: std::sync::OnceLock::new(),
                outgoing: Arc::new(tokio::sync::Semaphore::new(crate::webhook::MAX_OUTGOING)),
            }),
            queues: Arc::new(Queues::default()),
            header_timeout: Duration::from_millis(config.header_timeout_ms.max(1)),
            connections: Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1))),
            body_memory: Arc::new(tokio::sync::Semaphore::new(BODY_MEMORY_MIB as usize)),
        })
    }

    fn hooks(&self) -> MutexGuard<'_, Hooks> {
        self.hooks.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn deliver(&self, notes: Vec<Notification>) {
        for (target, change) in notes {
            self.queues.push(&self.policy, target, &change);
        }
    }

    /// `/_local/…` test hooks.
    fn local(&self, req: &Request) -> Reply {
        if !self.test_hooks {
            return ApiError::new(
                403,
                "AccessDenied",
                "Test hooks are disabled; start tigris-local with --test-hooks",
            )
            .reply(ErrorFormat::Json, &req.path);
        }
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/_local/requests") => Reply::json(200, &self.hooks().log()),
            ("GET", "/_local/state") => Reply::json(200, &self.state()),
            ("POST", "/_local/reset") => {
                self.hooks().clear();
                let mut data = self.api.data();
                data.store.clear();
                data.keys.clear();
                drop(data);
                match self.api.persist() {
                    Ok(()) => Reply::json(200, &json!({"status": "success"})),
                    Err(e) => e.reply(ErrorFormat::Json, &req.path),
                }
            }
            ("POST", "/_local/faults") => match serde_json::from_slice::<FaultSpec>(&req.body) {
                Ok(spec) => Reply::json(200, &json!({"id": self.hooks().add_fault(spec)})),
                Err(e) => ApiError::new(400, "MalformedJSON", format!("bad fault spec: {e}"))
                    .reply(ErrorFormat::Json, &req.path),
            },
            _ => ApiError::new(
                404,
                "NotFound",
                format!("no test hook {} {}", req.method, req.path),
            )
            .reply(ErrorFormat::Json, &req.path),
        }
    }

    /// `GET /_local/state`: buckets, snapshots, notification configs (secrets masked) and keys.
    pub fn state(&self) -> Value {
        let data = self.api.data();
        let buckets: Vec<Value> = data
            .store
            .buckets()
            .map(|b| {
                let mut notifications = b.settings.get("object_notifications").cloned().unwrap_or(Value::Null);
                mask_json(&mut notifications);
                json!({
                    "name": b.name,
                    "type": b.kind.code(),
                    "parents": b.parent.iter().map(|p| json!({"bucket": p.bucket, "snapshot": p.snapshot.to_string()})).collect::<Vec<_>>(),
                    "children": b.children,
                    "snapshots": b.snapshots.iter().map(|s| json!({"version": s.version.to_string(), "name": s.name})).collect::<Vec<_>>(),
                    "notifications": notifications,
                    "lifecycle_rules": b.settings.get("lifecycle_rules").cloned().unwrap_or(json!([])),
                    "objects": data.store.count(&b.name).map(|c| c.0).unwrap_or(0),
                })
            })
            .collect();
        let keys: Vec<Value> = data
            .keys
            .all()
            .map(|k| json!({"id": k.id, "name": k.name, "buckets_role": k.roles.iter().map(|(b, r)| json!({"bucket": b, "role": r.as_str()})).collect::<Vec<_>>()}))
            .collect();
        json!({"buckets": buckets, "keys": keys})
    }

    async fn handle(
        self: Arc<Self>,
        req: hyper::Request<Incoming>,
    ) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
        let origin = req
            .headers()
            .get("origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if req.uri().path().starts_with("/_local/") {
            let reply = match hooks_caller_allowed(req.headers()) {
                Ok(()) => match read_request(req).await {
                    Ok(req) => self.local(&req),
                    Err(reply) => reply,
                },
                Err(why) => ApiError::new(403, "AccessDenied", why)
                    .reply(ErrorFormat::Json, req.uri().path()),
            };
            return Ok(to_response(reply, None));
        }
        let respond = |r: Reply| Ok(to_response(r, Some(origin.as_deref())));
        let _memory = match self.admit_body(&req).await {
            Ok(permit) => permit,
            Err(reply) => return respond(reply),
        };
        let req = match read_request(req).await {
            Ok(r) => r,
            Err(reply) => return respond(reply),
        };
        if req.method == "OPTIONS" {
            return respond(preflight(&req));
        }
        let (seq, fault) = {
            let mut hooks = self.hooks();
            (
                self.test_hooks.then(|| {
                    let object_data = matches!(
                        self.api.resolve(&req),
                        Op::PutObject { .. } | Op::UploadPart { .. }
                    );
                    hooks.record(&req, object_data)
                }),
                hooks.check(&req),
            )
        };
        let finish = |status: Option<u16>, fault: Option<Value>| {
            if let Some(seq) = seq {
                self.hooks().finish(seq, status, fault);
            }
        };
        let mut drop_after = false;
        if let Some((action, desc)) = fault {
            match action {
                FaultAction::Status { status, body } => {
                    finish(Some(status), Some(desc));
                    return respond(fault_reply(status, body.unwrap_or_default()));
                }
                FaultAction::Delay { delay_ms } => {
                    finish(None, Some(desc));
                    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                }
                FaultAction::Drop { drop } => {
                    finish(None, Some(desc));
                    if drop == DropWhen::Before {
                        return Err(Dropped);
                    }
                    drop_after = true;
                }
            }
        }
        let (reply, notes) = self.run_api(req).await;
        self.deliver(notes);
        if drop_after {
            return Err(Dropped);
        }
        finish(Some(reply.status), None);
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        respond(reply)
    }

    /// Before a large (or unsized) body is read: refuses it when too large or when the head's
    /// signature is wrong, then waits for its share of the body memory (released when dropped).
    async fn admit_body(
        &self,
        req: &hyper::Request<Incoming>,
    ) -> Result<Option<tokio::sync::OwnedSemaphorePermit>, Reply> {
        let declared = req
            .headers()
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let streamed =
            declared.is_none() && req.headers().contains_key(hyper::header::TRANSFER_ENCODING);
        if !streamed && declared.is_none_or(|n| n <= BLOCKING_BODY as u64) {
            return Ok(None);
        }
        let head = head_of(req, Bytes::new());
        if declared.is_some_and(|n| n > MAX_BODY as u64) {
            return Err(too_large().reply(ErrorFormat::Xml, &head.path));
        }
        let op = self.api.resolve(&head);
        if let Err(e) = self.api.authenticate_head(&head, &op) {
            return Err(e.reply(op.error_format(), &head.path));
        }
        let mib = declared.map_or(u64::from(BODY_MEMORY_MIB), |n| {
            n.div_ceil(1 << 20).min(u64::from(BODY_MEMORY_MIB))
        });
        let mib = u32::try_from(mib).unwrap_or(BODY_MEMORY_MIB);
        Ok(self.body_memory.clone().acquire_many_owned(mib).await.ok())
    }

    /// Runs the API on `req` — on the blocking pool when the body is large (hashing it takes a
    /// while) — and turns a panicking handler into a 500 instead of losing the server.
    async fn run_api(self: &Arc<Self>, req: Request) -> (Reply, Vec<Notification>) {
        let op = self.api.resolve(&req);
        let (format, path, large) = (
            op.error_format(),
            req.path.clone(),
            req.body.len() > BLOCKING_BODY,
        );
        let server = self.clone();
        let work = move || catch_unwind(AssertUnwindSafe(|| server.api.handle(&req, &op))).ok();
        let outcome = if large {
            tokio::task::spawn_blocking(work).await.ok().flatten()
        } else {
            work()
        };
        match outcome {
            Some(o) => (o.reply, o.notifications),
            None => {
                let err = ApiError::new(
                    500,
                    "InternalError",
                    "tigris-local hit an internal error handling this request",
                );
                (err.reply(format, &path), Vec::new())
            }
        }
    }
}

/// `413 EntityTooLarge` for a body over [`MAX_BODY`].
fn too_large() -> ApiError {
    ApiError::new(
        413,
        "EntityTooLarge",
        format!("Your proposed upload exceeds the maximum allowed size ({MAX_BODY} bytes)."),
    )
}

/// The API request for a hyper request's head, with `body`.
fn head_of<B>(req: &hyper::Request<B>, body: Bytes) -> Request {
    Request {
        method: req.method().as_str().to_string(),
        path: req.uri().path().to_string(),
        query: req.uri().query().unwrap_or("").to_string(),
        headers: req
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    }
}

/// Reads the whole request; an unreadable or oversized body becomes the error reply.
async fn read_request(req: hyper::Request<Incoming>) -> Result<Request, Reply> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            let err = if e.is::<http_body_util::LengthLimitError>() {
                too_large()
            } else {
                ApiError::new(
                    400,
                    "IncompleteBody",
                    format!("Could not read the request body: {e}"),
                )
            };
            return Err(err.reply(ErrorFormat::Xml, parts.uri.path()));
        }
    };
    Ok(head_of(&hyper::Request::from_parts(parts, ()), body))
}

/// The reply of a `{"status", "body"}` fault; the content type follows the body's first character.
fn fault_reply(status: u16, body: String) -> Reply {
    let ct = if body.trim_start().starts_with('{') {
        "application/json"
    } else {
        "application/xml"
    };
    Reply {
        status,
        headers: vec![("Content-Type".into(), ct.into())],
        body: Bytes::from(body),
    }
}

fn preflight(req: &Request) -> Reply {
    let mut headers = ALLOW_HEADERS.to_string();
    if let Some(asked) = req.header("access-control-request-headers") {
        headers.push_str(", ");
        headers.push_str(asked);
    }
    Reply {
        status: 204,
        headers: vec![
            (
                "Access-Control-Allow-Methods".into(),
                "GET, PUT, POST, PATCH, DELETE, HEAD".into(),
            ),
            ("Access-Control-Allow-Headers".into(), headers),
            ("Access-Control-Max-Age".into(), "600".into()),
        ],
        body: Bytes::new(),
    }
}

/// Whether a `/_local/` request may be served: only from this machine's own pages or tools —
/// a loopback `Host` (no DNS rebinding) and, when a browser says where it comes from, the same
/// origin (no other site's page can read the log or reset the data).
fn hooks_caller_allowed(headers: &hyper::HeaderMap) -> Result<(), &'static str> {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let host = get("host").unwrap_or("");
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err("Test hooks answer only requests addressed to a loopback host");
    }
    let same_origin = get("origin").is_none_or(|o| o == format!("http://{host}"))
        && get("sec-fetch-site").is_none_or(|s| s == "same-origin" || s == "none");
    if !same_origin {
        return Err("Test hooks answer only same-origin requests");
    }
    Ok(())
}

/// The hyper response; `cors` is the request's `Origin` for routes that answer CORS (`None`:
/// no CORS headers, as for the test hooks).
fn to_response(r: Reply, cors: Option<Option<&str>>) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(r.status);
    for (n, v) in &r.headers {
        builder = builder.header(n.as_str(), v.as_str());
    }
    if let Some(origin) = cors {
        builder = builder
            .header("Access-Control-Allow-Origin", origin.unwrap_or("*"))
            .header(
                "Access-Control-Expose-Headers",
                "X-Tigris-Snapshot-Version, ETag",
            )
            .header("Vary", "Origin");
    }
    builder = builder.header("x-amz-request-id", "tigris-local");
    builder.body(Full::new(r.body)).unwrap_or_else(|e| {
        let mut fallback = hyper::Response::new(Full::new(Bytes::from(format!(
            "cannot build response: {e}"
        ))));
        *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

/// Serves forever on `listener` with an already built server.
pub async fn serve(server: Server, listener: TcpListener) {
    run(Arc::new(server), listener).await;
}

/// Binds `127.0.0.1:0` and serves in the background; returns the address and the state (tests).
pub async fn spawn(config: Config) -> std::io::Result<(SocketAddr, Arc<Server>)> {
    let listener = TcpListener::bind(&config.addr).await?;
    let addr = listener.local_addr()?;
    let server = Arc::new(Server::new(&config).map_err(std::io::Error::other)?);
    tokio::spawn(run(server.clone(), listener));
    Ok((addr, server))
}

async fn run(server: Arc<Server>, listener: TcpListener) {
    if let Ok(own) = listener.local_addr() {
        let _ = server.policy.own_addr.set(own);
    }
    let ttl = server.clone();
    tokio::spawn(async move {
        let every = Duration::from_nanos((ttl.day_ns / 100).clamp(100_000_000, 60_000_000_000));
        loop {
            tokio::time::sleep(every).await;
            let notes = ttl.api.expire(ttl.day_ns);
            ttl.deliver(notes);
        }
    });
    loop {
        // A permit per open connection; without one, wait (clients queue in the listen backlog).
        let Ok(permit) = server.connections.clone().acquire_owned().await else {
            return;
        };
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                crate::log!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let server = server.clone();
        let header_timeout = server.header_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let service = service_fn(move |req| server.clone().handle(req));
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_header_size(MAX_HEADER_BYTES)
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                if !e.to_string().contains("dropped by a test fault") {
                    crate::log!("connection error: {e}");
                }
            }
        });
    }
}
