//! AWS Signature Version 4 verification (header auth and presigned URLs), written against
//! docs/protocol.md §3.3.
//!
//! The canonical URI is the path exactly as sent (S3 rules: no normalisation, no re-encoding), the
//! canonical query re-encodes every decoded pair with the RFC 3986 unreserved set, and the payload
//! hash is the declared `x-amz-content-sha256`: `UNSIGNED-PAYLOAD` (accepted, as S3 and Tigris
//! do; the body is then not covered), or a hex SHA-256 that must equal the body's. A presigned URL
//! without one in its query or headers is `UNSIGNED-PAYLOAD`. Streaming (`STREAMING-*`,
//! `aws-chunked`) payloads are refused with `NotImplemented` before any signature check.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::clock;

/// The only algorithm the SDKs use.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The payload hash that leaves the body out of the signature.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Longest lifetime of a presigned URL (7 days), as S3 allows.
pub const MAX_EXPIRES_SECS: i64 = 604_800;
/// Maximum accepted distance between `x-amz-date` and the server clock.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// Why a request's signature was refused; each maps to one S3/IAM error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// No `Authorization` header.
    Missing,
    /// The header could not be parsed (wrong algorithm, missing parts, bad scope).
    Malformed(String),
    /// `x-amz-date` missing or unparsable.
    BadDate,
    /// The request time is more than 15 minutes away from the server clock.
    Skewed,
    /// `x-amz-content-sha256` does not match the body.
    PayloadMismatch,
    /// A streaming payload (`STREAMING-*` or `Content-Encoding: aws-chunked`): not implemented.
    Streaming(String),
    /// A presigned URL whose query parameters are wrong (e.g. `X-Amz-Expires` out of range).
    QueryMalformed(String),
    /// The recomputed signature differs.
    Mismatch,
    /// A presigned URL past `X-Amz-Date + X-Amz-Expires`.
    Expired,
    /// A header that changes what the request does (`x-amz-*`, `x-tigris-*`, `tigris-*`) is
    /// present but not signed.
    Unsigned(String),
    /// A large body whose `x-amz-content-sha256` is not declared (it cannot be checked before
    /// the body is read).
    PayloadHashMissing,
}

impl SigError {
    /// The S3 error code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            SigError::Missing => "AccessDenied",
            SigError::Malformed(_) => "AuthorizationHeaderMalformed",
            SigError::BadDate => "AccessDenied",
            SigError::Skewed => "RequestTimeTooSkewed",
            SigError::PayloadMismatch => "XAmzContentSHA256Mismatch",
            SigError::Streaming(_) => "NotImplemented",
            SigError::QueryMalformed(_) => "AuthorizationQueryParametersError",
            SigError::Mismatch => "SignatureDoesNotMatch",
            SigError::Expired => "AccessDenied",
            SigError::Unsigned(_) => "AccessDenied",
            SigError::PayloadHashMissing => "InvalidRequest",
        }
    }

    /// A human message for the error body.
    pub fn message(&self) -> String {
        match self {
            SigError::Missing => "Access Denied. The request is not signed (no Authorization header).".into(),
            SigError::Malformed(m) => format!("The authorization header is malformed: {m}"),
            SigError::BadDate => "Access Denied. x-amz-date is missing or invalid.".into(),
            SigError::Skewed => "The difference between the request time and the server's time is too large.".into(),
            SigError::PayloadMismatch => "The provided 'x-amz-content-sha256' header does not match what was computed.".into(),
            SigError::Mismatch => "The request signature we calculated does not match the signature you provided. Check your key and signing method.".into(),
            SigError::Expired => "Request has expired".into(),
            SigError::Streaming(v) => format!("Streaming (aws-chunked) payloads are not implemented by tigris-local ({v}); send the whole body with its SHA-256 or UNSIGNED-PAYLOAD"),
            SigError::QueryMalformed(m) => format!("Query-string authentication requires {m}"),
            SigError::PayloadHashMissing => "Missing required header for this request: x-amz-content-sha256".into(),
            SigError::Unsigned(h) => format!("There were headers present in the request which were not signed: {h}"),
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(&self) -> u16 {
        match self {
            SigError::Malformed(_)
            | SigError::PayloadMismatch
            | SigError::QueryMalformed(_)
            | SigError::PayloadHashMissing => 400,
            SigError::Streaming(_) => 501,
            _ => 403,
        }
    }
}

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// Access key id from `Credential=` (may be empty in session-token mode).
    pub key_id: String,
    /// `yyyymmdd` from the scope.
    pub date: String,
    /// Region from the scope (`auto`).
    pub region: String,
    /// Service from the scope (`s3` or `iam`).
    pub service: String,
    /// Lower-case signed header names, in the order given.
    pub signed_headers: Vec<String>,
    /// Hex signature.
    pub signature: String,
}

