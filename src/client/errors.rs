//! Error mapping and message scrubbing: how a failed request becomes an [`OpError`] — the SDK's
//! message (with the call's prefix when the S3 wrappers add one), an [`ErrorCode`] picked by
//! [`classify`], and no secret in the text (docs/protocol.md §6).

use crate::ops::{ErrorCode, OpError, ServerReply};
use crate::requests::BuildError;
use crate::runtime::TransportError;
use crate::secret::Secret;

/// How one call reports its failures: the message prefix and the secrets to keep out of them.
pub(super) struct ErrorContext {
    prefix: &'static str,
    secrets: Vec<Secret>,
}

impl ErrorContext {
    /// A context with `prefix` (`""` for none) and no secret yet.
    pub fn new(prefix: &'static str) -> Self {
        ErrorContext {
            prefix,
            secrets: Vec::new(),
        }
    }

    /// Adds a secret that must never appear in this call's messages.
    pub fn hide(&mut self, secret: &Secret) {
        self.secrets.push(secret.clone());
    }

    /// `message` with every hidden secret of four characters or more replaced by `******`.
    pub fn scrub(&self, message: &str) -> String {
        let mut m = message.to_owned();
        for s in &self.secrets {
            if s.expose().len() >= 4 {
                m = crate::text::replace(&m, s.expose(), "******");
            }
        }
        m
    }

    /// `code` with `<prefix><message>`, scrubbed.
    pub fn error(&self, code: ErrorCode, message: &str) -> OpError {
        OpError::new(code, format!("{}{}", self.prefix, self.scrub(message)))
    }

    /// `code` with the message alone (the failures the SDK reports without the prefix), scrubbed.
    pub fn unprefixed(&self, code: ErrorCode, message: &str) -> OpError {
        OpError::new(code, self.scrub(message))
    }

    /// The failure a non-2xx answer caused: `error` (built by [`ErrorContext::error`] or
    /// [`ErrorContext::unprefixed`]) with the answer's status and error code attached.
    pub fn answered(error: OpError, status: u16, server_code: Option<String>) -> OpError {
        OpError {
            reply: Some(Box::new(ServerReply {
                status,
                code: server_code.filter(|c| !c.is_empty()),
            })),
            ..error
        }
    }

    /// A request that could not be built: refused before any request. URL and header-value
    /// errors carry the prefix (the SDK sees them inside the call), argument checks do not.
    pub fn build_error(&self, e: BuildError) -> OpError {
        if e.0.starts_with("Invalid character") || e.0 == "Invalid URL" {
            self.error(ErrorCode::InvalidArgument, &e.0)
        } else {
            self.unprefixed(ErrorCode::InvalidArgument, &e.0)
        }
    }

    /// A request that got no response after every retry.
    pub fn transport_error(&self, e: &TransportError, prefixed: bool) -> OpError {
        let (code, message) = match e {
            TransportError::Network(m) if !m.is_empty() => (ErrorCode::NetworkError, m.as_str()),
            TransportError::Network(_) => (ErrorCode::NetworkError, "Network error"),
            TransportError::Timeout => (ErrorCode::Timeout, "Request timed out"),
            TransportError::Aborted => return self.unprefixed(ErrorCode::Aborted, "Aborted"),
        };
        if prefixed {
            self.error(code, message)
        } else {
            self.unprefixed(code, message)
        }
    }
}

/// The code of a refusal, from its status, error code and message.
pub(super) fn classify(status: u16, code: Option<&str>, message: &str) -> ErrorCode {
    let code = code.unwrap_or("");
    if message.starts_with("Snapshots are not enabled")
        || crate::text::contains(code, "SnapshotsNotEnabled")
    {
        return ErrorCode::SnapshotsNotEnabled;
    }
    match code {
        "BucketAlreadyExists" | "BucketAlreadyOwnedByYou" | "EntityAlreadyExists" => {
            return ErrorCode::BucketAlreadyExists
        }
        "NoSuchBucket" | "NoSuchKey" | "NoSuchEntity" | "NotFound" => return ErrorCode::NotFound,
        "AccessDenied"
        | "SignatureDoesNotMatch"
        | "InvalidAccessKeyId"
        | "InvalidClientTokenId"
        | "RequestTimeTooSkewed" => return ErrorCode::AccessDenied,
        _ => {}
    }
    match status {
        400 => ErrorCode::InvalidArgument,
        401 | 403 => ErrorCode::AccessDenied,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        _ => ErrorCode::ServerError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_server_code_then_the_status() {
        let cases = [
            (
                409,
                Some("BucketAlreadyExists"),
                ErrorCode::BucketAlreadyExists,
            ),
            (
                409,
                Some("BucketAlreadyOwnedByYou"),
                ErrorCode::BucketAlreadyExists,
            ),
            (
                409,
                Some("EntityAlreadyExists"),
                ErrorCode::BucketAlreadyExists,
            ),
            (409, Some("BucketNotEmpty"), ErrorCode::Conflict),
            (404, Some("NoSuchBucket"), ErrorCode::NotFound),
            (404, None, ErrorCode::NotFound),
            (403, Some("SignatureDoesNotMatch"), ErrorCode::AccessDenied),
            (403, Some("RequestTimeTooSkewed"), ErrorCode::AccessDenied),
            (401, None, ErrorCode::AccessDenied),
            (400, Some("InvalidArgument"), ErrorCode::InvalidArgument),
            (400, Some("MalformedXML"), ErrorCode::InvalidArgument),
            (500, Some("InternalError"), ErrorCode::ServerError),
            (503, None, ErrorCode::ServerError),
            (429, None, ErrorCode::ServerError),
            (200, None, ErrorCode::ServerError),
            (405, None, ErrorCode::ServerError),
        ];
        for (status, code, expected) in cases {
            assert_eq!(classify(status, code, "m"), expected, "{status} {code:?}");
        }
        assert_eq!(
            classify(
                400,
                Some("InvalidRequest"),
                "Snapshots are not enabled on bucket b"
            ),
            ErrorCode::SnapshotsNotEnabled
        );
    }

    #[test]
    fn messages_are_prefixed_and_scrubbed() {
        let mut cx = ErrorContext::new("Unable to create bucket ");
        cx.hide(&Secret::new("tsec_SECRET"));
        cx.hide(&Secret::new("abc"));
        let e = cx.error(ErrorCode::ServerError, "bad key tsec_SECRET for abc");
        assert_eq!(e.message, "Unable to create bucket bad key ****** for abc");
        let e = cx.unprefixed(ErrorCode::InvalidArgument, "tsec_SECRET");
        assert_eq!(e.message, "******");
        let e = cx.build_error(BuildError("Invalid URL".into()));
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::InvalidArgument,
                "Unable to create bucket Invalid URL"
            )
        );
        let e = cx.build_error(BuildError("Source bucket name is required".into()));
        assert_eq!(e.message, "Source bucket name is required");
        let e = cx.transport_error(&TransportError::Timeout, true);
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::Timeout,
                "Unable to create bucket Request timed out"
            )
        );
        let e = cx.transport_error(&TransportError::Network("reset tsec_SECRET".into()), false);
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::NetworkError, "reset ******")
        );
        let e = cx.transport_error(&TransportError::Network(String::new()), false);
        assert_eq!(e.message, "Network error");
    }
}
