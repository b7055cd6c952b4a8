//! What the embedding runtime provides to the core: one HTTP exchange, a clock, randomness,
//! timers and the user's credential provider. The wasm glue implements it on top of the global
//! `fetch`, `Date.now`, `crypto.getRandomValues` and `setTimeout`; tests implement it natively.

use crate::secret::KeyPair;

/// An HTTP request ready to send: absolute URL, method, headers (already signed) and body.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Upper-case method, e.g. `PUT`.
    pub method: &'static str,
    /// Absolute URL, already percent-encoded exactly as signed.
    pub url: String,
    /// Header names and values in the order they were added.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes (empty for none).
    pub body: Vec<u8>,
}

/// The response to an [`HttpRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Reason phrase (`statusText`), empty when the runtime does not give one.
    pub status_text: String,
    /// Header names (lower-case) and values. A runtime may return only the
    /// [`RESPONSE_HEADERS`], the ones the core reads.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Vec<u8>,
}

/// The only response headers the core reads (lower-case). Reading just these, instead of
/// iterating every header the server sent, saves the JS glue a crossing and two strings per
/// header on every call.
pub const RESPONSE_HEADERS: [&str; 2] = ["content-type", "x-tigris-snapshot-version"];

/// Why an HTTP exchange produced no response at all. Both kinds are transient: a retry can help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The connection failed or was dropped (the runtime's `fetch` rejected). Carries its message.
    Network(String),
    /// No response arrived before the deadline.
    Timeout,
}

/// Services the core needs from its host. Implementations are single-threaded (wasm), so the
/// futures are not required to be `Send`.
#[allow(async_fn_in_trait)]
pub trait Runtime {
    /// Performs one HTTP exchange, failing with [`TransportError::Timeout`] after `deadline_ms`.
    async fn send(
        &self,
        request: HttpRequest,
        deadline_ms: u32,
    ) -> Result<HttpResponse, TransportError>;
    /// Waits `ms` milliseconds (used between retries).
    async fn sleep(&self, ms: u32);
    /// Milliseconds since the UNIX epoch (`Date.now()` in JS; never `SystemTime::now()`).
    fn now_ms(&self) -> f64;
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill_random(&self, buf: &mut [u8]);
    /// Calls the user's `credentialProvider`, if one was configured; `None` when there is none.
    /// `Err` carries the provider's failure message (which must not contain secrets).
    async fn provide_credentials(&self) -> Option<Result<KeyPair, String>>;
}