impl Authorization {
    /// `<date>/<region>/<service>/aws4_request`.
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// Parses `AWS4-HMAC-SHA256 Credential=…/…, SignedHeaders=…, Signature=…`.
pub fn parse_authorization(value: &str) -> Result<Authorization, SigError> {
    let rest = value.strip_prefix(ALGORITHM).ok_or_else(|| {
        SigError::Malformed(format!("unsupported algorithm (expected {ALGORITHM})"))
    })?;
    let (mut cred, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            cred = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            sig = Some(v);
        }
    }
    let (cred, signed, sig) = match (cred, signed, sig) {
        (Some(c), Some(h), Some(s)) => (c, h, s),
        _ => {
            return Err(SigError::Malformed(
                "Credential, SignedHeaders and Signature are required".into(),
            ))
        }
    };
    let parts: Vec<&str> = cred.rsplitn(5, '/').collect();
    let [terminator, service, region, date, key_id] = parts.as_slice() else {
        return Err(SigError::Malformed(
            "the credential scope must be <key>/<date>/<region>/<service>/aws4_request".into(),
        ));
    };
    if *terminator != "aws4_request" || date.len() != 8 {
        return Err(SigError::Malformed(
            "the credential scope must end in aws4_request".into(),
        ));
    }
    Ok(Authorization {
        key_id: (*key_id).to_string(),
        date: (*date).to_string(),
        region: (*region).to_string(),
        service: (*service).to_string(),
        signed_headers: signed.split(';').map(str::to_ascii_lowercase).collect(),
        signature: sig.to_ascii_lowercase(),
    })
}

/// The request parts the signature covers.
pub struct RequestParts<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path exactly as sent.
    pub path: &'a str,
    /// Raw query string without `?`.
    pub query: &'a str,
    /// Every header (name, value); names in any case, repeated names allowed.
    pub headers: &'a [(String, String)],
    /// The request body.
    pub body: &'a [u8],
}

impl RequestParts<'_> {
    /// All values of header `name` (case-insensitive).
    fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this never fails; an empty result would never match.
    match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// URI-encodes with the RFC 3986 unreserved set (`A-Za-z0-9-._~` kept).
pub fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (no `+` handling, as in S3 paths and SigV4 queries).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The canonical query string: pairs decoded, re-encoded, bare keys as `key=`, sorted.
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

fn canonical_value(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the canonical request for the given signed headers and payload hash.
pub fn canonical_request(
    req: &RequestParts<'_>,
    signed_headers: &[String],
    payload_hash: &str,
) -> String {
    let mut out = format!(
        "{}\n{}\n{}\n",
        req.method,
        req.path,
        canonical_query(req.query)
    );
    for name in signed_headers {
        let joined = req
            .values(name)
            .map(canonical_value)
            .collect::<Vec<_>>()
            .join(",");
        out.push_str(&format!("{name}:{joined}\n"));
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// The string to sign for a canonical request.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    )
}

/// The hex signature of `sts` with the key derived from `secret` and the scope parts.
pub fn sign(secret: &str, date: &str, region: &str, service: &str, sts: &str) -> String {
    let k = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, service.as_bytes());
    let k = hmac(&k, b"aws4_request");
    hex::encode(hmac(&k, sts.as_bytes()))
}

/// Constant-time comparison of two strings (of equal length; the length itself is not secret).
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Verifies a header-signed request (`Authorization: AWS4-HMAC-SHA256 …`) against `auth` with
/// `secret`, at server time `now_secs` (UNIX seconds; `None` skips the clock check, for the
/// fixed-time test vectors).
pub fn verify(
    req: &RequestParts<'_>,
    auth: &Authorization,
    secret: &str,
    now_secs: Option<i64>,
) -> Result<(), SigError> {
    verify_header_auth(req, auth, secret, now_secs, Body::Read)
}

/// Whether the body is at hand when the signature is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// `req.body` is the whole body: a declared hash must equal its hash.
    Read,
    /// Not read yet: the signature is checked against the declared payload hash as is, so a
    /// large upload with a wrong signature is refused before it costs memory (the body's hash is
    /// checked once it has arrived). A body whose hash is not declared is refused.
    Pending,
}

