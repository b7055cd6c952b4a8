//! `createWorkspace` / `teardownWorkspace`: a per-agent bucket with optional TTL, snapshots and a
//! scoped key, and its teardown (docs/protocol.md §7).

use super::bucket_name::{bucket_in, BucketName};
use super::rollback::{create_bucket_with_key, NewBucket};
use super::{remove_with_key, Credentials, PositiveInt, WorkflowError};
use crate::ops::{Access, CreateBucketOptions, Role, TigrisOps};

/// `CreateWorkspaceOptions` (without `config`, which the glue turns into the client).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateWorkspaceOptions {
    /// `access`: `None` sends no ACL header, like `"private"`.
    pub access: Option<Access>,
    /// `ttl.days` (at most [`MAX_TTL_DAYS`]).
    pub ttl_days: Option<PositiveInt>,
    /// `enableSnapshots`.
    pub enable_snapshots: bool,
    /// `credentials.role`: mint a key `${name}-key` scoped to the bucket with this role.
    pub credentials: Option<Role>,
    /// `atomic`: a TTL or key failure removes what this call created and fails the call.
    pub atomic: bool,
}

/// `Workspace`: the bucket and, when a key was minted with a secret, its credentials (also what
/// `restore` returns, so that `teardownWorkspace` releases a restored bucket alike).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    /// `bucket`.
    pub bucket: String,
    /// `credentials`; absent when none were requested or the key call failed.
    pub credentials: Option<Credentials>,
}

/// The largest `ttl.days` accepted (about 2,700 years).
pub const MAX_TTL_DAYS: f64 = 1_000_000.0;

/// `options.ttl.days` of `createWorkspace`, validated: a whole number from 1 to [`MAX_TTL_DAYS`].
pub fn ttl_days(days: f64) -> Result<PositiveInt, WorkflowError> {
    PositiveInt::from_js(days, MAX_TTL_DAYS, "options.ttl.days")
}

/// Every `createWorkspace` failure reads `Failed to create workspace bucket "<name>": …`.
const CREATE_FAILED: &str = "Failed to create workspace bucket";

/// The `name` of `createWorkspace`, validated: an invalid name fails as `Failed to create
/// workspace bucket "<name>": Invalid bucket name "<name>": <rule>`.
pub fn workspace_name(name: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(name, CREATE_FAILED, name)
}

/// Creates bucket `name` (with `access` and `enableSnapshots`), then sets its TTL and mints its
/// key when asked. Without `atomic` only the bucket creation can fail the call (`Failed to create
/// workspace bucket "<name>": <m>`); TTL and key failures leave a workspace without them, as the
/// original does. With `atomic` they fail it too (`Failed to set TTL on workspace "<name>": <m>`,
/// `Failed to create access key for "<name>": <m>`), after the key and the bucket this call made
/// are removed again (docs/protocol.md §7).
pub async fn create_workspace<O: TigrisOps>(
    ops: &O,
    name: &BucketName,
    options: &CreateWorkspaceOptions,
) -> Result<Workspace, WorkflowError> {
    let name = name.as_str();
    let create = CreateBucketOptions {
        access: options.access,
        enable_snapshot: options.enable_snapshots,
        fork_of: None,
    };
    let bucket = NewBucket {
        name,
        create: &create,
        failed: (CREATE_FAILED, name),
        ttl_days: options.ttl_days.map(PositiveInt::get),
        role: options.credentials,
        atomic: options.atomic,
    };
    create_bucket_with_key(ops, &bucket).await
}

