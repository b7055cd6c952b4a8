//! Retries of transient failures: no response (network error, deadline), 5xx and 429. Capped
//! exponential backoff with full jitter, waiting through the runtime; every attempt is rebuilt
//! and re-signed by the caller's closure (a request that cannot be signed is an error, never
//! sent). What repeating a request does is declared once per request as its [`Idempotency`]:
//! which answers after a lost attempt mean that attempt did the work, and how to find out what a
//! lost attempt did when the server cannot tell (docs/protocol.md §6).

use crate::parse::responses;
use crate::runtime::{BoxFuture, HttpRequest, HttpResponse, Runtime, TransportError};

/// Attempts, backoff and per-request deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts (first try included), at least 1.
    pub max_attempts: u32,
    /// Backoff base in milliseconds (attempt `n` waits up to `base · 2ⁿ⁻¹`).
    pub base_ms: u32,
    /// Backoff cap in milliseconds.
    pub cap_ms: u32,
    /// Deadline of each HTTP exchange, after which it fails like a network error.
    pub deadline_ms: u32,
    /// Time for the whole exchange — every attempt and wait — after which it fails like a
    /// network error (`callTimeoutMs`, `deadlineMs`); `None`: attempts alone bound it.
    pub budget_ms: Option<u32>,
}

impl Default for RetryPolicy {
    /// 4 attempts (the S3 SDK makes 3), 100 ms base, 2 s cap, 30 s deadline per request.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_ms: 100,
            cap_ms: 2_000,
            deadline_ms: 30_000,
            budget_ms: None,
        }
    }
}

impl RetryPolicy {
    /// Full-jitter delay before retry number `retry` (1-based), from a random `u32`.
    pub fn delay_ms(&self, retry: u32, random: u32) -> u32 {
        let exp = self.base_ms.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1).min(31))
                .unwrap_or(u32::MAX),
        );
        let ceiling = exp.min(self.cap_ms);
        random % ceiling.saturating_add(1)
    }
}

/// Whether a status is worth retrying (5xx and 429).
pub fn is_transient_status(status: u16) -> bool {
    status >= 500 || status == 429
}

/// Finds out what an attempt that got no response did on the server, when the caller can (e.g.
/// by listing what it made): the response that attempt would have had, or `None` to retry.
#[cfg(feature = "native")]
pub type Recover<'a> = &'a (dyn Fn() -> BoxFuture<'a, Option<HttpResponse>> + Sync);
/// Finds out what an attempt that got no response did (see the `native` variant; not `Sync`
/// here because the wasm runtime it captures is not).
#[cfg(not(feature = "native"))]
pub type Recover<'a> = &'a dyn Fn() -> BoxFuture<'a, Option<HttpResponse>>;

/// What sending a request again does, and so which answers after a failed attempt (no response,
/// 5xx or 429: the server may have acted on it) mean that attempt did the work.
#[derive(Clone, Copy)]
pub enum Idempotency<'a> {
    /// Repeating it changes nothing more (reads, whole-settings PATCHes, an access-key creation
    /// whose `req_uuid` is the same on every attempt, so the server mints one key): the last
    /// answer is the answer.
    Idempotent,
    /// A bucket creation: after a failed attempt, `BucketAlreadyOwnedByYou` is that attempt's
    /// success.
    CreateBucket,
    /// A deletion: after a failed attempt, a 404 is that attempt's success.
    Delete,
    /// A creation nobody can recognise afterwards (an unnamed snapshot): sent again after a
    /// failed attempt, as the SDK does, even though the server may then make a second one.
    NotIdempotent,
    /// A creation the server cannot deduplicate but the client can find (a named snapshot): before a retry that follows an
    /// attempt with no response, `Recover` looks for what that attempt made; its answer, if
    /// any, is the result.
    Recoverable(Recover<'a>),
}

impl Idempotency<'_> {
    /// Whether `response`, after an earlier attempt failed, means that attempt did the work.
    pub fn done_by_lost_attempt(&self, response: &HttpResponse) -> bool {
        match self {
            Idempotency::CreateBucket => {
                !(200..300).contains(&response.status)
                    && responses::s3_error(&String::from_utf8_lossy(&response.body))
                        .0
                        .as_deref()
                        == Some("BucketAlreadyOwnedByYou")
            }
            Idempotency::Delete => response.status == 404,
            Idempotency::Idempotent | Idempotency::NotIdempotent | Idempotency::Recoverable(_) => {
                false
            }
        }
    }
}

/// The status text of the answer that stands for a lost attempt's work.
const DONE_BY_LOST_ATTEMPT: &str = "Done by an earlier attempt";

/// Whether `response` is not the server's answer but the stand-in for the work of an attempt
/// that got none (see [`Idempotency::done_by_lost_attempt`]): the call succeeded, but it cannot
/// tell whether it did the work itself.
pub fn is_done_by_lost_attempt(response: &HttpResponse) -> bool {
    response.status_text == DONE_BY_LOST_ATTEMPT && response.headers.is_empty()
}

