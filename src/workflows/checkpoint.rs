//! `checkpoint`, `restore` and `listCheckpoints`: named snapshots and restores into new forks
//! (docs/protocol.md §5.3, §5.4, §7).

use super::bucket_name::{bucket_in, BucketName};
use super::rollback::{create_bucket_with_key, NewBucket};
use super::workspace::Workspace;
use super::{timestamp, PositiveInt, WorkflowError};
use crate::ops::{CreateBucketOptions, ForkSource, Role, TigrisOps};

/// `Checkpoint`.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// `snapshotId`: the snapshot version.
    pub snapshot_id: String,
    /// `name`, when the snapshot has one.
    pub name: Option<String>,
    /// `createdAt` in ms since the epoch: the local clock for a new checkpoint, the server's
    /// `CreationDate` in listings (absent when the server gave none).
    pub created_at_ms: Option<f64>,
}

/// `RestoreOptions` (without `config`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RestoreOptions {
    /// `forkName`; default `${bucket}-restore-${Date.now()}`.
    pub fork_name: Option<String>,
    /// `credentials.role`: mint a key `${forkName}-key` scoped to the restored bucket.
    pub credentials: Option<Role>,
    /// `atomic`: a key failure removes what this call created and fails the call.
    pub atomic: bool,
}

/// `ListCheckpointsOptions` (without `config`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListCheckpointsOptions {
    /// `limit` (at most `u32::MAX`, see [`MAX_LIMIT`]).
    pub limit: Option<PositiveInt>,
    /// `paginationToken` from a previous page.
    pub pagination_token: Option<String>,
}

/// `ListCheckpointsResponse`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckpointPage {
    /// `checkpoints`, newest first as the server lists them.
    pub checkpoints: Vec<Checkpoint>,
    /// `paginationToken` for the next page, when there is one.
    pub pagination_token: Option<String>,
}

/// The largest `limit` the glue accepts.
pub const MAX_LIMIT: f64 = u32::MAX as f64;

/// `options.limit` of `listCheckpoints`, validated: a whole number from 1 to [`MAX_LIMIT`].
pub fn limit(value: f64) -> Result<PositiveInt, WorkflowError> {
    PositiveInt::from_js(value, MAX_LIMIT, "options.limit")
}

/// Message for a checkpoint name that cannot travel in the `X-Tigris-Snapshot` header.
pub const INVALID_NAME: &str =
    "Invalid checkpoint name: only printable ASCII characters are allowed";

/// Every `checkpoint` failure reads `Failed to checkpoint bucket "<bucket>": …`.
const CHECKPOINT_FAILED: &str = "Failed to checkpoint bucket";

/// Every `restore` failure reads `Failed to restore from snapshot "<id>": …`.
const RESTORE_FAILED: &str = "Failed to restore from snapshot";

/// Every `listCheckpoints` failure reads `Failed to list checkpoints for "<bucket>": …`.
const LIST_FAILED: &str = "Failed to list checkpoints for";

/// The `bucket` of `checkpoint`, validated (a name error under the `checkpoint` prefix).
pub fn checkpoint_bucket(bucket: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(bucket, CHECKPOINT_FAILED, bucket)
}

/// The `bucket` of `restore(bucket, snapshotId)`, validated (a name error under the `restore`
/// prefix, which names the snapshot).
pub fn restore_bucket(bucket: &str, snapshot_id: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(bucket, RESTORE_FAILED, snapshot_id)
}

/// The `bucket` of `listCheckpoints`, validated (a name error under the `listCheckpoints`
/// prefix).
pub fn listed_bucket(bucket: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(bucket, LIST_FAILED, bucket)
}

/// Snapshots `bucket` (named `name` when given). Fails with `Failed to checkpoint bucket
/// "<bucket>": <m>`, e.g. when snapshots are not enabled on the bucket. A name is sent raw in a
/// header (as the original does), so one with control or non-ASCII characters, which the runtime
/// would refuse or re-encode under the signature, is refused before any request.
pub async fn checkpoint<O: TigrisOps>(
    ops: &O,
    bucket: &BucketName,
    name: Option<&str>,
) -> Result<Checkpoint, WorkflowError> {
    let bucket = bucket.as_str();
    if name.is_some_and(|n| !n.bytes().all(|b| b == b' ' || b.is_ascii_graphic())) {
        return Err(WorkflowError::invalid_in(
            CHECKPOINT_FAILED,
            bucket,
            INVALID_NAME,
        ));
    }
    let snapshot_id = ops
        .create_snapshot(bucket, name)
        .await
        .map_err(|e| WorkflowError::operation(CHECKPOINT_FAILED, bucket, &e))?;
    Ok(Checkpoint {
        snapshot_id,
        name: name.map(str::to_owned),
        created_at_ms: Some(ops.now_ms()),
    })
}

