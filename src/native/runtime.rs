//! [`NativeRuntime`]: the core's [`Runtime`] on reqwest (HTTP/1.1, rustls with the ring provider,
//! the platform's roots) and tokio's timer. It behaves as the JS runtime does (`src/js/`): each
//! attempt races its whole exchange (head and body) against `requestTimeoutMs`, redirects are
//! never followed, a body over [`MAX_BODY_BYTES`] is refused, and only the
//! [`RESPONSE_HEADERS`] are read. Needs a tokio runtime with the timer enabled.

use super::config::CredentialProvider;
use crate::runtime::{
    body_refused, provider_failed, redirect_refused, HttpRequest, HttpResponse, Runtime,
    TransportError, MAX_BODY_BYTES, PROVIDER_INVALID, RESPONSE_HEADERS,
};
use crate::secret::KeyPair;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The host services of native calls: one connection pool, shared by every clone.
#[derive(Clone, Debug)]
pub struct NativeRuntime {
    http: reqwest::Client,
    provider: Option<CredentialProvider>,
}

impl NativeRuntime {
    /// A runtime with its own connection pool, calling `provider` for keys when there is one.
    /// Fails only when the TLS configuration cannot be built (no usable platform roots).
    pub fn new(provider: Option<CredentialProvider>) -> Result<Self, String> {
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration failed: {e}"))?;
        let tls = rustls_platform_verifier::BuilderVerifierExt::with_platform_verifier(tls)
            .map_err(|e| format!("TLS configuration failed: {e}"))?
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("HTTP client configuration failed: {}", describe(&e)))?;
        Ok(NativeRuntime { http, provider })
    }

    /// One exchange without its deadline.
    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| TransportError::Network(e.to_string()))?;
        let mut builder = self.http.request(method, &request.url);
        for (name, value) in &request.headers {
            // The client writes these two itself (from the URL and the body).
            if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length") {
                continue;
            }
            builder = builder.header(name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        let mut response = builder.send().await.map_err(network_error)?;
        let status = response.status();
        if status.is_redirection() {
            return Ok(redirect_refused(status.as_u16()));
        }
        let headers = RESPONSE_HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(*name)?.to_str().ok()?;
                Some(((*name).to_owned(), value.to_owned()))
            })
            .collect();
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
        {
            return Ok(body_refused());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(network_error)? {
            if body.len().saturating_add(chunk.len()) > MAX_BODY_BYTES {
                return Ok(body_refused());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status: status.as_u16(),
            status_text: status.canonical_reason().unwrap_or_default().to_owned(),
            headers,
            body,
        })
    }
}

/// An error and its causes, `error: cause: …`, cut to 300 characters (the JS runtime's limit).
fn describe(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    match message.char_indices().nth(300) {
        Some((cut, _)) => message.get(..cut).unwrap_or_default().to_owned(),
        None => message,
    }
}

/// A failed connection, write or read, as a network error.
fn network_error(error: reqwest::Error) -> TransportError {
    TransportError::Network(describe(&error.without_url()))
}

impl Runtime for NativeRuntime {
    async fn send(
        &self,
        request: HttpRequest,
        deadline_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        // Dropping the exchange at the deadline closes its connection.
        tokio::time::timeout(
            Duration::from_millis(u64::from(deadline_ms)),
            self.exchange(request),
        )
        .await
        .unwrap_or(Err(TransportError::Timeout))
    }

    async fn sleep(&self, ms: u32) {
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
    }

    fn now_ms(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    fn fill_random(&self, buf: &mut [u8]) {
        use ring::rand::SecureRandom as _;
        if ring::rand::SystemRandom::new().fill(buf).is_err() {
            // No OS randomness: the clock's nanoseconds (used for UUIDs and jitter only).
            let mut seed = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            for byte in buf.iter_mut() {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                *byte = (seed >> 56) as u8;
            }
        }
    }

    async fn provide_credentials(&self) -> Option<Result<KeyPair, String>> {
        let provider = self.provider.as_ref()?;
        Some(match provider.call().await {
            Ok(keys) if keys.access_key_id.is_empty() || keys.secret_access_key.is_empty() => {
                Err(PROVIDER_INVALID.to_owned())
            }
            Ok(keys) => Ok(keys),
            Err(message) => Err(provider_failed(Some(&message))),
        })
    }
}
