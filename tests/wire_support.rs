//! Shared helpers of the wire tests: a scripted fake `Runtime`, a tiny executor and an
//! independent SigV4 canonicaliser/verifier (sha2 + hmac, not aws-sigv4). The fake runtime's
//! state sits behind mutexes, so it is `Sync` and these tests also build with the `native`
//! feature.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use tigris_agent_kit::runtime::{HttpRequest, HttpResponse, Runtime, TransportError};
use tigris_agent_kit::secret::KeyPair;

/// Runs a future whose awaits are all immediately ready (the fake runtime never pends).
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future never completed");
}

/// 2026-01-01T00:00:00Z.
pub const T2026: f64 = 1_767_225_600_000.0;

/// A value behind a mutex with `RefCell`/`Cell`-like accessors (a poisoned lock is still read).
#[derive(Default)]
pub struct Shared<T>(Mutex<T>);

impl<T> Shared<T> {
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

#[derive(Default)]
pub struct FakeRuntime {
    pub sent: Shared<Vec<(HttpRequest, u32)>>,
    pub script: Shared<VecDeque<Result<HttpResponse, TransportError>>>,
    pub sleeps: Shared<Vec<u32>>,
    pub now: Shared<f64>,
    pub random_calls: Shared<u32>,
    pub provider: Shared<Option<Result<KeyPair, String>>>,
    pub provider_calls: Shared<u32>,
}

impl FakeRuntime {
    pub fn new() -> Self {
        let r = FakeRuntime::default();
        r.now.set(T2026);
        r
    }
    pub fn with(responses: Vec<Result<HttpResponse, TransportError>>) -> Self {
        let r = FakeRuntime::new();
        r.script.borrow_mut().extend(responses);
        r
    }
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.sent.borrow().iter().map(|(r, _)| r.clone()).collect()
    }
}

impl Runtime for FakeRuntime {
    async fn send(
        &self,
        request: HttpRequest,
        deadline_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push((request, deadline_ms));
        // Each attempt one second later, so re-signing changes x-amz-date.
        self.now.set(self.now.get() + 1000.0);
        self.script
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| Ok(ok()))
    }
    async fn sleep(&self, ms: u32) {
        self.sleeps.borrow_mut().push(ms);
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn fill_random(&self, buf: &mut [u8]) {
        let n = self.random_calls.get();
        self.random_calls.set(n + 1);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (n as u8)
                .wrapping_mul(31)
                .wrapping_add(i as u8)
                .wrapping_mul(7);
        }
    }
    async fn provide_credentials(&self) -> Option<Result<KeyPair, String>> {
        self.provider_calls.set(self.provider_calls.get() + 1);
        self.provider.borrow().clone()
    }
}

pub fn resp(status: u16, status_text: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        status_text: status_text.into(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

pub fn ok() -> HttpResponse {
    resp(200, "OK", &[], "")
}

pub fn s3_error(status: u16, code: &str, message: &str) -> HttpResponse {
    resp(
        status,
        "",
        &[("content-type", "application/xml")],
        &format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"),
    )
}

pub fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn uri_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(Ok(v)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Splits an absolute URL into (host[:port] without default port, path, query).
pub fn split_url(url: &str) -> (String, String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path_query) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = match (scheme, authority.rsplit_once(':')) {
        ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h.to_string(),
        _ => authority.to_string(),
    };
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    (authority, path.to_string(), query.to_string())
}

/// Canonical query: pairs decoded then re-encoded (RFC 3986 unreserved), bare keys `key=`,
/// sorted by key then value.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k)),
                uri_encode(&percent_decode(v)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request of `req` (host from the URL) over `signed` header names (lower-case,
/// sorted), with the path used as sent (S3 single encoding).
pub fn canonical_request(req: &HttpRequest, signed: &[String], payload_hash: &str) -> String {
    let (host, path, query) = split_url(&req.url);
    let mut lines = vec![req.method.to_string(), path, canonical_query(&query)];
    for name in signed {
        let value = if name == "host" {
            host.clone()
        } else {
            let values: Vec<String> = req
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            assert!(!values.is_empty(), "signed header {name} not sent");
            values.join(",")
        };
        lines.push(format!("{name}:{value}"));
    }
    lines.push(String::new());
    lines.push(signed.join(";"));
    lines.push(payload_hash.to_string());
    lines.join("\n")
}

pub fn string_to_sign(amz_date: &str, scope: &str, creq: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(creq.as_bytes())
    )
}

pub fn signature(secret: &str, date: &str, region: &str, service: &str, sts: &str) -> String {
    let k = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, service.as_bytes());
    let k = hmac(&k, b"aws4_request");
    hex(&hmac(&k, sts.as_bytes()))
}

/// Parsed `authorization` header.
pub struct Authz {
    pub access_key: String,
    pub scope: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed: Vec<String>,
    pub signature: String,
}

pub fn parse_authz(value: &str) -> Authz {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 Credential=")
        .expect("algorithm");
    let (cred, rest) = rest.split_once(", SignedHeaders=").unwrap();
    let (signed, sig) = rest.split_once(", Signature=").unwrap();
    let (access_key, scope) = cred.split_once('/').unwrap();
    let parts: Vec<&str> = scope.split('/').collect();
    Authz {
        access_key: access_key.into(),
        scope: scope.into(),
        date: parts[0].into(),
        region: parts[1].into(),
        service: parts[2].into(),
        signed: signed.split(';').map(String::from).collect(),
        signature: sig.into(),
    }
}

/// Independently verifies a signed request: the payload hash header matches the body, the
/// signature recomputed from the canonical request matches. Returns (authz, canonical request).
pub fn verify(req: &HttpRequest, secret: &str) -> (Authz, String) {
    let authz = parse_authz(header(req, "authorization").expect("authorization"));
    let payload = header(req, "x-amz-content-sha256").expect("x-amz-content-sha256");
    assert_eq!(payload, sha256_hex(&req.body), "payload hash");
    let creq = canonical_request(req, &authz.signed, payload);
    let amz_date = header(req, "x-amz-date").expect("x-amz-date");
    let sts = string_to_sign(amz_date, &authz.scope, &creq);
    let sig = signature(secret, &authz.date, &authz.region, &authz.service, &sts);
    assert_eq!(sig, authz.signature, "signature of\n{creq}");
    (authz, creq)
}
