//! The raw-request signer shared by the fuzzer (`tests/fuzz.rs`) and the load probe
//! (`examples/load.rs`): one HTTP/1.1 request signed with the root key (`tid_local` /
//! `tsec_local`) through tigris-local's own SigV4 functions, covering exactly what is sent.

use std::time::{SystemTime, UNIX_EPOCH};

use tigris_local::sigv4::{self, RequestParts};

/// Root access key id of a default tigris-local.
pub const ROOT_KEY_ID: &str = "tid_local";
/// Root secret of a default tigris-local.
pub const ROOT_SECRET: &str = "tsec_local";

/// Whether the request asks the server to close the connection after answering.
// Each includer (the fuzzer, the load probe) uses one of the two.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Keep the connection open for the next request.
    KeepAlive,
    /// `connection: close`.
    Close,
}

/// The current time as an `x-amz-date` (`yyyymmddThhmmssZ`).
pub fn amz_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    tigris_local::clock::rfc3339_secs(secs.saturating_mul(1_000_000_000)).replace(['-', ':'], "")
}

/// A root-signed HTTP/1.1 request for `target` (path and optional `?query`, any bytes valid in a
/// request target) on `host`; `headers` must be valid header values. Every header sent is signed.
pub fn signed(
    host: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    connection: Connection,
) -> Vec<u8> {
    let date = amz_now();
    let body_hash = sigv4::sha256_hex(body);
    let mut hs = headers.to_vec();
    hs.push(("host".into(), host.into()));
    hs.push(("x-amz-date".into(), date.clone()));
    hs.push(("x-amz-content-sha256".into(), body_hash.clone()));
    let mut names: Vec<String> = hs.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let parts = RequestParts {
        method,
        path,
        query,
        headers: &hs,
        body,
    };
    let canonical = sigv4::canonical_request(&parts, &names, &body_hash);
    let day = date.get(..8).unwrap_or("");
    let scope = format!("{day}/auto/s3/aws4_request");
    let sts = sigv4::string_to_sign(&date, &scope, &canonical);
    let sig = sigv4::sign(ROOT_SECRET, day, "auto", "s3", &sts);
    let mut out = format!("{method} {target} HTTP/1.1\r\n");
    for (k, v) in &hs {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "authorization: AWS4-HMAC-SHA256 Credential={ROOT_KEY_ID}/{scope}, SignedHeaders={}, Signature={sig}\r\ncontent-length: {}\r\n",
        names.join(";"),
        body.len()
    ));
    if connection == Connection::Close {
        out.push_str("connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}
