//! The nine agent-kit functions, written once against [`crate::ops::TigrisOps`].
//!
//! Each workflow validates its arguments before the first request (bucket names, counts, webhook
//! options), then runs the exact call sequence of the original (spec `tigris-wire.md` §7) and
//! renders failures into the original's single-line messages. The wasm glue (`src/api/`) only
//! converts JS values into the option structs below and the results back.

mod concurrency;
mod error;
mod names;

pub mod checkpoint;
pub mod coordination;
pub mod forks;
pub mod workspace;

pub use error::{WorkflowError, WorkflowErrorKind};

use crate::ops::AccessKey;
use std::fmt;

/// A scoped access key handed back to the caller (`{ accessKeyId, secretAccessKey }`).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `accessKeyId`.
    pub access_key_id: String,
    /// `secretAccessKey`; never printed.
    pub secret_access_key: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"******")
            .finish()
    }
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
    format!("{bucket}-key")
}

/// `Date.now()` as the original prints it in default names: an integer of milliseconds.
fn timestamp(now_ms: f64) -> u64 {
    if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    }
}

/// Checks a JS number meant as a positive integer no larger than `max`; `what` names it in the
/// error (`count must be a positive integer`).
fn positive_integer(value: f64, max: f64, what: &str) -> Result<u64, WorkflowError> {
    if value.is_finite() && value.fract() == 0.0 && value >= 1.0 && value <= max {
        Ok(value as u64)
    } else {
        Err(WorkflowError::invalid(format!(
            "{what} must be a positive integer"
        )))
    }
}

/// A name as it appears inside quotes in messages: verbatim, except that absurdly long input
/// (never a valid bucket name) is cut after 100 characters so a 1 MB argument does not become a
/// 1 MB message.
fn shown(name: &str) -> String {
    const LIMIT: usize = 100;
    match name.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", name.get(..cut).unwrap_or_default()),
        None => name.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod fake;