/// [`verify`] or [`verify_presigned`] (whichever `presigned` says) before the body is read: see
/// [`Body::Pending`].
pub fn verify_before_body(
    req: &RequestParts<'_>,
    auth: &Authorization,
    presigned: Option<&Presigned>,
    secret: &str,
    now_secs: Option<i64>,
) -> Result<(), SigError> {
    match presigned {
        Some(p) => verify_query_auth(req, p, secret, now_secs, Body::Pending),
        None => verify_header_auth(req, auth, secret, now_secs, Body::Pending),
    }
}

fn verify_header_auth(
    req: &RequestParts<'_>,
    auth: &Authorization,
    secret: &str,
    now_secs: Option<i64>,
    body: Body,
) -> Result<(), SigError> {
    refuse_streaming(req, req.values("x-amz-content-sha256").next())?;
    let amz_date = req
        .values("x-amz-date")
        .next()
        .ok_or(SigError::BadDate)?
        .trim()
        .to_string();
    let t = clock::parse_amz_date(&amz_date).ok_or(SigError::BadDate)?;
    if !auth.signed_headers.iter().any(|h| h == "x-amz-date") {
        return Err(SigError::Malformed(
            "x-amz-date must be a signed header".into(),
        ));
    }
    if now_secs.is_some_and(|now| (now - t).abs() > MAX_SKEW_SECS) {
        return Err(SigError::Skewed);
    }
    let payload_hash = match (req.values("x-amz-content-sha256").next(), body) {
        (Some(declared), _) => payload_hash(req, declared, body)?,
        (None, Body::Read) => sha256_hex(req.body),
        (None, Body::Pending) => return Err(SigError::PayloadHashMissing),
    };
    check(req, req.query, auth, secret, &amz_date, &payload_hash)
}

/// A presigned (query-string) signature: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
/// `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presigned {
    /// Credential, signed headers and signature, as in header auth.
    pub auth: Authorization,
    /// `X-Amz-Date`.
    pub amz_date: String,
    /// `X-Amz-Expires` in seconds (1..=604800).
    pub expires: i64,
}

/// Parses query-string auth; `None` when the query carries no `X-Amz-Algorithm`.
pub fn parse_presigned(query: &str) -> Option<Result<Presigned, SigError>> {
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|p| {
            p.split_once('=')
                .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        })
        .collect();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let algorithm = get("X-Amz-Algorithm")?;
    Some((|| {
        let missing = |what: &str| SigError::QueryMalformed(format!("the {what} parameter"));
        let header = format!(
            "{algorithm} Credential={}, SignedHeaders={}, Signature={}",
            get("X-Amz-Credential").ok_or_else(|| missing("X-Amz-Credential"))?,
            get("X-Amz-SignedHeaders").ok_or_else(|| missing("X-Amz-SignedHeaders"))?,
            get("X-Amz-Signature").ok_or_else(|| missing("X-Amz-Signature"))?,
        );
        let expires = get("X-Amz-Expires")
            .and_then(|e| e.parse::<i64>().ok())
            .filter(|e| (1..=MAX_EXPIRES_SECS).contains(e))
            .ok_or_else(|| {
                SigError::QueryMalformed(format!(
                    "X-Amz-Expires between 1 and {MAX_EXPIRES_SECS} seconds (7 days)"
                ))
            })?;
        Ok(Presigned {
            auth: parse_authorization(&header)?,
            amz_date: get("X-Amz-Date").ok_or(SigError::BadDate)?.to_string(),
            expires,
        })
    })())
}

