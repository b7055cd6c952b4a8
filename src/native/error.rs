//! [`Error`]: the one error of every native method, the JS `Error` as a Rust value.

use crate::error_code::ErrorCode;
use crate::workflows::WorkflowError;
use std::fmt;

/// Why a call failed: [`Display`](fmt::Display) is the JS `error.message` (the original's
/// single-line message, or the multi-line one of a teardown that completed with errors) and
/// [`Error::code`] the JS `error.code`. Never contains a secret, so `Debug` and `Display` are
/// safe to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(WorkflowError);

impl Error {
    /// The JS `error.code`: `InvalidArgument`, `NotFound`, `PartialFailure`, … (the README's
    /// "Error codes" table).
    pub fn code(&self) -> &'static str {
        self.0.code.as_str()
    }

    /// The code as an enum, to `match` on.
    pub fn kind(&self) -> ErrorCode {
        self.0.code
    }

    /// The JS `error.status`: the HTTP status of the server answer that caused the failure.
    pub fn status(&self) -> Option<u16> {
        self.0.reply.as_ref().map(|r| r.status)
    }

    /// The JS `error.serverCode`: the S3/JSON error code of that answer (e.g. `NoSuchBucket`).
    pub fn server_code(&self) -> Option<&str> {
        self.0.reply.as_ref().and_then(|r| r.code.as_deref())
    }

    /// The JS `error.message` (the same text as `Display`).
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

impl From<WorkflowError> for Error {
    fn from(error: WorkflowError) -> Self {
        Error(error)
    }
}

/// A configuration refused before any request (`InvalidArgument`).
impl From<crate::config::ConfigError> for Error {
    fn from(error: crate::config::ConfigError) -> Self {
        Error(WorkflowError::invalid(error.0))
    }
}