/// The answer the work of a lost attempt stands for: an empty 200.
fn done() -> HttpResponse {
    HttpResponse {
        status: 200,
        status_text: DONE_BY_LOST_ATTEMPT.to_owned(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// Sends the request `build` makes (called once per attempt, so it is signed at its own time)
/// until a non-transient answer or the attempts run out, applying `idempotency` to the answers
/// that follow a failed attempt. A `build` error ends the call with no further request.
pub async fn send_with_retry<R: Runtime, E>(
    runtime: &R,
    policy: &RetryPolicy,
    idempotency: Idempotency<'_>,
    mut build: impl FnMut() -> Result<HttpRequest, E>,
) -> Result<Result<HttpResponse, TransportError>, E> {
    let attempts = policy.max_attempts.max(1);
    let end = policy
        .budget_ms
        .map(|budget| runtime.now_ms() + f64::from(budget));
    let left = || end.map_or(u32::MAX, |end| (end - runtime.now_ms()).max(0.0) as u32);
    let mut after_failure = false;
    let mut attempt = 1;
    loop {
        if runtime.aborted() {
            return Ok(Err(TransportError::Aborted));
        }
        if left() == 0 {
            return Ok(Err(TransportError::Timeout));
        }
        let result = runtime.send(build()?, policy.deadline_ms.min(left())).await;
        if let Ok(response) = &result {
            if after_failure && idempotency.done_by_lost_attempt(response) {
                return Ok(Ok(done()));
            }
        }
        let transient = match &result {
            Ok(response) => is_transient_status(response.status),
            Err(TransportError::Aborted) => false,
            Err(_) => true,
        };
        if !transient || attempt >= attempts {
            return Ok(result);
        }
        after_failure = true;
        if let (Err(_), Idempotency::Recoverable(recover)) = (&result, idempotency) {
            if let Some(response) = recover().await {
                return Ok(Ok(response));
            }
        }
        let mut random = [0u8; 4];
        runtime.fill_random(&mut random);
        runtime
            .sleep(
                policy
                    .delay_ms(attempt, u32::from_le_bytes(random))
                    .min(left()),
            )
            .await;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_capped_with_full_jitter() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_ms(1, u32::MAX), u32::MAX % 101);
        assert!(p.delay_ms(1, 12345) <= 100);
        assert!(p.delay_ms(2, 999_999) <= 200);
        assert!(p.delay_ms(40, u32::MAX) <= 2_000);
        assert_eq!(p.delay_ms(3, 0), 0);
        assert!(is_transient_status(503) && is_transient_status(429) && !is_transient_status(404));
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        crate::client::test_runtime::answer(status, &[], body)
    }

    #[test]
    fn answers_that_mean_a_lost_attempt_did_the_work() {
        let owned = answer(
            409,
            "<Error><Code>BucketAlreadyOwnedByYou</Code><Message>m</Message></Error>",
        );
        let taken = answer(
            409,
            "<Error><Code>BucketAlreadyExists</Code><Message>m</Message></Error>",
        );
        assert!(Idempotency::CreateBucket.done_by_lost_attempt(&owned));
        assert!(!Idempotency::CreateBucket.done_by_lost_attempt(&taken));
        assert!(!Idempotency::CreateBucket.done_by_lost_attempt(&answer(404, "")));
        assert!(Idempotency::Delete.done_by_lost_attempt(&answer(404, "")));
        assert!(!Idempotency::Delete.done_by_lost_attempt(&owned));
        assert!(!Idempotency::Idempotent.done_by_lost_attempt(&answer(404, "")));
    }

    #[test]
    fn a_request_that_cannot_be_built_again_is_never_sent() {
        use crate::client::test_runtime::{block_on, ScriptedRuntime};
        let runtime = ScriptedRuntime::new(vec![Ok(answer(503, ""))]);
        let mut builds = 0;
        let outcome = block_on(send_with_retry(
            &runtime,
            &RetryPolicy::default(),
            Idempotency::Idempotent,
            || {
                builds += 1;
                if builds == 1 {
                    Ok(HttpRequest {
                        method: "GET",
                        url: "http://h/".into(),
                        headers: Vec::new(),
                        body: Vec::new(),
                    })
                } else {
                    Err("cannot sign")
                }
            },
        ));
        assert_eq!(outcome, Err("cannot sign"));
        assert_eq!(
            runtime.sent.borrow().len(),
            1,
            "only the signed attempt went out"
        );
    }

    #[test]
    fn the_answer_after_a_lost_attempt_follows_the_idempotency() {
        use crate::client::test_runtime::{block_on, ScriptedRuntime};
        let request = || {
            Ok::<_, ()>(HttpRequest {
                method: "DELETE",
                url: "http://h/b/".into(),
                headers: Vec::new(),
                body: Vec::new(),
            })
        };
        let policy = RetryPolicy::default();
        for (idempotency, done) in [
            (Idempotency::Delete, true),
            (Idempotency::Idempotent, false),
        ] {
            let runtime =
                ScriptedRuntime::new(vec![Err(TransportError::Timeout), Ok(answer(404, ""))]);
            let status = block_on(send_with_retry(&runtime, &policy, idempotency, request))
                .map(|r| r.map(|r| r.status));
            let response = block_on(send_with_retry(
                &ScriptedRuntime::new(vec![Err(TransportError::Timeout), Ok(answer(404, ""))]),
                &policy,
                idempotency,
                request,
            ));
            assert_eq!(
                response.map(|r| r.map(|r| is_done_by_lost_attempt(&r))),
                Ok(Ok(done))
            );
            assert_eq!(status, Ok(Ok(if done { 200 } else { 404 })));
        }
        let runtime = ScriptedRuntime::new(vec![Ok(answer(404, ""))]);
        let status = block_on(send_with_retry(
            &runtime,
            &policy,
            Idempotency::Delete,
            request,
        ))
        .map(|r| r.map(|r| r.status));
        assert_eq!(
            status,
            Ok(Ok(404)),
            "a first-attempt 404 is an answer, not a success"
        );
    }

    /// A server that never answers, on a virtual clock: each attempt takes its whole deadline,
    /// each wait its whole length.
    struct BlackHole {
        now_ms: std::sync::atomic::AtomicU64,
        sends: std::sync::atomic::AtomicU32,
        aborted: bool,
    }

    impl BlackHole {
        fn new(aborted: bool) -> Self {
            BlackHole {
                now_ms: 0.into(),
                sends: 0.into(),
                aborted,
            }
        }
        fn advance(&self, ms: u32) {
            self.now_ms
                .fetch_add(u64::from(ms), std::sync::atomic::Ordering::Relaxed);
        }
    }

    impl Runtime for BlackHole {
        async fn send(
            &self,
            _: HttpRequest,
            deadline_ms: u32,
        ) -> Result<HttpResponse, TransportError> {
            self.sends
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.advance(deadline_ms);
            Err(TransportError::Timeout)
        }
        async fn sleep(&self, ms: u32) {
            self.advance(ms);
        }
        fn now_ms(&self) -> f64 {
            self.now_ms.load(std::sync::atomic::Ordering::Relaxed) as f64
        }
        fn fill_random(&self, buf: &mut [u8]) {
            buf.fill(0xff);
        }
        async fn provide_credentials(&self) -> Option<Result<crate::secret::KeyPair, String>> {
            std::future::pending().await
        }
        fn aborted(&self) -> bool {
            self.aborted
        }
    }

    fn get() -> Result<HttpRequest, ()> {
        Ok(HttpRequest {
            method: "GET",
            url: "http://h/".into(),
            headers: Vec::new(),
            body: Vec::new(),
        })
    }

    #[test]
    fn the_budget_bounds_every_attempt_and_wait_together() {
        use crate::workflows::fake::block_on;
        for (budget, sends) in [(2_000, 1), (70_000, 3), (30_000, 1), (30_200, 2)] {
            let runtime = BlackHole::new(false);
            let policy = RetryPolicy {
                budget_ms: Some(budget),
                ..RetryPolicy::default()
            };
            let outcome = block_on(send_with_retry(
                &runtime,
                &policy,
                Idempotency::Idempotent,
                get,
            ));
            assert_eq!(
                outcome.map(|r| r.map(|r| r.status)),
                Ok(Err(TransportError::Timeout))
            );
            assert_eq!(
                runtime.now_ms(),
                f64::from(budget),
                "ends exactly at the budget"
            );
            assert_eq!(
                runtime.sends.load(std::sync::atomic::Ordering::Relaxed),
                sends,
                "budget {budget}"
            );
        }
        let runtime = BlackHole::new(false);
        let _ = block_on(send_with_retry(
            &runtime,
            &RetryPolicy::default(),
            Idempotency::Idempotent,
            get,
        ));
        assert_eq!(
            runtime.sends.load(std::sync::atomic::Ordering::Relaxed),
            4,
            "no budget: every attempt"
        );
    }

    #[test]
    fn an_aborted_call_sends_nothing_and_a_pending_provider_is_cut_by_the_timer() {
        use crate::workflows::fake::block_on;
        let runtime = BlackHole::new(true);
        let outcome = block_on(send_with_retry(
            &runtime,
            &RetryPolicy::default(),
            Idempotency::Idempotent,
            get,
        ));
        assert_eq!(
            outcome.map(|r| r.map(|r| r.status)),
            Ok(Err(TransportError::Aborted))
        );
        assert_eq!(runtime.sends.load(std::sync::atomic::Ordering::Relaxed), 0);
        let provided = block_on(crate::runtime::within(
            &runtime,
            5,
            runtime.provide_credentials(),
        ));
        assert!(
            provided.is_none(),
            "a provider that never resolves loses to the timer"
        );
        assert_eq!(
            block_on(crate::runtime::within(&runtime, 5, async { 7 })),
            Some(7)
        );
    }
}