/// Verifies a presigned request. The payload hash is the one the URL's `X-Amz-Content-Sha256` (or
/// an `x-amz-content-sha256` header) declares, else `UNSIGNED-PAYLOAD`, as the S3 presigners sign.
/// Other query parameters, such as `x-amz-checksum-*`, are only signed, never checked against
/// the body.
pub fn verify_presigned(
    req: &RequestParts<'_>,
    p: &Presigned,
    secret: &str,
    now_secs: Option<i64>,
) -> Result<(), SigError> {
    verify_query_auth(req, p, secret, now_secs, Body::Read)
}

fn verify_query_auth(
    req: &RequestParts<'_>,
    p: &Presigned,
    secret: &str,
    now_secs: Option<i64>,
    body: Body,
) -> Result<(), SigError> {
    let t = clock::parse_amz_date(&p.amz_date).ok_or(SigError::BadDate)?;
    if let Some(now) = now_secs {
        if now > t + p.expires {
            return Err(SigError::Expired);
        }
        if t - now > MAX_SKEW_SECS {
            return Err(SigError::Skewed);
        }
    }
    let query: String = req
        .query
        .split('&')
        .filter(|pair| !pair.starts_with("X-Amz-Signature="))
        .collect::<Vec<_>>()
        .join("&");
    let declared = req
        .values("x-amz-content-sha256")
        .next()
        .map(str::to_string)
        .or_else(|| {
            query.split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                percent_decode(k)
                    .eq_ignore_ascii_case("X-Amz-Content-Sha256")
                    .then(|| percent_decode(v))
            })
        });
    refuse_streaming(req, declared.as_deref())?;
    let payload_hash = match declared {
        Some(d) => payload_hash(req, &d, body)?,
        None => UNSIGNED_PAYLOAD.to_string(),
    };
    check(req, &query, &p.auth, secret, &p.amz_date, &payload_hash)
}

/// `Streaming` when the payload is streamed in signed chunks (`STREAMING-*` declared, or
/// `Content-Encoding: aws-chunked`).
fn refuse_streaming(req: &RequestParts<'_>, declared: Option<&str>) -> Result<(), SigError> {
    if let Some(d) = declared
        .map(str::trim)
        .filter(|d| d.starts_with("STREAMING-"))
    {
        return Err(SigError::Streaming(format!("x-amz-content-sha256: {d}")));
    }
    if req.values("content-encoding").any(|v| {
        v.split(',')
            .any(|e| e.trim().eq_ignore_ascii_case("aws-chunked"))
    }) {
        return Err(SigError::Streaming("content-encoding: aws-chunked".into()));
    }
    Ok(())
}

/// The payload hash to sign for a declared value: `UNSIGNED-PAYLOAD` as is, else a hash that
/// must equal the body's.
fn payload_hash(req: &RequestParts<'_>, declared: &str, body: Body) -> Result<String, SigError> {
    match declared.trim() {
        UNSIGNED_PAYLOAD => Ok(UNSIGNED_PAYLOAD.into()),
        h if body == Body::Pending => Ok(h.to_string()),
        h if h == sha256_hex(req.body) => Ok(h.to_string()),
        _ => Err(SigError::PayloadMismatch),
    }
}

/// Whether a header present on the request must be in `SignedHeaders`: as S3 requires of
/// `x-amz-*`, and of Tigris's `x-tigris-*` / `tigris-*`, since each changes what a request does.
/// `x-amz-content-sha256` is covered either way: its value is the canonical request's last line.
fn must_be_signed(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n != "x-amz-content-sha256"
        && ["x-amz-", "x-tigris-", "tigris-"]
            .iter()
            .any(|p| n.starts_with(p))
}

