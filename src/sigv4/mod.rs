//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for S3-style requests: header auth (every
//! call) and query-string auth (presigned object URLs), over one canonical-request builder
//! (`canonical.rs`) written for what this package sends (`docs/protocol.md §3.3`). The
//! cryptography is `aws_sigv4::sign::v4`'s key derivation and HMAC signature plus one SHA-256 of
//! the canonical request; derived keys are cached per credential and day (`key_cache.rs`).
//!
//! Signing a built request (what [`crate::signing::sign_request`] does for every call):
//!
//! ```
//! use tigris_agent_kit::sigv4::{Credentials, Payload, Request, Scope, Signer, SigningTime};
//! let signer = Signer::new(); // one per client: it owns the key cache
//! let mut headers = vec![("content-type".to_owned(), "application/xml".to_owned())];
//! let body = b"<xml/>";
//! let auth = signer.sign(
//!     &Request { method: "PUT", url: "https://t3.storage.dev/bucket", headers: &headers, payload: Payload::Bytes(body) },
//!     &Credentials { access_key_id: "AKID", secret_access_key: "SECRET", session_token: None },
//!     &Scope::TIGRIS,
//!     SigningTime::from_unix_ms(1_767_225_600_000.0),
//! )?;
//! let signature = auth.signature().to_owned();
//! auth.append_to(&mut headers); // x-amz-date, x-amz-content-sha256, [x-amz-security-token], authorization
//! assert_eq!(headers.len(), 4);
//! # Ok::<(), tigris_agent_kit::sigv4::SignError>(())
//! ```
//!
//! `host` is signed from the URL (lower-case, default port dropped) and is not added: `fetch`
//! sends the same value and forbids setting it. Every header passed is signed as given, except
//! the ones the signer writes itself (`authorization`, `x-amz-date`, and `x-amz-content-sha256`
//! / `x-amz-security-token` when it adds them), whose copies are ignored.

mod canonical;
mod encode;
mod key_cache;
mod time;

use std::borrow::Cow;
use std::sync::{Mutex, MutexGuard, PoisonError};

use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use sha2::{Digest, Sha256};

use canonical::{
    canonical_request, lower_name, query_pairs, sort_headers, sort_query, split_url, HeaderEntry,
    UrlParts,
};
use encode::push_uri_encoded;
pub(crate) use encode::{push_escaped, push_hex};
use key_cache::{KeyCache, KeyScope};

pub use encode::{encode_component, encode_key};
pub use key_cache::KEY_CACHE_CAPACITY;
pub use time::SigningTime;

/// The algorithm name of every signature.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Payload hash of a body that is not signed (presigned URLs).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Hex SHA-256 of an empty body (most requests): used as is, never recomputed.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Longest validity of a presigned URL: seven days, in seconds.
pub const MAX_EXPIRES_SECS: u32 = 604_800;

/// Why a request could not be signed. Carries no secret. Permanent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignError {
    /// The URL is not absolute with a host (`scheme://host…`), or carries user info.
    InvalidUrl,
    /// A presigned URL's validity is not 1 … [`MAX_EXPIRES_SECS`] seconds.
    InvalidExpiry,
    /// The signing key could not be derived (not expected to happen).
    KeyDerivation,
}

impl SignError {
    /// The message of the error.
    pub fn message(&self) -> &'static str {
        match self {
            SignError::InvalidUrl => "Invalid URL",
            SignError::InvalidExpiry => "Presigned URLs expire after 1 to 604800 seconds",
            SignError::KeyDerivation => "Unable to sign the request",
        }
    }
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// The credentials of one signature, borrowed. `Debug` masks the secret and the token.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// Access key id (may be empty).
    pub access_key_id: &'a str,
    /// Secret access key.
    pub secret_access_key: &'a str,
    /// Session token: sent and signed as `x-amz-security-token` / `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"******")
            .field("session_token", &self.session_token.map(|_| "******"))
            .finish()
    }
}

