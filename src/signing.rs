//! AWS SigV4 (`AWS4-HMAC-SHA256`) over a built request with `aws-sigv4`, configured as the
//! official JS SDKs sign for Tigris: region `auto`, service `s3`, single path encoding, no path
//! normalisation, `x-amz-content-sha256` carrying the hex SHA-256 of the exact body. The time
//! comes from the runtime clock (`Date.now()` in wasm; `SystemTime::now()` panics there).
//!
//! `host` is signed from the URL but not added to the header list: browsers and workers forbid
//! setting it and `fetch` sends the same value.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::runtime::HttpRequest;
use crate::secret::KeyPair;

/// SigV4 region used for every call (as both JS SDKs do).
pub const REGION: &str = "auto";
/// SigV4 service used for every call, IAM included (as both JS SDKs do).
pub const SERVICE: &str = "s3";

/// Latest instant accepted from the clock (9999-12-31T23:59:59Z); later or invalid values clamp.
const MAX_MS: f64 = 253_402_300_799_000.0;

/// Hex SHA-256 of an empty body: most requests have none, and hashing plus hex-encoding it again
/// for every signature is a measurable share of the signer's time in wasm.
const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Message of a request `aws-sigv4` refuses (kept fixed: formatting its errors costs bytes).
const SIGN_FAILED: &str = "Unable to sign the request";

/// Why a request could not be signed (a URL or header value `aws-sigv4` refuses). Carries no
/// secret. Permanent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignError(pub String);

/// Converts a `Date.now()`-style millisecond count to a `SystemTime`, clamping NaN, negatives and
/// values past year 9999.
pub fn time_from_ms(now_ms: f64) -> SystemTime {
    let ms = if now_ms.is_finite() && now_ms > 0.0 {
        now_ms.min(MAX_MS)
    } else {
        0.0
    };
    UNIX_EPOCH
        .checked_add(Duration::from_millis(ms as u64))
        .unwrap_or(UNIX_EPOCH)
}

/// Signs `request` in place at `now_ms`: appends `x-amz-date`, `x-amz-content-sha256`,
/// `x-amz-security-token` (with a session token) and `authorization`. Every header already in the
/// request plus `host` (from the URL) is signed. Returns the hex signature.
pub fn sign_request(
    request: &mut HttpRequest,
    keys: &KeyPair,
    now_ms: f64,
) -> Result<String, SignError> {
    sign_with(request, keys, now_ms, REGION, SERVICE, s3_settings())
}

/// The S3 signing settings: single path encoding, no path normalisation,
/// `x-amz-content-sha256` header.
pub fn s3_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings
}

/// As [`sign_request`] with an explicit region, service and settings (the AWS test-suite vectors
/// use other ones).
pub fn sign_with(
    request: &mut HttpRequest,
    keys: &KeyPair,
    now_ms: f64,
    region: &str,
    service: &str,
    settings: SigningSettings,
) -> Result<String, SignError> {
    // `Identity::new`, not `Credentials::into`: the conversion's feature-tracking layer is
    // never read by the signer and costs module bytes.
    let identity = Identity::new(
        Credentials::new(
            keys.access_key_id.clone(),
            keys.secret_access_key.expose().to_owned(),
            keys.session_token.as_ref().map(|t| t.expose().to_owned()),
            None,
            "tigris-agent-kit",
        ),
        None,
    );
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time_from_ms(now_ms))
        .settings(settings)
        .build()
        .map_err(|_| SignError(SIGN_FAILED.to_owned()))?
        .into();
    if !has_host(&request.url) {
        return Err(SignError("Invalid URL".to_owned()));
    }
    let signable = SignableRequest::new(
        request.method,
        request.url.as_str(),
        request
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
        if request.body.is_empty() {
            SignableBody::Precomputed(EMPTY_BODY_SHA256.to_owned())
        } else {
            SignableBody::Bytes(&request.body)
        },
    )
    .map_err(|_| SignError(SIGN_FAILED.to_owned()))?;
    let output = sign(signable, &params).map_err(|_| SignError(SIGN_FAILED.to_owned()))?;
    let (instructions, signature) = output.into_parts();
    let (headers, _) = instructions.into_parts();
    // Wire order as the SDKs send it: x-amz-date, x-amz-content-sha256, [token], authorization.
    let mut authorization = None;
    for header in headers {
        let pair = (header.name().to_owned(), header.value().to_owned());
        if header.name() == "authorization" {
            authorization = Some(pair);
        } else {
            request.headers.push(pair);
        }
    }
    request.headers.extend(authorization);
    Ok(signature)
}

/// `aws-sigv4` expects (panics otherwise) an absolute URL with a host: check it first.
fn has_host(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    !scheme.is_empty() && !host.is_empty() && !host.starts_with(':')
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
        assert!(sign_request(&mut r, &k, 0.0).is_err());
        r.url = "http:///x".into();
        assert!(sign_request(&mut r, &k, 0.0).is_err());
        r.url = "http://h:1/x".into();
        assert!(sign_request(&mut r, &k, 0.0).is_ok());
    }
}
