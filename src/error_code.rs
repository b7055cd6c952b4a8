//! [`ErrorCode`]: what kind of failure a call had, given to JS callers as `error.code` (the
//! pkg/README.md's "Error codes" table). The wire client picks it for each failed request
//! (`client::errors::classify`), the workflows pass it on or pick their own, the glue sets it.

/// The code of a failure. Its spelling ([`ErrorCode::as_str`]) is public API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// Refused by this package before any request (an invalid argument or an incomplete
    /// config), or by the server with a 400.
    InvalidArgument,
    /// The server's "Snapshots are not enabled on bucket …" answer.
    SnapshotsNotEnabled,
    /// The bucket name is taken (`BucketAlreadyExists`, `BucketAlreadyOwnedByYou` when it is an
    /// error) or the key already exists (`EntityAlreadyExists`).
    BucketAlreadyExists,
    /// Any 404: no such bucket, key or snapshot.
    NotFound,
    /// Any 401/403 (incl. a bad signature, an unknown key, a skewed clock), or a failed or
    /// invalid `credentialProvider`.
    AccessDenied,
    /// Any other 409.
    Conflict,
    /// A deadline passed before a response arrived.
    Timeout,
    /// No HTTP response at all (refused, reset, DNS).
    NetworkError,
    /// A 5xx or 429 after every retry, and anything not classified above.
    ServerError,
    /// A teardown went through every step and at least one failed.
    PartialFailure,
    /// A webhook delivery whose `Authorization` header is missing or does not match the `auth`
    /// given to `receiveCoordinationEvents`; the delivery should be answered 401 (a retry with
    /// the same header cannot help).
    Unauthorized,
    /// Produced by cancellation (not exported yet).
    Aborted,
}

impl ErrorCode {
    /// The string JS callers see as `error.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "InvalidArgument",
            ErrorCode::SnapshotsNotEnabled => "SnapshotsNotEnabled",
            ErrorCode::BucketAlreadyExists => "BucketAlreadyExists",
            ErrorCode::NotFound => "NotFound",
            ErrorCode::AccessDenied => "AccessDenied",
            ErrorCode::Conflict => "Conflict",
            ErrorCode::Timeout => "Timeout",
            ErrorCode::NetworkError => "NetworkError",
            ErrorCode::ServerError => "ServerError",
            ErrorCode::PartialFailure => "PartialFailure",
            ErrorCode::Unauthorized => "Unauthorized",
            ErrorCode::Aborted => "Aborted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn spellings_are_the_variant_names() {
        for code in [
            ErrorCode::InvalidArgument,
            ErrorCode::SnapshotsNotEnabled,
            ErrorCode::BucketAlreadyExists,
            ErrorCode::NotFound,
            ErrorCode::AccessDenied,
            ErrorCode::Conflict,
            ErrorCode::Timeout,
            ErrorCode::NetworkError,
            ErrorCode::ServerError,
            ErrorCode::PartialFailure,
            ErrorCode::Unauthorized,
            ErrorCode::Aborted,
        ] {
            assert_eq!(code.as_str(), format!("{code:?}"));
        }
    }
}