/// Region and service of the credential scope, and whether the S3 payload-hash field is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope<'a> {
    /// SigV4 region.
    pub region: &'a str,
    /// SigV4 service.
    pub service: &'a str,
    /// S3's `x-amz-content-sha256`: a signed header in header auth, and the
    /// `X-Amz-Content-Sha256=UNSIGNED-PAYLOAD` parameter of a presigned URL (as the AWS S3
    /// presigner writes it). Other services have neither.
    pub s3_content_sha256: bool,
}

impl Scope<'static> {
    /// Every Tigris call, IAM included, as the official JS SDKs sign it: region `auto`, service
    /// `s3`, with `x-amz-content-sha256`.
    pub const TIGRIS: Scope<'static> = Scope {
        region: "auto",
        service: "s3",
        s3_content_sha256: true,
    };
}

/// The payload hash of a request.
#[derive(Clone, Copy, Debug)]
pub enum Payload<'a> {
    /// The exact body (hashed here; an empty body uses [`EMPTY_SHA256`]).
    Bytes(&'a [u8]),
    /// A precomputed lower-case hex SHA-256 of the body.
    Hash(&'a str),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
}

/// A request to sign with header auth.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// Absolute URL, already percent-encoded exactly as it is sent.
    pub url: &'a str,
    /// The headers sent, every one of them signed (see the module docs for the exceptions).
    pub headers: &'a [(String, String)],
    /// The body's hash.
    pub payload: Payload<'a>,
}

/// Lower-case hex SHA-256 of `data`.
fn sha256_hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &Sha256::digest(data));
    out
}

/// The headers header auth adds, in the order the AWS SDKs send them. `Debug` masks the token.
pub struct AuthHeaders<'a> {
    amz_date: SigningTime,
    content_sha256: Option<Cow<'static, str>>,
    security_token: Option<&'a str>,
    authorization: String,
}

impl std::fmt::Debug for AuthHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthHeaders")
            .field("x-amz-date", &self.amz_date())
            .field("x-amz-content-sha256", &self.content_sha256())
            .field(
                "x-amz-security-token",
                &self.security_token.map(|_| "******"),
            )
            .field("authorization", &self.authorization)
            .finish()
    }
}

impl<'a> AuthHeaders<'a> {
    /// `x-amz-date`.
    pub fn amz_date(&self) -> &str {
        self.amz_date.amz_date()
    }

    /// `x-amz-content-sha256`, when the scope sends it.
    pub fn content_sha256(&self) -> Option<&str> {
        self.content_sha256.as_deref()
    }

    /// `x-amz-security-token`, with a session token.
    pub fn security_token(&self) -> Option<&'a str> {
        self.security_token
    }

    /// `authorization`: `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The hex signature (the end of `authorization`).
    pub fn signature(&self) -> &str {
        self.authorization
            .rsplit_once("Signature=")
            .map_or("", |(_, s)| s)
    }

    /// The headers to add as (name, value), in wire order: `x-amz-date`,
    /// `x-amz-content-sha256`, `x-amz-security-token`, `authorization`.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            Some(("x-amz-date", self.amz_date())),
            self.content_sha256().map(|v| ("x-amz-content-sha256", v)),
            self.security_token.map(|v| ("x-amz-security-token", v)),
            Some(("authorization", self.authorization())),
        ]
        .into_iter()
        .flatten()
    }

    /// Appends the headers of [`AuthHeaders::iter`] to `headers`.
    pub fn append_to(&self, headers: &mut Vec<(String, String)>) {
        headers.reserve(4);
        for (k, v) in self.iter() {
            headers.push((k.to_owned(), v.to_owned()));
        }
    }
}

