//! The nine agent-kit functions, the fork-lifecycle ones (`lifecycle`) and `presign`, written once against
//! [`crate::ops::TigrisOps`].
//!
//! Each workflow takes its arguments validated before the first request — a bucket argument as a
//! [`BucketName`], a count as a [`PositiveInt`], which the wasm glue (`src/api/`) builds from the
//! JS values in the original's order of checks, through each module's own constructor so that a
//! name error carries that workflow's message prefix — then checks what depends on several
//! arguments (derived names, webhook options), runs the exact call sequence of the original
//! (docs/protocol.md §7) and renders failures into the original's single-line messages.

mod bucket_name;
mod concurrency;
mod error;
mod rollback;

pub mod checkpoint;
pub mod coordination;
pub mod forks;
pub mod lifecycle;
pub mod presign;
pub mod workspace;

pub use bucket_name::BucketName;
pub use error::WorkflowError;

use crate::ops::{AccessKey, TigrisOps};
use crate::secret::Secret;
use std::num::NonZeroU32;

/// A scoped access key handed back to the caller (`{ accessKeyId, secretAccessKey }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// `accessKeyId`.
    pub access_key_id: String,
    /// `secretAccessKey`.
    pub secret_access_key: Secret,
}

impl Credentials {
    /// The credentials the original returns for a minted key: only when the secret is truthy
    /// (present and non-empty), as `keyResult.data?.secret` decides.
    fn from_key(key: AccessKey) -> Option<Credentials> {
        match key.secret {
            Some(secret) if !secret.is_empty() => Some(Credentials {
                access_key_id: key.id,
                secret_access_key: secret,
            }),
            _ => None,
        }
    }
}

/// The access-key name the original gives a bucket's scoped key: `${bucket}-key`.
fn key_name(bucket: &str) -> String {
    let mut name = String::from(bucket);
    name.push_str("-key");
    name
}

/// Revokes the key of `credentials` (when there are any), then deletes `bucket` with force; both
/// steps run. Returns a teardown's failure lines: `Failed to remove access key for "<bucket>": <m>`
/// and `<delete_failed> "<bucket>": <m>`. An invalid name is one of those failures (no delete is
/// sent for it), not a refusal of the whole teardown, as in the original.
async fn remove_with_key<O: TigrisOps>(
    ops: &O,
    bucket: &str,
    credentials: Option<&Credentials>,
    delete_failed: &str,
) -> Vec<String> {
    let mut errors = Vec::new();
    if let Some(credentials) = credentials {
        if let Err(e) = ops.remove_access_key(&credentials.access_key_id).await {
            errors.push(prefixed(
                "Failed to remove access key for",
                bucket,
                &e.message,
            ));
        }
    }
    let removed = match BucketName::check(bucket) {
        Ok(()) => ops.remove_bucket(bucket).await.map_err(|e| e.message),
        Err(reason) => Err(reason),
    };
    if let Err(message) = removed {
        errors.push(prefixed(delete_failed, bucket, &message));
    }
    errors
}

/// `Date.now()` as the original prints it in default names: an integer of milliseconds. An
/// `i64` (every JS date fits), the type the module formats other integers with, so no `u64`
/// formatting code is needed.
fn timestamp(now_ms: f64) -> i64 {
    if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as i64
    } else {
        0
    }
}

/// A whole number of at least 1, validated from the JS number the caller gave (`count`,
/// `concurrency`, `ttl.days`, `limit`). Values above `u32::MAX` (allowed only where the maximum
/// allows them) saturate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PositiveInt(NonZeroU32);

impl PositiveInt {
    /// `value` when it is a whole number in `1..=max`; otherwise `<what> must be a positive
    /// integer`.
    pub fn from_js(value: f64, max: f64, what: &str) -> Result<Self, WorkflowError> {
        if value.is_finite() && value.fract() == 0.0 && value >= 1.0 && value <= max {
            let n = value.min(f64::from(u32::MAX)) as u32;
            Ok(PositiveInt(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)))
        } else {
            Err(WorkflowError::invalid(format!(
                "{what} must be a positive integer"
            )))
        }
    }

    /// The number.
    pub fn get(self) -> NonZeroU32 {
        self.0
    }

    /// The number as a count of things.
    pub fn count(self) -> usize {
        self.0.get() as usize
    }
}

/// `<phrase> "<subject>": <message>`: a workflow's message under its prefix (e.g. `Failed to
/// checkpoint bucket "data": Not Found`), one function for all of them so that every prefix
/// quotes and cuts alike.
fn prefixed(phrase: &str, subject: &str, message: &str) -> String {
    let mut out = String::from(phrase);
    out.push_str(" \"");
    push_shown(&mut out, subject);
    out.push_str("\": ");
    out.push_str(message);
    out
}

/// Appends `name` as it appears inside quotes in messages: verbatim, except that absurdly long
/// input (never a valid bucket name) is cut after 100 characters (and `…` added) so a 1 MB
/// argument does not become a 1 MB message.
fn push_shown(out: &mut String, name: &str) {
    const LIMIT: usize = 100;
    let cut = crate::text::first_chars(name, LIMIT);
    out.push_str(cut);
    if cut.len() < name.len() {
        out.push('…');
    }
}

/// `<before><name><after>`, the name as [`push_shown`] writes it: the phrase of a message that
/// names one input.
fn phrase(before: &str, name: &str, after: &str) -> String {
    let mut out = String::from(before);
    push_shown(&mut out, name);
    out.push_str(after);
    out
}

#[cfg(test)]
pub(crate) mod fake;

#[cfg(test)]
mod tests {
    use super::PositiveInt;

    #[test]
    fn positive_integers_from_js_numbers() {
        for bad in [
            0.0,
            -1.0,
            1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            11.0,
        ] {
            assert_eq!(
                PositiveInt::from_js(bad, 10.0, "count").map_err(|e| e.message),
                Err("count must be a positive integer".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(
            PositiveInt::from_js(10.0, 10.0, "n")
                .unwrap_or(PositiveInt(std::num::NonZeroU32::MIN))
                .count(),
            10
        );
        let huge = PositiveInt::from_js(2f64.powi(40), f64::MAX, "n").map(|n| n.get().get());
        assert_eq!(huge, Ok(u32::MAX), "saturates");
    }
}
