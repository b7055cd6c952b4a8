//! The workflows' error: what the caller can do about it, plus the original's message.

use crate::ops::{OpError, OpErrorKind};
use std::fmt;

/// What kind of failure a workflow reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkflowErrorKind {
    /// The arguments were rejected before any request (bucket name, `count`, webhook options,
    /// option types). Fix the call; retrying cannot help.
    InvalidInput,
    /// A Tigris call failed and the workflow stopped; carries that call's classification
    /// (only [`OpErrorKind::Transient`] can succeed on a later retry).
    Operation(OpErrorKind),
    /// A teardown went through every step but some failed; the message lists each failure on its
    /// own line. Re-running the teardown retries only what is left.
    PartialTeardown,
    /// `createForks` took its snapshot but could not create the first fork.
    NoForks,
}

/// A workflow failure: a kind plus the exact single-line (or, for teardowns, multi-line) message
/// the original agent-kit would give. Never contains a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowError {
    /// Classification.
    pub kind: WorkflowErrorKind,
    /// The message shown to JS callers as `error.message`.
    pub message: String,
}

impl WorkflowError {
    /// Arguments rejected before any request.
    pub fn invalid(message: impl Into<String>) -> Self {
        WorkflowError {
            kind: WorkflowErrorKind::InvalidInput,
            message: message.into(),
        }
    }

    /// A failed call, rendered as `<context>: <call message>`.
    pub(crate) fn operation(context: String, error: &OpError) -> Self {
        WorkflowError {
            kind: WorkflowErrorKind::Operation(error.kind),
            message: format!("{context}: {}", error.message),
        }
    }

    /// An input error reported under a workflow's usual prefix (`<context>: <reason>`).
    pub(crate) fn invalid_in(context: String, reason: &str) -> Self {
        WorkflowError::invalid(format!("{context}: {reason}"))
    }

    /// `<title>\n<line>\n<line>…` for teardowns that completed with errors.
    pub(crate) fn partial(title: &str, lines: &[String]) -> Self {
        WorkflowError {
            kind: WorkflowErrorKind::PartialTeardown,
            message: format!("{title}\n{}", lines.join("\n")),
        }
    }
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WorkflowError {}