/// A presigned object request: method, object URL, optional signed content type, validity.
#[derive(Clone, Copy, Debug)]
pub struct PresignRequest<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// Absolute URL, already percent-encoded (see [`object_url`]); its query parameters (such
    /// as `x-id`) are signed and kept.
    pub url: &'a str,
    /// A `content-type` the request must then send (signed as a header).
    pub content_type: Option<&'a str>,
    /// Validity in seconds, 1 … [`MAX_EXPIRES_SECS`].
    pub expires_secs: u32,
}

/// The object operations a presigned URL can grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectMethod {
    /// `GET` (`GetObject`).
    Get,
    /// `PUT` (`PutObject`).
    Put,
    /// `HEAD` (`HeadObject`).
    Head,
    /// `DELETE` (`DeleteObject`).
    Delete,
}

impl ObjectMethod {
    /// The method of an upper-case name (`GET`, `PUT`, `HEAD`, `DELETE`).
    pub fn parse(method: &str) -> Option<ObjectMethod> {
        match method {
            "GET" => Some(ObjectMethod::Get),
            "PUT" => Some(ObjectMethod::Put),
            "HEAD" => Some(ObjectMethod::Head),
            "DELETE" => Some(ObjectMethod::Delete),
            _ => None,
        }
    }

    /// The HTTP method.
    pub fn as_str(&self) -> &'static str {
        match self {
            ObjectMethod::Get => "GET",
            ObjectMethod::Put => "PUT",
            ObjectMethod::Head => "HEAD",
            ObjectMethod::Delete => "DELETE",
        }
    }

    /// The `x-id` query parameter the AWS SDK's URLs carry for this operation (none for `HEAD`).
    pub fn x_id(&self) -> Option<&'static str> {
        match self {
            ObjectMethod::Get => Some("GetObject"),
            ObjectMethod::Put => Some("PutObject"),
            ObjectMethod::Head => None,
            ObjectMethod::Delete => Some("DeleteObject"),
        }
    }
}

/// The URL of `key` in the bucket at `bucket_url` (`scheme://bucket.host/` or
/// `scheme://host/bucket/`, as the request builders address buckets), the key encoded with
/// [`encode_key`], plus the operation's `x-id` parameter: what `getSignedUrl` of the AWS SDK
/// signs.
pub fn object_url(bucket_url: &str, key: &str, method: ObjectMethod) -> String {
    let mut url = String::from(bucket_url);
    if !url.ends_with('/') {
        url.push('/');
    }
    push_uri_encoded(&mut url, key.as_bytes(), true);
    if let Some(id) = method.x_id() {
        url.push_str("?x-id=");
        url.push_str(id);
    }
    url
}

/// `YYYYMMDD/region/service/aws4_request`.
fn credential_scope(time: &SigningTime, scope: &Scope<'_>) -> String {
    let mut out = String::with_capacity(8 + scope.region.len() + scope.service.len() + 16);
    out.push_str(time.date());
    out.push('/');
    out.push_str(scope.region);
    out.push('/');
    out.push_str(scope.service);
    out.push_str("/aws4_request");
    out
}

/// The signer: signs with header or query-string auth, and owns the derived-key cache (at most
/// [`KEY_CACHE_CAPACITY`] keys, behind a `Mutex` so one signer can serve several threads).
/// `Debug` shows only how many keys are cached.
#[derive(Default)]
pub struct Signer {
    keys: Mutex<KeyCache>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("cached_keys", &self.cached_keys())
            .finish()
    }
}

impl Signer {
    /// A signer with an empty key cache (`const`: it can be a `static`).
    pub const fn new() -> Signer {
        Signer {
            keys: Mutex::new(KeyCache::new()),
        }
    }

    /// Number of signing keys currently cached.
    pub fn cached_keys(&self) -> usize {
        self.cache().len()
    }