/// Creates bucket `forkName` (default `${bucket}-restore-${Date.now()}`) as a fork of `bucket` at
/// `snapshot_id` (an empty id forks from "now"), then mints its scoped key when asked. Fails with
/// `Failed to restore from snapshot "<id>": <m>`, also for an invalid snapshot id or fork name
/// (checked in that order, before any request). A key failure leaves the bucket without
/// credentials, as `createWorkspace` does; with `atomic` it fails the call (`Failed to create
/// access key for "<forkName>": <m>`) after the key and the bucket this call made are removed.
/// Returns the new bucket with its credentials.
pub async fn restore<O: TigrisOps>(
    ops: &O,
    bucket: &BucketName,
    snapshot_id: &str,
    options: &RestoreOptions,
) -> Result<Workspace, WorkflowError> {
    if !snapshot_id.bytes().all(|b| b.is_ascii_graphic()) {
        // It is sent as a header value; real versions are decimal digits.
        return Err(WorkflowError::invalid_in(
            RESTORE_FAILED,
            snapshot_id,
            "Invalid snapshot id",
        ));
    }
    let fork_name = match &options.fork_name {
        Some(name) => name.clone(),
        None => format!("{}-restore-{}", bucket.as_str(), timestamp(ops.now_ms())),
    };
    let fork_name = bucket_in(&fork_name, RESTORE_FAILED, snapshot_id)?;
    let create = CreateBucketOptions {
        fork_of: Some(ForkSource {
            bucket: bucket.as_str().to_owned(),
            snapshot: Some(snapshot_id.to_owned()).filter(|id| !id.is_empty()),
        }),
        ..CreateBucketOptions::default()
    };
    let restored = NewBucket {
        name: fork_name.as_str(),
        create: &create,
        failed: (RESTORE_FAILED, snapshot_id),
        ttl_days: None,
        role: options.credentials,
        atomic: options.atomic,
    };
    create_bucket_with_key(ops, &restored).await
}

