//! Signing of a built request: the package's one signing entry point, [`sign_request`] (and
//! [`presign_url`] for query-string auth), over
//! [`crate::sigv4`] as the official JS SDKs sign for Tigris (region `auto`, service `s3`, single
//! path encoding, no path normalisation, `x-amz-content-sha256` carrying the hex SHA-256 of the
//! exact body; docs/protocol.md §3.3). The time comes from the runtime clock (`Date.now()` in
//! wasm; `SystemTime::now()` panics there).
//!
//! Every request of the module instance is signed by one [`Signer`], a `static`, so its derived
//! signing keys (per credential and day, at most eight) are reused across calls and clients.

use crate::runtime::HttpRequest;
use crate::secret::KeyPair;
use crate::sigv4::{
    Credentials, Payload, PresignRequest, Request, Scope, SignError, Signer, SigningTime,
};

/// The module instance's signer and its signing-key cache.
static SIGNER: Signer = Signer::new();

/// Signs `request` in place at `now_ms` (`Date.now()`-style milliseconds; NaN, negatives and
/// values past year 9999 clamp): appends `x-amz-date`, `x-amz-content-sha256`,
/// `x-amz-security-token` (with a session token) and `authorization`, in the order the SDKs
/// send them. Every header already in the request plus `host` (from the URL, never added: `fetch`
/// sends it and forbids setting it) is signed. A URL without a host is refused.
pub fn sign_request(
    request: &mut HttpRequest,
    keys: &KeyPair,
    now_ms: f64,
) -> Result<(), SignError> {
    let auth = SIGNER.sign(
        &Request {
            method: request.method,
            url: &request.url,
            headers: &request.headers,
            payload: Payload::Bytes(&request.body),
        },
        &credentials(keys),
        &Scope::TIGRIS,
        SigningTime::from_unix_ms(now_ms),
    )?;
    auth.append_to(&mut request.headers);
    Ok(())
}

/// Query-string auth of `request` at `now_ms` (clamped as in [`sign_request`]) with the same
/// scope: the presigned URL, with `X-Amz-Security-Token` when the keys carry a session token,
/// and the time it expires (ms since the epoch: the signing second plus `expires_secs`).
pub fn presign_url(
    request: &PresignRequest<'_>,
    keys: &KeyPair,
    now_ms: f64,
) -> Result<(String, f64), SignError> {
    let time = SigningTime::from_unix_ms(now_ms);
    let expires_at = (time.unix_secs() + u64::from(request.expires_secs)) as f64 * 1000.0;
    let url = SIGNER.presign(request, &credentials(keys), &Scope::TIGRIS, time)?;
    Ok((url, expires_at))
}

/// `keys` as the signer borrows them.
fn credentials(keys: &KeyPair) -> Credentials<'_> {
    Credentials {
        access_key_id: &keys.access_key_id,
        secret_access_key: keys.secret_access_key.expose(),
        session_token: keys.session_token.as_ref().map(|t| t.expose()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn refuses_url_without_host() {
        let mut r = HttpRequest {
            method: "GET",
            url: "/x".into(),
            headers: vec![],
            body: vec![],
        };
        let k = KeyPair::new("a", "b", None);
        assert_eq!(sign_request(&mut r, &k, 0.0), Err(SignError::InvalidUrl));
        r.url = "http:///x".into();
        assert!(sign_request(&mut r, &k, 0.0).is_err());
        assert!(r.headers.is_empty(), "nothing added to a refused request");
        r.url = "http://h:1/x".into();
        assert!(sign_request(&mut r, &k, 0.0).is_ok());
        assert_eq!(r.headers.len(), 3);
    }
}