    /// The key cache, locked (a panic while it was held cannot leave it inconsistent: every
    /// change is a single `push` or `remove`, so a poisoned lock is used as it is).
    fn cache(&self) -> MutexGuard<'_, KeyCache> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The hex signature of `canonical` (the string to sign built here).
    fn signature(
        &self,
        canonical: &str,
        credentials: &Credentials<'_>,
        scope: &Scope<'_>,
        credential_scope: &str,
        time: &SigningTime,
    ) -> Result<String, SignError> {
        let mut to_sign = String::with_capacity(ALGORITHM.len() + 16 + credential_scope.len() + 67);
        to_sign.push_str(ALGORITHM);
        to_sign.push('\n');
        to_sign.push_str(time.amz_date());
        to_sign.push('\n');
        to_sign.push_str(credential_scope);
        to_sign.push('\n');
        push_hex(&mut to_sign, &Sha256::digest(canonical.as_bytes()));
        let key_scope = KeyScope {
            access_key_id: credentials.access_key_id,
            secret: credentials.secret_access_key,
            date: time.date(),
            region: scope.region,
            service: scope.service,
        };
        let key = self
            .cache()
            .get_or_derive(&key_scope, || {
                let key = generate_signing_key(
                    credentials.secret_access_key,
                    time.system_time(),
                    scope.region,
                    scope.service,
                );
                <[u8; 32]>::try_from(key.as_ref()).ok()
            })
            .ok_or(SignError::KeyDerivation)?;
        Ok(calculate_signature(key, to_sign.as_bytes()))
    }