/// Lists one page of `bucket`'s snapshots, dropping entries without a version. Fails with
/// `Failed to list checkpoints for "<bucket>": <m>`.
pub async fn list_checkpoints<O: TigrisOps>(
    ops: &O,
    bucket: &BucketName,
    options: &ListCheckpointsOptions,
) -> Result<CheckpointPage, WorkflowError> {
    let bucket = bucket.as_str();
    let limit = options.limit.map(|l| l.get().get());
    let page = ops
        .list_snapshots(bucket, limit, options.pagination_token.as_deref())
        .await
        .map_err(|e| WorkflowError::operation(LIST_FAILED, bucket, &e))?;
    let mut checkpoints = Vec::with_capacity(page.snapshots.len());
    for s in page.snapshots {
        if let Some(snapshot_id) = s.version {
            checkpoints.push(Checkpoint {
                snapshot_id,
                name: s.name,
                created_at_ms: s.created_at_ms,
            });
        }
    }
    Ok(CheckpointPage {
        checkpoints,
        pagination_token: page.continuation_token,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ops::{ErrorCode, SnapshotInfo, SnapshotPage};
    use crate::workflows::fake::{block_on, bucket, FakeOps};

    /// `{ forkName }` only.
    fn named(fork_name: Option<&str>) -> RestoreOptions {
        RestoreOptions {
            fork_name: fork_name.map(str::to_owned),
            ..RestoreOptions::default()
        }
    }

    #[test]
    fn checkpoint_returns_the_version_name_and_local_time() {
        let ops = FakeOps::new().with_bucket("data");
        let ck = block_on(checkpoint(&ops, &bucket("data"), Some("epoch-50"))).unwrap();
        assert_eq!(
            ck,
            Checkpoint {
                snapshot_id: "1751631910196672425".into(),
                name: Some("epoch-50".into()),
                created_at_ms: Some(1_764_000_000_123.0)
            }
        );
        assert_eq!(ops.calls(), ["create_snapshot data name=epoch-50"]);
        let ck = block_on(checkpoint(&ops, &bucket("data"), None)).unwrap();
        assert_eq!(ck.name, None);
    }

    #[test]
    fn checkpoint_names_must_be_printable_ascii() {
        let ops = FakeOps::new().with_bucket("data");
        for bad in [
            "caf\u{e9}",
            "line\nbreak",
            "tab\there",
            "nul\0",
            "emoji \u{1f600}",
            "del\u{7f}",
        ] {
            let err = block_on(checkpoint(&ops, &bucket("data"), Some(bad))).unwrap_err();
            assert_eq!(
                err.message,
                format!("Failed to checkpoint bucket \"data\": {INVALID_NAME}")
            );
        }
        assert!(ops.calls().is_empty(), "no request for an invalid name");
        block_on(checkpoint(
            &ops,
            &bucket("data"),
            Some("run 7; epoch=50 ~ok!"),
        ))
        .unwrap();
    }

    #[test]
    fn checkpoint_failure_names_the_bucket() {
        let ops = FakeOps::new();
        ops.fail(
            "create_snapshot",
            ErrorCode::SnapshotsNotEnabled,
            "Unable to create bucket snapshot Snapshots are not enabled on bucket data",
        );
        let err = block_on(checkpoint(&ops, &bucket("data"), None)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to checkpoint bucket \"data\": Unable to create bucket snapshot Snapshots are not enabled on bucket data"
        );
        assert_eq!(err.code, ErrorCode::SnapshotsNotEnabled);
        let err = checkpoint_bucket("x").unwrap_err();
        assert_eq!(
            err.message,
            "Failed to checkpoint bucket \"x\": Invalid bucket name \"x\": must be between 3 and 63 characters long"
        );
        assert_eq!(ops.calls().len(), 1);
    }

    #[test]
    fn restore_forks_at_the_snapshot_with_the_default_name() {
        let ops = FakeOps::new().with_bucket("data");
        let restored = block_on(restore(&ops, &bucket("data"), "123", &named(None))).unwrap();
        assert_eq!(restored.bucket, "data-restore-1764000000123");
        assert_eq!(
            ops.calls(),
            ["create_bucket data-restore-1764000000123 fork_of=data@123"]
        );
        let restored = block_on(restore(&ops, &bucket("data"), "", &named(Some("retry")))).unwrap();
        assert_eq!(restored.bucket, "retry");
        assert_eq!(ops.calls()[1], "create_bucket retry fork_of=data@now");
    }

    #[test]
    fn restore_failures_name_the_snapshot() {
        let ops = FakeOps::new();
        let err =
            block_on(restore(&ops, &bucket("data"), "123", &named(Some("retry")))).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to restore from snapshot \"123\": Not Found"
        );
        let err =
            block_on(restore(&ops, &bucket("data"), "123", &named(Some("UPPER")))).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to restore from snapshot \"123\": Invalid bucket name \"UPPER\": may contain only lowercase letters, digits, dots and hyphens"
        );
        let err = block_on(restore(&ops, &bucket("data"), "12\n3", &named(None))).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to restore from snapshot \"12\n3\": Invalid snapshot id"
        );
        let err = restore_bucket("Data", "12\n3").unwrap_err();
        assert_eq!(
            err.message,
            "Failed to restore from snapshot \"12\n3\": Invalid bucket name \"Data\": may contain only lowercase letters, digits, dots and hyphens"
        );
        assert_eq!(ops.calls().len(), 1);
    }

    #[test]
    fn list_drops_versionless_entries_and_passes_paging_through() {
        let ops = FakeOps::new();
        ops.state.borrow_mut().snapshot_page = SnapshotPage {
            snapshots: vec![
                SnapshotInfo {
                    version: Some("2".into()),
                    name: Some("b".into()),
                    created_at_ms: Some(2000.0),
                },
                SnapshotInfo {
                    version: None,
                    name: Some("ghost".into()),
                    created_at_ms: None,
                },
                SnapshotInfo {
                    version: Some("1".into()),
                    name: None,
                    created_at_ms: None,
                },
            ],
            continuation_token: Some("1".into()),
        };
        let options = ListCheckpointsOptions {
            limit: PositiveInt::from_js(10.0, MAX_LIMIT, "options.limit").ok(),
            pagination_token: Some("tok".into()),
        };
        let page = block_on(list_checkpoints(&ops, &bucket("data"), &options)).unwrap();
        assert_eq!(
            page,
            CheckpointPage {
                checkpoints: vec![
                    Checkpoint {
                        snapshot_id: "2".into(),
                        name: Some("b".into()),
                        created_at_ms: Some(2000.0)
                    },
                    Checkpoint {
                        snapshot_id: "1".into(),
                        name: None,
                        created_at_ms: None
                    },
                ],
                pagination_token: Some("1".into()),
            }
        );
        assert_eq!(
            ops.calls(),
            ["list_snapshots data limit=Some(10) token=Some(\"tok\")"]
        );
    }

    #[test]
    fn list_failures_and_bad_limits() {
        let ops = FakeOps::new();
        ops.fail(
            "list_snapshots",
            ErrorCode::AccessDenied,
            "Unable to list bucket snapshots Access Denied",
        );
        let err = block_on(list_checkpoints(
            &ops,
            &bucket("data"),
            &ListCheckpointsOptions::default(),
        ))
        .unwrap_err();
        assert_eq!(err.message, "Failed to list checkpoints for \"data\": Unable to list bucket snapshots Access Denied");
        assert_eq!(err.code, ErrorCode::AccessDenied);
        for limit in [0.0, -3.0, 2.5, f64::NAN, 1e10] {
            let err = PositiveInt::from_js(limit, MAX_LIMIT, "options.limit").unwrap_err();
            assert_eq!(err.message, "options.limit must be a positive integer");
        }
        let err = listed_bucket("-data").unwrap_err();
        assert_eq!(
            err.message,
            "Failed to list checkpoints for \"-data\": Invalid bucket name \"-data\": must start and end with a letter or digit"
        );
        assert_eq!(ops.calls().len(), 1);
    }
}
