//! Retries of transient failures: no response (network error, deadline), 5xx and 429. Capped
//! exponential backoff with full jitter, waiting through the runtime; every attempt is rebuilt
//! and re-signed by the caller's closure. The caller learns whether an earlier attempt failed
//! transiently, so it can treat `BucketAlreadyOwnedByYou` / a 404 on DELETE after such a
//! failure as the success of the lost attempt. A caller that can find out what a lost attempt
//! did (see [`Recover`]) is asked before each retry that follows a missing response.

use std::future::Future;
use std::pin::Pin;

use crate::runtime::{HttpRequest, HttpResponse, Runtime, TransportError};

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
}

impl Default for RetryPolicy {
    /// 4 attempts (the S3 SDK makes 3), 100 ms base, 2 s cap, 30 s deadline per request.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_ms: 100,
            cap_ms: 2_000,
            deadline_ms: 30_000,
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

/// The last attempt's result and whether an earlier attempt failed transiently.
#[derive(Debug)]
pub struct Attempted {
    /// The final response or transport failure.
    pub result: Result<HttpResponse, TransportError>,
    /// `true` when some earlier attempt got no response or a 5xx/429 (so the server may have
    /// acted on it).
    pub after_transient_failure: bool,
    /// Number of attempts made.
    pub attempts: u32,
}

/// Finds out what an attempt that got no response did on the server, when the caller can (e.g.
/// by listing what it made): the response that attempt would have had, or `None` to retry.
pub type Recover<'a> = &'a dyn Fn() -> Pin<Box<dyn Future<Output = Option<HttpResponse>> + 'a>>;

/// Sends the request `build` makes (called once per attempt, so it is re-signed each time) until
/// a non-transient answer or the attempts run out. Before a retry that follows an attempt with
/// no response, `recover` (when given) may supply that attempt's answer instead.
pub async fn send_with_retry<R: Runtime>(
    runtime: &R,
    policy: &RetryPolicy,
    recover: Option<Recover<'_>>,
    mut build: impl FnMut() -> HttpRequest,
) -> Attempted {
    let attempts = policy.max_attempts.max(1);
    let mut after_transient_failure = false;
    let mut attempt = 1;
    loop {
        let result = runtime.send(build(), policy.deadline_ms).await;
        let transient = match &result {
            Ok(response) => is_transient_status(response.status),
            Err(_) => true,
        };
        if !transient || attempt >= attempts {
            return Attempted {
                result,
                after_transient_failure,
                attempts: attempt,
            };
        }
        after_transient_failure = true;
        if let (Err(_), Some(recover)) = (&result, recover) {
            if let Some(response) = recover().await {
                return Attempted {
                    result: Ok(response),
                    after_transient_failure,
                    attempts: attempt,
                };
            }
        }
        let mut random = [0u8; 4];
        runtime.fill_random(&mut random);
        runtime
            .sleep(policy.delay_ms(attempt, u32::from_le_bytes(random)))
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
}