/// Revokes the workspace's key (when it has credentials), then deletes the bucket with force.
/// Best effort: both steps run, and every failure is listed in one `Workspace teardown completed
/// with errors:` message.
pub async fn teardown_workspace<O: TigrisOps>(
    ops: &O,
    workspace: &Workspace,
) -> Result<(), WorkflowError> {
    let errors = remove_with_key(
        ops,
        &workspace.bucket,
        workspace.credentials.as_ref(),
        "Failed to delete workspace",
    )
    .await;
    if errors.is_empty() {
        Ok(())
    } else {
        Err(WorkflowError::partial(
            "Workspace teardown completed with errors:",
            &errors,
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ops::ErrorCode;
    use crate::workflows::fake::{block_on, bucket, FakeOps, SECRET};

    fn all_options() -> CreateWorkspaceOptions {
        CreateWorkspaceOptions {
            access: Some(Access::Public),
            ttl_days: PositiveInt::from_js(1.0, MAX_TTL_DAYS, "options.ttl.days").ok(),
            enable_snapshots: true,
            credentials: Some(Role::Editor),
            atomic: false,
        }
    }

    #[test]
    fn plain_workspace_is_one_bucket_creation() {
        let ops = FakeOps::new();
        let ws = block_on(create_workspace(
            &ops,
            &bucket("agent-run"),
            &CreateWorkspaceOptions::default(),
        ))
        .unwrap();
        assert_eq!(
            ws,
            Workspace {
                bucket: "agent-run".into(),
                credentials: None
            }
        );
        assert_eq!(ops.calls(), ["create_bucket agent-run"]);
    }

    #[test]
    fn every_option_runs_bucket_then_ttl_then_key() {
        let ops = FakeOps::new();
        let ws = block_on(create_workspace(&ops, &bucket("agent-run"), &all_options())).unwrap();
        assert_eq!(
            ops.calls(),
            [
                "create_bucket agent-run access=Public snapshots",
                "set_bucket_ttl agent-run 1",
                "create_access_key agent-run-key agent-run Editor",
            ]
        );
        let credentials = ws.credentials.unwrap();
        assert_eq!(credentials.access_key_id, "tid_agent-run-key");
        assert!(credentials.secret_access_key.expose().starts_with(SECRET));
        assert!(!format!("{credentials:?}").contains(SECRET));
    }

    #[test]
    fn bucket_failure_stops_with_the_original_message() {
        let ops = FakeOps::new();
        ops.fail(
            "create_bucket",
            ErrorCode::BucketAlreadyExists,
            "Unable to create bucket taken",
        );
        let err =
            block_on(create_workspace(&ops, &bucket("agent-run"), &all_options())).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create workspace bucket \"agent-run\": Unable to create bucket taken"
        );
        assert_eq!(err.code, ErrorCode::BucketAlreadyExists);
        assert_eq!(ops.calls().len(), 1);
    }

    #[test]
    fn ttl_and_key_failures_still_return_the_workspace() {
        let ops = FakeOps::new();
        ops.fail(
            "set_bucket_ttl",
            ErrorCode::ServerError,
            "TTL not supported",
        );
        ops.fail("create_access_key", ErrorCode::ServerError, "iam is down");
        let ws = block_on(create_workspace(&ops, &bucket("agent-run"), &all_options())).unwrap();
        assert_eq!(
            ws,
            Workspace {
                bucket: "agent-run".into(),
                credentials: None
            }
        );
        assert_eq!(ops.calls().len(), 3);
    }

    #[test]
    fn a_key_without_secret_gives_no_credentials() {
        let ops = FakeOps::new();
        ops.state.borrow_mut().no_secret = true;
        let ws = block_on(create_workspace(&ops, &bucket("agent-run"), &all_options())).unwrap();
        assert_eq!(ws.credentials, None);
    }

    #[test]
    fn invalid_names_and_ttls_carry_their_messages() {
        let err = workspace_name("Bad_Name").unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create workspace bucket \"Bad_Name\": Invalid bucket name \"Bad_Name\": may contain only lowercase letters, digits, dots and hyphens"
        );
        assert_eq!(err.code, ErrorCode::InvalidArgument);
        for days in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 1e12] {
            let err = PositiveInt::from_js(days, MAX_TTL_DAYS, "options.ttl.days").unwrap_err();
            assert_eq!(err.message, "options.ttl.days must be a positive integer");
        }
        assert_eq!(workspace_name("agent-run"), Ok(bucket("agent-run")));
    }

    #[test]
    fn teardown_revokes_the_key_then_deletes_with_force() {
        let ops = FakeOps::new();
        let ws = block_on(create_workspace(&ops, &bucket("agent-run"), &all_options())).unwrap();
        block_on(teardown_workspace(&ops, &ws)).unwrap();
        assert_eq!(
            ops.calls()[3..],
            [
                "remove_access_key tid_agent-run-key",
                "remove_bucket agent-run"
            ]
        );
        assert!(ops.buckets().is_empty() && ops.key_names().is_empty());
    }

    #[test]
    fn teardown_aggregates_every_failure() {
        let ops = FakeOps::new();
        let ws = block_on(create_workspace(&ops, &bucket("agent-run"), &all_options())).unwrap();
        ops.fail("remove_access_key", ErrorCode::ServerError, "iam is down");
        ops.fail(
            "remove_bucket",
            ErrorCode::ServerError,
            "Unable to remove bucket boom",
        );
        let err = block_on(teardown_workspace(&ops, &ws)).unwrap_err();
        assert_eq!(
            err.message,
            "Workspace teardown completed with errors:\nFailed to remove access key for \"agent-run\": iam is down\nFailed to delete workspace \"agent-run\": Unable to remove bucket boom"
        );
        assert_eq!(err.code, ErrorCode::PartialFailure);
        assert!(!err.message.contains(SECRET));
    }

    #[test]
    fn teardown_of_an_invalid_name_sends_no_delete() {
        let ops = FakeOps::new();
        let ws = Workspace {
            bucket: "".into(),
            credentials: None,
        };
        let err = block_on(teardown_workspace(&ops, &ws)).unwrap_err();
        assert_eq!(
            err.message,
            "Workspace teardown completed with errors:\nFailed to delete workspace \"\": Invalid bucket name \"\": must be between 3 and 63 characters long"
        );
        assert!(ops.calls().is_empty());
    }
}
