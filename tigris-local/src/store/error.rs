//! The store's one error type and its S3 rendering (status, code, message).

use super::Ts;

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The bucket does not exist.
    NoSuchBucket(String),
    /// The key does not exist (at the requested version).
    NoSuchKey(String),
    /// The name is taken by the same owner.
    BucketAlreadyOwnedByYou(String),
    /// The name is taken by someone else.
    BucketAlreadyExists(String),
    /// Deleting a non-empty bucket without force.
    BucketNotEmpty(String),
    /// Deleting a bucket that forks depend on.
    BucketHasForks(String, Vec<String>),
    /// Snapshot or fork on a bucket without snapshots.
    SnapshotsNotEnabled(String),
    /// Fork from a snapshot version the source does not have.
    NoSuchSnapshot(String, Ts),
    /// Merge of a bucket that is not a direct fork of the target.
    NotADirectFork { fork: String, base: String },
    /// Rebase of a bucket that is not a fork.
    NotAFork(String),
    /// Multipart upload id unknown.
    NoSuchUpload,
    /// Multipart completion names a part that was not uploaded or has another ETag.
    InvalidPart(u32),
    /// A request value is not acceptable (message).
    Invalid(String),
}

impl StoreError {
    /// (HTTP status, error code, message).
    pub fn describe(&self) -> (u16, &'static str, String) {
        match self {
            StoreError::NoSuchBucket(b) => (404, "NoSuchBucket", format!("The specified bucket does not exist: {b}")),
            StoreError::NoSuchKey(k) => (404, "NoSuchKey", format!("The specified key does not exist: {k}")),
            StoreError::BucketAlreadyOwnedByYou(b) => (
                409,
                "BucketAlreadyOwnedByYou",
                format!("Your previous request to create the named bucket succeeded and you already own it: {b}"),
            ),
            StoreError::BucketAlreadyExists(b) => (
                409,
                "BucketAlreadyExists",
                format!("The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again: {b}"),
            ),
            StoreError::BucketNotEmpty(b) => (409, "BucketNotEmpty", format!("The bucket you tried to delete is not empty: {b}")),
            StoreError::BucketHasForks(b, forks) => (
                409,
                "BucketHasForks",
                format!("The bucket {b} cannot be deleted while forks depend on it; delete the fork(s) first: {}", forks.join(", ")),
            ),
            StoreError::SnapshotsNotEnabled(b) => (400, "InvalidRequest", format!("Snapshots are not enabled on bucket {b}")),
            StoreError::NoSuchSnapshot(b, v) => (404, "NoSuchSnapshot", format!("Snapshot {v} does not exist on bucket {b}")),
            StoreError::NotADirectFork { fork, base } => (400, "InvalidArgument", format!("Bucket {fork} is not a direct fork of bucket {base}")),
            StoreError::NotAFork(b) => (400, "InvalidArgument", format!("Bucket {b} is not a fork")),
            StoreError::NoSuchUpload => (404, "NoSuchUpload", "The specified multipart upload does not exist.".into()),
            StoreError::InvalidPart(n) => (400, "InvalidPart", format!("Part {n} was not uploaded or its ETag does not match.")),
            StoreError::Invalid(m) => (400, "InvalidRequest", m.clone()),
        }
    }
}