/// The checks shared by header and query auth, then the signature comparison.
fn check(
    req: &RequestParts<'_>,
    query: &str,
    auth: &Authorization,
    secret: &str,
    amz_date: &str,
    payload_hash: &str,
) -> Result<(), SigError> {
    if !amz_date.starts_with(&auth.date) {
        return Err(SigError::Malformed(
            "the credential date does not match x-amz-date".into(),
        ));
    }
    let signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    if !signed("host") {
        return Err(SigError::Malformed("host must be a signed header".into()));
    }
    if let Some((name, _)) = req
        .headers
        .iter()
        .find(|(n, _)| must_be_signed(n) && !signed(&n.to_ascii_lowercase()))
    {
        return Err(SigError::Unsigned(name.to_ascii_lowercase()));
    }
    let parts = RequestParts { query, ..*req };
    let canonical = canonical_request(&parts, &auth.signed_headers, payload_hash);
    let sts = string_to_sign(amz_date, &auth.scope(), &canonical);
    let expected = sign(secret, &auth.date, &auth.region, &auth.service, &sts);
    if ct_eq(&expected, &auth.signature) {
        Ok(())
    } else {
        Err(SigError::Mismatch)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn spec_vector(
        method: &str,
        host: &str,
        path: &str,
        query: &str,
        extra: &[(&str, &str)],
        body: &str,
        signed: &str,
    ) -> String {
        let mut headers: Vec<(String, String)> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        headers.push(("host".into(), host.into()));
        headers.push(("x-amz-date".into(), "20260101T000000Z".into()));
        headers.push(("x-amz-content-sha256".into(), sha256_hex(body.as_bytes())));
        let req = RequestParts {
            method,
            path,
            query,
            headers: &headers,
            body: body.as_bytes(),
        };
        let signed: Vec<String> = signed.split(';').map(String::from).collect();
        let auth = signed_over(&req, signed, &sha256_hex(body.as_bytes()));
        assert_eq!(verify(&req, &auth, SECRET, None), Ok(()));
        auth.signature
    }

    /// `req` signed with [`SECRET`] (scope 2026-01-01, `auto`, `s3`) over `signed` only.
    fn signed_over(req: &RequestParts<'_>, signed: Vec<String>, payload: &str) -> Authorization {
        let canonical = canonical_request(req, &signed, payload);
        let sts = string_to_sign(
            "20260101T000000Z",
            "20260101/auto/s3/aws4_request",
            &canonical,
        );
        Authorization {
            key_id: "AKIDEXAMPLE".into(),
            date: "20260101".into(),
            region: "auto".into(),
            service: "s3".into(),
            signed_headers: signed,
            signature: sign(SECRET, "20260101", "auto", "s3", &sts),
        }
    }

    /// A request signed over `signed` only (with `headers` sent), checked by [`verify`].
    fn verify_signed_over(headers: &[(&str, &str)], signed: &str) -> Result<(), SigError> {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let req = RequestParts {
            method: "GET",
            path: "/b",
            query: "",
            headers: &headers,
            body: b"",
        };
        let signed: Vec<String> = signed.split(';').map(String::from).collect();
        let auth = signed_over(&req, signed, &sha256_hex(b""));
        verify(&req, &auth, SECRET, None)
    }

    #[test]
    fn host_x_amz_date_and_every_tigris_or_amz_header_must_be_signed() {
        let date = ("x-amz-date", "20260101T000000Z");
        let host = ("host", "h");
        assert_eq!(verify_signed_over(&[host, date], "host;x-amz-date"), Ok(()));
        assert!(matches!(
            verify_signed_over(&[host, date], "host"),
            Err(SigError::Malformed(m)) if m.contains("x-amz-date")
        ));
        assert!(matches!(
            verify_signed_over(&[host, date], "x-amz-date"),
            Err(SigError::Malformed(m)) if m.contains("host")
        ));
        for extra in ["x-amz-acl", "X-Tigris-Rebase", "tigris-force-delete"] {
            assert_eq!(
                verify_signed_over(&[host, date, (extra, "true")], "host;x-amz-date"),
                Err(SigError::Unsigned(extra.to_ascii_lowercase())),
                "{extra}"
            );
        }
        // Other unsigned headers (user-agent, accept, …) are allowed, as in S3.
        assert_eq!(
            verify_signed_over(&[host, date, ("user-agent", "x")], "host;x-amz-date"),
            Ok(())
        );
    }

    #[test]
    fn spec_vector_metadata_get() {
        let sig = spec_vector(
            "GET",
            "t3.storage.dev",
            "/my-bucket",
            "metadata&with-size=true",
            &[
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ],
            "",
            "accept;content-type;host;x-amz-content-sha256;x-amz-date",
        );
        assert_eq!(
            sig,
            "e7ce7b8a64407a26ce082d47c41331d1d48d7891d991d94f28dcee7f5b645d30"
        );
    }

    #[test]
    fn spec_vector_patch() {
        let sig = spec_vector(
            "PATCH",
            "t3.storage.dev",
            "/my-bucket",
            "",
            &[("Content-Type", "application/json")],
            r#"{"object_notifications":{}}"#,
            "content-type;host;x-amz-content-sha256;x-amz-date",
        );
        assert_eq!(
            sig,
            "75fa23a085016e9c0ac5799b678615f95d57155388cb75d75a86d7d3d9b09a58"
        );
    }

    #[test]
    fn spec_vector_iam_delete() {
        let sig = spec_vector(
            "POST",
            "iam.storageapi.dev",
            "/",
            "Action=DeleteAccessKey",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=tid_EXAMPLE",
            "accept;content-type;host;x-amz-content-sha256;x-amz-date",
        );
        assert_eq!(
            sig,
            "f52299afec94ed0e5632378b3af58d5d873e910dbbd9eee88fb52ad489bc9c8d"
        );
    }

    #[test]
    fn parses_empty_key_id_and_rejects_garbage() {
        let a = parse_authorization("AWS4-HMAC-SHA256 Credential=/20261128/auto/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=AB").unwrap();
        assert_eq!(a.key_id, "");
        assert_eq!(a.signature, "ab");
        assert!(parse_authorization("AWS4-HMAC-SHA1 Credential=a/b").is_err());
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=x/2026/auto/s3/aws4_request, SignedHeaders=host, Signature=1").is_err());
        assert!(parse_authorization("AWS4-HMAC-SHA256 Signature=1").is_err());
    }

    #[test]
    fn presigned_urls_expire_and_need_every_part() {
        let q = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k%2F20260101%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD";
        let headers = vec![("host".to_string(), "h".to_string())];
        let unsigned = RequestParts {
            method: "GET",
            path: "/b/k",
            query: q,
            headers: &headers,
            body: b"",
        };
        let canonical = canonical_request(&unsigned, &["host".to_string()], "UNSIGNED-PAYLOAD");
        let sig = sign(
            "s",
            "20260101",
            "auto",
            "s3",
            &string_to_sign(
                "20260101T000000Z",
                "20260101/auto/s3/aws4_request",
                &canonical,
            ),
        );
        let full = format!("{q}&X-Amz-Signature={sig}");
        let req = RequestParts {
            query: &full,
            ..unsigned
        };
        let p = parse_presigned(&full).unwrap().unwrap();
        let t = clock::parse_amz_date("20260101T000000Z").unwrap();
        assert_eq!(verify_presigned(&req, &p, "s", Some(t + 30)), Ok(()));
        assert_eq!(
            verify_presigned(&req, &p, "s", Some(t + 61)),
            Err(SigError::Expired)
        );
        assert_eq!(
            verify_presigned(&req, &p, "other", Some(t + 30)),
            Err(SigError::Mismatch)
        );
        assert!(parse_presigned("a=b").is_none());
        assert!(matches!(
            parse_presigned("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60"),
            Some(Err(SigError::QueryMalformed(_)))
        ));
    }

    #[test]
    fn payload_and_skew_are_checked() {
        let headers = vec![
            ("host".to_string(), "h".to_string()),
            ("x-amz-date".to_string(), "20260101T000000Z".to_string()),
            (
                "x-amz-content-sha256".to_string(),
                "UNSIGNED-PAYLOAD".to_string(),
            ),
        ];
        let req = RequestParts {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        let auth = parse_authorization("AWS4-HMAC-SHA256 Credential=k/20260101/auto/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00").unwrap();
        assert_eq!(
            verify(&req, &auth, "s", None),
            Err(SigError::Mismatch),
            "UNSIGNED-PAYLOAD is accepted as the payload hash; the signature is still checked"
        );
        let mut wrong = headers.clone();
        wrong[2].1 = sha256_hex(b"another body");
        let wrong_req = RequestParts {
            headers: &wrong,
            ..req
        };
        assert_eq!(
            verify(&wrong_req, &auth, "s", None),
            Err(SigError::PayloadMismatch)
        );
        let t = clock::parse_amz_date("20260101T000000Z").unwrap();
        assert_eq!(
            verify(&req, &auth, "s", Some(t + 901)),
            Err(SigError::Skewed)
        );
    }

    /// Signs `req` (header auth, root scope of 2026-01-01) over every header it carries.
    fn header_signed(req: &RequestParts<'_>, payload: &str) -> Authorization {
        let mut names: Vec<String> = req.headers.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        let canonical = canonical_request(req, &names, payload);
        let sts = string_to_sign(
            "20260101T000000Z",
            "20260101/auto/s3/aws4_request",
            &canonical,
        );
        Authorization {
            key_id: "k".into(),
            date: "20260101".into(),
            region: "auto".into(),
            service: "s3".into(),
            signed_headers: names,
            signature: sign("s", "20260101", "auto", "s3", &sts),
        }
    }

    #[test]
    fn unsigned_payload_header_auth_is_accepted_and_streaming_is_not_implemented() {
        let headers = |sha: &str, extra: Option<(&str, &str)>| {
            let mut h = vec![
                ("host".to_string(), "h".to_string()),
                ("x-amz-content-sha256".to_string(), sha.to_string()),
                ("x-amz-date".to_string(), "20260101T000000Z".to_string()),
            ];
            if let Some((n, v)) = extra {
                h.push((n.to_string(), v.to_string()));
            }
            h
        };
        let unsigned = headers(UNSIGNED_PAYLOAD, None);
        let req = RequestParts {
            method: "PUT",
            path: "/b/k",
            query: "",
            headers: &unsigned,
            body: b"any body at all",
        };
        let auth = header_signed(&req, UNSIGNED_PAYLOAD);
        assert_eq!(verify(&req, &auth, "s", None), Ok(()));
        assert_eq!(verify(&req, &auth, "wrong", None), Err(SigError::Mismatch));
        let chunked = headers("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", None);
        let streaming = RequestParts {
            headers: &chunked,
            ..req
        };
        let err = verify(&streaming, &auth, "s", None).unwrap_err();
        assert!(matches!(err, SigError::Streaming(_)));
        assert_eq!((err.status(), err.code()), (501, "NotImplemented"));
        let encoded = headers(UNSIGNED_PAYLOAD, Some(("content-encoding", "aws-chunked")));
        let encoded_req = RequestParts {
            headers: &encoded,
            ..req
        };
        assert!(matches!(
            verify(&encoded_req, &auth, "s", None),
            Err(SigError::Streaming(_))
        ));
    }

    #[test]
    fn presigned_without_a_payload_parameter_is_unsigned_payload() {
        let q = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k%2F20260101%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&x-amz-checksum-crc32=AAAAAA%3D%3D";
        let headers = vec![("host".to_string(), "h".to_string())];
        let unsigned = RequestParts {
            method: "PUT",
            path: "/b/k",
            query: q,
            headers: &headers,
            body: b"a body whose crc32 is not AAAAAA==",
        };
        let canonical = canonical_request(&unsigned, &["host".to_string()], UNSIGNED_PAYLOAD);
        let sts = string_to_sign(
            "20260101T000000Z",
            "20260101/auto/s3/aws4_request",
            &canonical,
        );
        let full = format!(
            "{q}&X-Amz-Signature={}",
            sign("s", "20260101", "auto", "s3", &sts)
        );
        let req = RequestParts {
            query: &full,
            ..unsigned
        };
        let p = parse_presigned(&full).unwrap().unwrap();
        let t = clock::parse_amz_date("20260101T000000Z").unwrap();
        assert_eq!(verify_presigned(&req, &p, "s", Some(t + 604_000)), Ok(()));
        assert_eq!(
            verify_presigned(&req, &p, "s", Some(t + 604_801)),
            Err(SigError::Expired)
        );
        let tampered = full
            .replace("%2Fb", "%2Fc")
            .replace("X-Amz-Expires=604800", "X-Amz-Expires=604799");
        let p2 = parse_presigned(&tampered).unwrap().unwrap();
        let req2 = RequestParts {
            query: &tampered,
            ..req
        };
        assert_eq!(
            verify_presigned(&req2, &p2, "s", Some(t + 1)),
            Err(SigError::Mismatch)
        );
        for bad in ["0", "604801", "-1", "soon"] {
            let q = full.replace("X-Amz-Expires=604800", &format!("X-Amz-Expires={bad}"));
            let err = parse_presigned(&q).unwrap().unwrap_err();
            assert_eq!(
                (err.status(), err.code()),
                (400, "AuthorizationQueryParametersError")
            );
        }
    }
}
