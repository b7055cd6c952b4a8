//! What the embedding runtime provides to the core: one HTTP exchange, a clock, randomness,
//! timers and the user's credential provider. The wasm glue implements it on top of the global
//! `fetch`, `Date.now`, `crypto.getRandomValues` and `setTimeout`; tests implement it natively.

use std::future::Future;
use std::pin::Pin;

use crate::secret::KeyPair;

/// `Send` when the crate is built with the `native` feature (multi-threaded executors such as
/// tokio need `Send` futures), nothing otherwise: the wasm runtime is single-threaded and its
/// futures hold `JsValue`s, which are not `Send`. One bound, so the workflows exist once.
#[cfg(feature = "native")]
pub trait MaybeSend: Send {}
#[cfg(feature = "native")]
impl<T: Send + ?Sized> MaybeSend for T {}

/// `Send` when the crate is built with the `native` feature, nothing otherwise (see the
/// `native` variant of this trait).
#[cfg(not(feature = "native"))]
pub trait MaybeSend {}
#[cfg(not(feature = "native"))]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` when the crate is built with the `native` feature, so that a future holding `&R` is
/// `Send`; nothing otherwise (the wasm runtime holds JS values, which are not `Sync`).
#[cfg(feature = "native")]
pub trait MaybeSync: Sync {}
#[cfg(feature = "native")]
impl<T: Sync + ?Sized> MaybeSync for T {}

/// `Sync` when the crate is built with the `native` feature, nothing otherwise (see the
/// `native` variant of this trait).
#[cfg(not(feature = "native"))]
pub trait MaybeSync {}
#[cfg(not(feature = "native"))]
impl<T: ?Sized> MaybeSync for T {}

/// A boxed future that is `Send` exactly when [`MaybeSend`] is: the shape of the few futures the
/// core boxes (retry recovery, the shared exchange).
#[cfg(feature = "native")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future that is `Send` exactly when [`MaybeSend`] is (not `Send` here: no `native`).
#[cfg(not(feature = "native"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

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

/// The largest response body a runtime reads (16 MiB). No answer this package reads comes near
/// it; a hostile or broken endpoint cannot make the host buffer more than this.
pub const MAX_BODY_BYTES: usize = 16 << 20;

/// An answer the transport refuses, given to the client as an error answer it codes
/// `ServerError`: not 2xx, not retried, `message` both as the S3 `<Message>` and as the status
/// text the JSON answers fall back to.
fn refused(status: u16, message: String) -> HttpResponse {
    HttpResponse {
        status,
        body: format!("<Error><Message>{message}</Message></Error>").into_bytes(),
        status_text: message,
        headers: Vec::new(),
    }
}

/// A redirect answer (3xx): refused, its `Location` never followed (as the AWS SDK does).
pub fn redirect_refused(status: u16) -> HttpResponse {
    // As a `u32`: the integer formatting code of `u16` is then not needed in the module.
    let shown = u32::from(status);
    refused(status, format!("Redirect (status {shown}) not followed"))
}

/// An answer whose body passes [`MAX_BODY_BYTES`]: refused, the rest never read.
pub fn body_refused() -> HttpResponse {
    refused(
        0,
        format!(
            "Response body exceeds the {} MiB limit",
            MAX_BODY_BYTES >> 20
        ),
    )
}

/// The message of a failed credential provider: `credentialProvider failed: <its message>`, or
/// without the colon when it gave none.
pub fn provider_failed(message: Option<&str>) -> String {
    match message {
        Some(message) if !message.is_empty() => format!("credentialProvider failed: {message}"),
        _ => "credentialProvider failed".to_owned(),
    }
}

/// The message of a credential provider whose keys are missing or empty.
pub const PROVIDER_INVALID: &str =
    "credentialProvider must resolve to { accessKeyId, secretAccessKey } strings";

/// Why an HTTP exchange produced no response at all. Both kinds are transient: a retry can help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The connection failed or was dropped (the runtime's `fetch` rejected). Carries its message.
    Network(String),
    /// No response arrived before the deadline.
    Timeout,
    /// The caller's abort signal fired: the exchange was cancelled and is not retried.
    Aborted,
}

/// Services the core needs from its host. The futures are [`MaybeSend`]: `Send` under the
/// `native` feature (so workflows can run on tokio's thread pool), unbounded in wasm, whose
/// runtime is single-threaded. Implementations may still write `async fn`.
pub trait Runtime: MaybeSync {
    /// Performs one HTTP exchange, failing with [`TransportError::Timeout`] after `deadline_ms`.
    fn send(
        &self,
        request: HttpRequest,
        deadline_ms: u32,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> + MaybeSend;
    /// Waits `ms` milliseconds (used between retries).
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + MaybeSend;
    /// Milliseconds since the UNIX epoch (`Date.now()` in JS; never `SystemTime::now()`).
    fn now_ms(&self) -> f64;
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill_random(&self, buf: &mut [u8]);
    /// Calls the user's `credentialProvider`, if one was configured; `None` when there is none.
    /// `Err` carries the provider's failure message (which must not contain secrets).
    fn provide_credentials(
        &self,
    ) -> impl Future<Output = Option<Result<KeyPair, String>>> + MaybeSend;
    /// Whether the caller cancelled the call (JS `options.signal`). A runtime that can be
    /// cancelled also ends its pending `send` (with [`TransportError::Aborted`]) and `sleep` at
    /// that moment. Native callers cancel by dropping the future: never aborted.
    fn aborted(&self) -> bool {
        false
    }
    /// From now on the call is cleaning up (rollback, removing late forks): the signal no
    /// longer aborts anything.
    fn ignore_abort(&self) {}
}

/// Runs `work` until it finishes or `ms` milliseconds pass on `runtime`'s timer (which also
/// ends early when the call is aborted): `None` when the time ran out first. Bounds what the
/// retry loop cannot, such as a `credentialProvider` that never resolves.
pub async fn within<R: Runtime, T>(
    runtime: &R,
    ms: u32,
    work: impl Future<Output = T>,
) -> Option<T> {
    let mut work = std::pin::pin!(work);
    let mut timer = std::pin::pin!(runtime.sleep(ms));
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(value) = work.as_mut().poll(cx) {
            return std::task::Poll::Ready(Some(value));
        }
        timer.as_mut().poll(cx).map(|()| None)
    })
    .await
}
