//! The workflows' error: an [`ErrorCode`] plus the original's message.

use super::prefixed;
use crate::ops::{ErrorCode, OpError, ServerReply};
use std::fmt;

/// A workflow failure: a code plus the exact single-line (or, for teardowns, multi-line) message
/// the original agent-kit would give. Never contains a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowError {
    /// Classification (`error.code`): `InvalidArgument` for arguments rejected before any
    /// request, the failed call's code when a Tigris call stopped the workflow,
    /// `PartialFailure` for a teardown that completed with errors.
    pub code: ErrorCode,
    /// The message shown to JS callers as `error.message`.
    pub message: String,
    /// The server's answer behind a failure that one call caused (`error.status`,
    /// `error.serverCode`); `None` for argument errors and aggregated failures.
    pub reply: Option<Box<ServerReply>>,
}

impl WorkflowError {
    /// Arguments rejected before any request.
    pub fn invalid(message: impl Into<String>) -> Self {
        WorkflowError {
            code: ErrorCode::InvalidArgument,
            message: message.into(),
            reply: None,
        }
    }

    /// A failed call, rendered under the workflow's prefix as `<phrase> "<subject>": <call
    /// message>`.
    pub(crate) fn operation(phrase: &str, subject: &str, error: &OpError) -> Self {
        WorkflowError {
            code: error.code,
            message: prefixed(phrase, subject, &error.message),
            reply: error.reply.clone(),
        }
    }

    /// An input error reported under the workflow's prefix (`<phrase> "<subject>": <reason>`).
    pub(crate) fn invalid_in(phrase: &str, subject: &str, reason: &str) -> Self {
        WorkflowError::invalid(prefixed(phrase, subject, reason))
    }

    /// `<title>\n<line>\n<line>…` for teardowns that completed with errors.
    pub(crate) fn partial(title: &str, lines: &[String]) -> Self {
        let mut message = String::from(title);
        for line in lines {
            message.push('\n');
            message.push_str(line);
        }
        WorkflowError {
            code: ErrorCode::PartialFailure,
            message,
            reply: None,
        }
    }
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WorkflowError {}