    /// Header auth: the headers to add to `request` (see [`AuthHeaders`]).
    pub fn sign<'a>(
        &self,
        request: &Request<'_>,
        credentials: &Credentials<'a>,
        scope: &Scope<'_>,
        time: SigningTime,
    ) -> Result<AuthHeaders<'a>, SignError> {
        let url = split_url(request.url)?;
        let payload: Cow<'static, str> = match request.payload {
            Payload::Bytes([]) => Cow::Borrowed(EMPTY_SHA256),
            Payload::Bytes(body) => Cow::Owned(sha256_hex(body)),
            Payload::Hash(hash) => Cow::Owned(hash.to_owned()),
            Payload::Unsigned => Cow::Borrowed(UNSIGNED_PAYLOAD),
        };
        let token = credentials.session_token;
        let generated = |name: &str| {
            name == "authorization"
                || name == "x-amz-date"
                || (scope.s3_content_sha256 && name == "x-amz-content-sha256")
                || (token.is_some() && name == "x-amz-security-token")
        };
        let mut headers: Vec<HeaderEntry<'_>> = Vec::with_capacity(request.headers.len() + 4);
        let mut has_host = false;
        for (name, value) in request.headers {
            let name = lower_name(name);
            if generated(&name) {
                continue;
            }
            has_host |= name == "host";
            headers.push((name, value.as_str()));
        }
        if !has_host {
            headers.push((lower_name("host"), url.host.as_ref()));
        }
        let amz_date = time.amz_date();
        headers.push((lower_name("x-amz-date"), amz_date));
        if let Some(token) = token {
            headers.push((lower_name("x-amz-security-token"), token));
        }
        if scope.s3_content_sha256 {
            headers.push((lower_name("x-amz-content-sha256"), &payload));
        }
        let signed = sort_headers(&mut headers);
        let mut query = query_pairs(url.query, 0, "");
        sort_query(&mut query);
        let creq = canonical_request(request.method, &url, &query, &headers, &signed, &payload);
        let credential_scope = credential_scope(&time, scope);
        let signature = self.signature(&creq, credentials, scope, &credential_scope, &time)?;
        let mut authorization = String::with_capacity(
            ALGORITHM.len()
                + credentials.access_key_id.len()
                + credential_scope.len()
                + signed.len()
                + signature.len()
                + 40,
        );
        authorization.push_str(ALGORITHM);
        authorization.push_str(" Credential=");
        authorization.push_str(credentials.access_key_id);
        authorization.push('/');
        authorization.push_str(&credential_scope);
        authorization.push_str(", SignedHeaders=");
        authorization.push_str(&signed);
        authorization.push_str(", Signature=");
        authorization.push_str(&signature);
        let content_sha256 = scope.s3_content_sha256.then_some(payload);
        Ok(AuthHeaders {
            amz_date: time,
            content_sha256,
            security_token: token,
            authorization,
        })
    }

    /// Query-string auth: the presigned URL, `request.url` plus `X-Amz-Algorithm`,
    /// [`X-Amz-Content-Sha256`](Scope::s3_content_sha256), `X-Amz-Credential`, `X-Amz-Date`,
    /// `X-Amz-Expires`, `X-Amz-Security-Token` (with a session token), `X-Amz-Signature` and
    /// `X-Amz-SignedHeaders`, every parameter in canonical (sorted) order as the AWS presigner
    /// writes them. The payload is `UNSIGNED-PAYLOAD`; `host` (and `content-type` when given)
    /// are the signed headers.
    pub fn presign(
        &self,
        request: &PresignRequest<'_>,
        credentials: &Credentials<'_>,
        scope: &Scope<'_>,
        time: SigningTime,
    ) -> Result<String, SignError> {
        if !(1..=MAX_EXPIRES_SECS).contains(&request.expires_secs) {
            return Err(SignError::InvalidExpiry);
        }
        let url: UrlParts<'_> = split_url(request.url)?;
        let mut headers: Vec<HeaderEntry<'_>> = Vec::with_capacity(2);
        headers.push((lower_name("host"), url.host.as_ref()));
        if let Some(content_type) = request.content_type {
            headers.push((lower_name("content-type"), content_type));
        }
        let signed = sort_headers(&mut headers);
        let credential_scope = credential_scope(&time, scope);
        let encoded = |value: &str| {
            let mut out = String::with_capacity(value.len() + 16);
            push_uri_encoded(&mut out, value.as_bytes(), false);
            Cow::Owned(out)
        };
        let mut credential = String::from(credentials.access_key_id);
        credential.push('/');
        credential.push_str(&credential_scope);
        let mut query = query_pairs(url.query, 8, "X-Amz-Signature");
        let param = |name: &'static str| Cow::Borrowed(name);
        query.push((param("X-Amz-Algorithm"), param(ALGORITHM)));
        if scope.s3_content_sha256 {
            query.push((param("X-Amz-Content-Sha256"), param(UNSIGNED_PAYLOAD)));
        }
        query.push((param("X-Amz-Credential"), encoded(&credential)));
        query.push((param("X-Amz-Date"), Cow::Borrowed(time.amz_date())));
        query.push((
            param("X-Amz-Expires"),
            Cow::Owned(request.expires_secs.to_string()),
        ));
        if let Some(token) = credentials.session_token {
            query.push((param("X-Amz-Security-Token"), encoded(token)));
        }
        query.push((param("X-Amz-SignedHeaders"), encoded(&signed)));
        sort_query(&mut query);
        let unsigned = UNSIGNED_PAYLOAD;
        let creq = canonical_request(request.method, &url, &query, &headers, &signed, unsigned);
        let signature = self.signature(&creq, credentials, scope, &credential_scope, &time)?;
        query.push((param("X-Amz-Signature"), Cow::Owned(signature)));
        sort_query(&mut query);
        let mut out = String::from(url.base);
        out.push('?');
        canonical::push_query(&mut out, &query);
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const CREDS: Credentials<'static> = Credentials {
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token: None,
    };

    fn get(url: &str) -> Request<'_> {
        Request {
            method: "GET",
            url,
            headers: &[],
            payload: Payload::Bytes(&[]),
        }
    }

    #[test]
    fn signatures_of_one_day_derive_the_key_once() {
        let signer = Signer::new();
        let t = SigningTime::from_unix_secs(1_767_225_600);
        let a = signer
            .sign(&get("https://h/a"), &CREDS, &Scope::TIGRIS, t)
            .unwrap();
        let later = SigningTime::from_unix_secs(1_767_225_600 + 3600);
        let b = signer
            .sign(&get("https://h/b"), &CREDS, &Scope::TIGRIS, later)
            .unwrap();
        assert_ne!(a.signature(), b.signature());
        assert_eq!(signer.cached_keys(), 1);
        let next_day = SigningTime::from_unix_secs(1_767_225_600 + 86_400);
        signer
            .sign(&get("https://h/a"), &CREDS, &Scope::TIGRIS, next_day)
            .unwrap();
        assert_eq!(signer.cached_keys(), 2);
        let other = Credentials {
            secret_access_key: "other",
            ..CREDS
        };
        signer
            .sign(&get("https://h/a"), &other, &Scope::TIGRIS, t)
            .unwrap();
        assert_eq!(signer.cached_keys(), 3);
        // A cached key signs exactly as a fresh one.
        let fresh = Signer::new()
            .sign(&get("https://h/b"), &CREDS, &Scope::TIGRIS, later)
            .unwrap();
        assert_eq!(fresh.authorization(), b.authorization());
    }

    #[test]
    fn header_order_generated_headers_and_debug() {
        let token = Credentials {
            session_token: Some("TOKEN-SECRET"),
            ..CREDS
        };
        let headers = vec![
            ("Authorization".to_owned(), "stale".to_owned()),
            ("x-amz-security-token".to_owned(), "stale".to_owned()),
            ("X-Tigris-Snapshot".to_owned(), "b".to_owned()),
        ];
        let request = Request {
            headers: &headers,
            ..get("http://127.0.0.1:9000/?x-id=ListBuckets")
        };
        let signer = Signer::new();
        let auth = signer
            .sign(
                &request,
                &token,
                &Scope::TIGRIS,
                SigningTime::from_unix_secs(0),
            )
            .unwrap();
        let names: Vec<&str> = auth.iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            [
                "x-amz-date",
                "x-amz-content-sha256",
                "x-amz-security-token",
                "authorization"
            ]
        );
        assert!(auth.authorization().contains(
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-tigris-snapshot,"
        ));
        assert_eq!(auth.signature().len(), 64);
        assert_eq!(auth.security_token(), Some("TOKEN-SECRET"));
        let shown = format!("{auth:?} {token:?} {signer:?}");
        assert!(
            !shown.contains(CREDS.secret_access_key) && !shown.contains("TOKEN-SECRET"),
            "{shown}"
        );
        assert!(shown.contains("cached_keys: 1"), "{shown}");
    }

    #[test]
    fn refusals() {
        let signer = Signer::new();
        let t = SigningTime::from_unix_secs(0);
        assert_eq!(
            signer
                .sign(&get("/x"), &CREDS, &Scope::TIGRIS, t)
                .unwrap_err(),
            SignError::InvalidUrl
        );
        for expires_secs in [0, MAX_EXPIRES_SECS + 1] {
            let request = PresignRequest {
                method: "GET",
                url: "https://h/k",
                content_type: None,
                expires_secs,
            };
            assert_eq!(
                signer
                    .presign(&request, &CREDS, &Scope::TIGRIS, t)
                    .unwrap_err(),
                SignError::InvalidExpiry
            );
        }
        assert_eq!(SignError::InvalidUrl.to_string(), "Invalid URL");
    }

    #[test]
    fn object_urls() {
        assert_eq!(
            object_url("https://b.h/", "a b/c+d", ObjectMethod::Get),
            "https://b.h/a%20b/c%2Bd?x-id=GetObject"
        );
        assert_eq!(
            object_url("http://h/b", "k", ObjectMethod::Head),
            "http://h/b/k"
        );
        for m in ["GET", "PUT", "HEAD", "DELETE"] {
            assert_eq!(ObjectMethod::parse(m).unwrap().as_str(), m);
        }
        assert_eq!(ObjectMethod::parse("POST"), None);
    }
}
