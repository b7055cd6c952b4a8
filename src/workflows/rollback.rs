//! `atomic`: what a call created, and undoing it when the call fails, so that an all-or-nothing
//! call leaves nothing behind — or, when it cannot remove something, names it.
//!
//! The rule, in one place: only what this call created is deleted — a bucket that an attempt of
//! this call saw answered 2xx, a fork whose outcome was unknown but whose lineage shows this
//! call's snapshot ([`fork_made_by`]), a key whose creation answered with an id. A workspace or
//! restore bucket whose creation's outcome is unknown may be one the caller already had, so it
//! is never deleted, only named. Keys go before buckets, forks before the snapshot they pin.

use super::concurrency::{run_lines, LinesTask};
use super::workspace::Workspace;
use super::{key_name, phrase, prefixed, Credentials, WorkflowError};
use crate::ops::{AccessKey, CreateBucketOptions, Created, ErrorCode, OpError, Role, TigrisOps};
use std::num::NonZeroU32;

/// Why a bucket with an unknown outcome is not deleted.
const OUTCOME_UNKNOWN: &str = "not deleted: this call cannot tell whether it created it";

/// Whether a failed creation may still have happened on the server: no answer at all, or a 5xx
/// (docs/protocol.md §6.4).
pub(crate) fn outcome_unknown(error: &OpError) -> bool {
    matches!(
        error.code,
        ErrorCode::Timeout | ErrorCode::NetworkError | ErrorCode::ServerError
    )
}

/// Whether a bucket whose fork parent is `parent` (its [`TigrisOps::fork_parent_snapshot`])
/// exists as a fork of `snapshot`, i.e. is the fork this call meant to make (a bucket that is
/// missing is not). The check's own failure is returned as is.
pub(crate) fn fork_made_by(
    parent: Result<Option<String>, OpError>,
    snapshot: &str,
) -> Result<bool, OpError> {
    match parent {
        Ok(parent) => Ok(parent.as_deref() == Some(snapshot)),
        Err(e) if e.code == ErrorCode::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// One thing a rollback removes.
#[derive(Debug)]
enum Step {
    /// An access key: `(key name, access key id)`.
    Key(String, String),
    /// A bucket and what it is in messages (`"bucket"`, `"fork"`).
    Bucket(String, &'static str),
    /// A snapshot: `(base bucket, snapshot id)`.
    Snapshot(String, String),
}

/// What one call created and a rollback removes, plus what it already knows it cannot remove.
#[derive(Debug, Default)]
pub(crate) struct Undo {
    /// What to remove, by phase (keys, then buckets, then the snapshot they pin), each in the
    /// order it was recorded.
    phases: [Vec<Step>; 3],
    /// One `\nRollback left …` line for each thing that is not removed.
    left: String,
}

/// `\nRollback left "<name>" (<what><id>): <m>`: a line that follows the failure's message.
fn left_line(name: &str, what: &str, id: &str, message: &str) -> String {
    let mut line = phrase("\nRollback left \"", name, "\" (");
    line.push_str(what);
    line.push_str(id);
    line.push_str("): ");
    line.push_str(message);
    line
}

/// Removes one thing; the `Rollback left …` line when that fails (a 404 means it is gone).
async fn remove<O: TigrisOps>(ops: &O, step: Option<&Step>) -> Vec<String> {
    let Some(step) = step else {
        return Vec::new();
    };
    // One await on a boxed removal keeps a single state machine for the three kinds.
    let (name, what, id, removal): (&str, &str, &str, Removal<'_>) = match step {
        Step::Key(name, id) => (name, "access key ", id, Box::pin(ops.remove_access_key(id))),
        Step::Bucket(name, what) => (name, what, "", Box::pin(ops.remove_bucket(name))),
        Step::Snapshot(base, id) => (
            base,
            "snapshot ",
            id,
            Box::pin(ops.delete_snapshot(base, id)),
        ),
    };
    match removal.await {
        // Not there: nothing is left.
        Err(e) if e.code != ErrorCode::NotFound => {
            vec![left_line(name, what, id, &e.message)]
        }
        _ => Vec::new(),
    }
}

/// One removal request in flight.
type Removal<'a> = crate::runtime::BoxFuture<'a, Result<(), OpError>>;

impl Undo {
    /// The key `${bucket}-key` with access key id `id`.
    pub fn key(&mut self, bucket: &str, id: &str) {
        let [keys, _, _] = &mut self.phases;
        keys.push(Step::Key(key_name(bucket), id.to_owned()));
    }

    /// A bucket this call created (`what` names it in messages).
    pub fn bucket(&mut self, name: &str, what: &'static str) {
        let [_, buckets, _] = &mut self.phases;
        buckets.push(Step::Bucket(name.to_owned(), what));
    }

    /// Something that is not removed (it may not be this call's, or could not be checked),
    /// with the reason.
    pub fn cannot(&mut self, name: &str, what: &str, reason: &str) {
        self.left.push_str(&left_line(name, what, "", reason));
    }

    /// The snapshot `id` of `base` this call took.
    pub fn snapshot(&mut self, base: &str, id: &str) {
        let [_, _, snapshots] = &mut self.phases;
        snapshots.push(Step::Snapshot(base.to_owned(), id.to_owned()));
    }

    /// Removes what was recorded — keys, then buckets, at most `limit` at a time, then the
    /// snapshot once no fork is left — and returns `cause` with one `Rollback left …` line per
    /// thing still there. `cause`'s code stays the error's code.
    pub async fn roll_back<O: TigrisOps>(
        self,
        ops: &O,
        limit: usize,
        cause: WorkflowError,
    ) -> WorkflowError {
        // Rollback runs to the end: the caller's signal and `deadlineMs` no longer stop it.
        ops.start_cleanup();
        let Undo { phases, mut left } = self;
        // A fork still there (or possibly there) pins the snapshot.
        let mut pinned = !left.is_empty();
        for (phase, batch) in phases.iter().enumerate() {
            if let (2, true, Some(Step::Snapshot(base, id))) = (phase, pinned, batch.first()) {
                left.push_str(&left_line(
                    base,
                    "snapshot ",
                    id,
                    "a fork could not be deleted",
                ));
                break;
            }
            let task = |i| -> LinesTask<'_> { Box::pin(remove(ops, batch.get(i))) };
            for lines in run_lines(batch.len(), limit, &task).await {
                let Some(lines) = lines else { continue };
                pinned |= phase == 1 && !lines.is_empty();
                for line in &lines {
                    left.push_str(line);
                }
            }
        }
        let mut cause = cause;
        cause.message.push_str(&left);
        cause
    }
}

/// The credentials of `${bucket}-key` from its creation's answer `minted`, as the workflows
/// hand them back; the failure `Failed to create access key for "<bucket>": <m>` otherwise,
/// together with the id of a key that was made anyway (answered with an id but no secret), which
/// a rollback removes.
pub(crate) fn scoped_key(
    bucket: &str,
    minted: Result<AccessKey, OpError>,
) -> Result<Credentials, (WorkflowError, Option<String>)> {
    match minted {
        Ok(key) => {
            let id = Some(key.id.clone()).filter(|id| !id.is_empty());
            Credentials::from_key(key).ok_or_else(|| {
                let message = prefixed(KEY_FAILED, bucket, "no secret key was returned");
                let code = ErrorCode::ServerError;
                (
                    WorkflowError {
                        code,
                        message,
                        reply: None,
                    },
                    id,
                )
            })
        }
        Err(e) => Err((WorkflowError::operation(KEY_FAILED, bucket, &e), None)),
    }
}

/// Every key failure reads `Failed to create access key for "<bucket>": <m>`.
const KEY_FAILED: &str = "Failed to create access key for";

/// A bucket that `createWorkspace` or `restore` makes, with its TTL and scoped key when asked.
pub(crate) struct NewBucket<'a> {
    /// The bucket's name.
    pub name: &'a str,
    /// How it is created.
    pub create: &'a CreateBucketOptions,
    /// A failed creation reads `<phrase> "<subject>": <m>`: `(phrase, subject)`.
    pub failed: (&'a str, &'a str),
    /// `ttl.days`, set once the bucket exists.
    pub ttl_days: Option<NonZeroU32>,
    /// The role of the scoped key `${name}-key` to mint.
    pub role: Option<Role>,
    /// `atomic`: a TTL or key failure fails the call, and a failure removes what it created.
    pub atomic: bool,
}

/// Creates `bucket`, then sets its TTL and mints its key when asked. A TTL or key failure leaves
/// the bucket without them, as the original does; with `atomic` it fails the call (`Failed to set
/// TTL on workspace "<name>": <m>`, `Failed to create access key for "<name>": <m>`) after the
/// key and the bucket this call made are removed (one whose creation's outcome is unknown is
/// only named).
pub(crate) async fn create_bucket_with_key<O: TigrisOps>(
    ops: &O,
    bucket: &NewBucket<'_>,
) -> Result<Workspace, WorkflowError> {
    let NewBucket { name, atomic, .. } = *bucket;
    let mut undo = Undo::default();
    let cause = 'failed: {
        let created = ops.create_bucket(name, bucket.create).await;
        // Removed when an attempt was answered; only named when a lost attempt may have made it.
        match &created {
            Ok(Created::Answered) => undo.bucket(name, "bucket"),
            Ok(Created::Owned) => undo.cannot(name, "bucket", OUTCOME_UNKNOWN),
            Err(e) if outcome_unknown(e) => undo.cannot(name, "bucket", OUTCOME_UNKNOWN),
            Err(_) => {}
        }
        if let Err(e) = created {
            let (phrase, subject) = bucket.failed;
            break 'failed WorkflowError::operation(phrase, subject, &e);
        }
        if let Some(days) = bucket.ttl_days {
            // The original ignores a TTL failure: the bucket exists and is returned.
            if let (Err(e), true) = (ops.set_bucket_ttl(name, days).await, atomic) {
                break 'failed WorkflowError::operation("Failed to set TTL on workspace", name, &e);
            }
        }
        let credentials = match bucket.role {
            Some(role) => {
                let minted = ops.create_access_key(&key_name(name), name, role).await;
                match scoped_key(name, minted) {
                    Ok(credentials) => {
                        undo.key(name, &credentials.access_key_id);
                        Some(credentials)
                    }
                    Err(_) if !atomic => None,
                    Err((cause, id)) => {
                        if let Some(id) = id {
                            undo.key(name, &id);
                        }
                        break 'failed cause;
                    }
                }
            }
            None => None,
        };
        return Ok(Workspace {
            bucket: name.to_owned(),
            credentials,
        });
    };
    if !atomic {
        return Err(cause);
    }
    Err(undo.roll_back(ops, 1, cause).await)
}

#[cfg(test)]
mod tests {
    //! The `atomic` rule across the three workflows, against the fake.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use crate::ops::{ErrorCode, Role};
    use crate::workflows::checkpoint::{restore, RestoreOptions};
    use crate::workflows::fake::{block_on, bucket, FakeOps, Lost};
    use crate::workflows::forks::{create_forks, CreateForksOptions, ForkCount, Forks};
    use crate::workflows::workspace::{
        create_workspace, teardown_workspace, CreateWorkspaceOptions, Workspace, MAX_TTL_DAYS,
    };
    use crate::workflows::{PositiveInt, WorkflowError};

    const SNAPSHOT: &str = "1751631910196672425";

    fn atomic_forks(concurrency: f64, role: Option<Role>) -> CreateForksOptions {
        CreateForksOptions {
            prefix: Some("eval".into()),
            credentials: role,
            concurrency: PositiveInt::from_js(concurrency, f64::MAX, "c").ok(),
            atomic: true,
        }
    }

    fn fork_data(
        ops: &FakeOps,
        count: f64,
        options: &CreateForksOptions,
    ) -> Result<Forks, WorkflowError> {
        let count = ForkCount::from_js(count).unwrap();
        block_on(create_forks(ops, &bucket("data"), count, options))
    }

    /// Index of the first call equal to `line`.
    fn at(ops: &FakeOps, line: &str) -> usize {
        ops.calls()
            .iter()
            .position(|c| c == line)
            .unwrap_or_else(|| panic!("no call {line}"))
    }

    /// Every key removal precedes every bucket removal, and the snapshot goes last.
    fn assert_rollback_order(ops: &FakeOps) {
        let calls = ops.calls();
        let last_key = calls
            .iter()
            .rposition(|c| c.starts_with("remove_access_key"));
        let first_bucket = calls.iter().position(|c| c.starts_with("remove_bucket"));
        let last_bucket = calls.iter().rposition(|c| c.starts_with("remove_bucket"));
        if let (Some(k), Some(b)) = (last_key, first_bucket) {
            assert!(k < b, "keys before buckets: {calls:?}");
        }
        let snapshot = at(ops, &format!("delete_snapshot data {SNAPSHOT}"));
        assert!(
            last_bucket.is_none_or(|b| b < snapshot),
            "forks before the snapshot"
        );
        assert_eq!(snapshot, calls.len() - 1);
    }

    /// Nothing of the call is left: only the base, no key, no fork lineage.
    fn assert_nothing_left(ops: &FakeOps) {
        assert_eq!(ops.buckets(), ["data"]);
        assert!(ops.key_names().is_empty(), "{:?}", ops.key_names());
        assert!(ops.state.borrow().parents.is_empty());
    }

    #[test]
    fn a_failed_fork_or_key_rolls_back_everything_at_any_index_and_concurrency() {
        for key in [false, true] {
            for concurrency in [1.0, 16.0] {
                for k in [0, 5, 11] {
                    let ops = FakeOps::new().with_bucket("data");
                    let (needle, code, expected) = match (key, k) {
                        (true, _) => (
                            format!("create_access_key eval-{k}-key "),
                            ErrorCode::AccessDenied,
                            format!("Failed to create access key for \"eval-{k}\": refused"),
                        ),
                        (false, 0) => (
                            "create_bucket eval-0 ".to_owned(),
                            ErrorCode::Conflict,
                            "Failed to create any forks".to_owned(),
                        ),
                        (false, _) => (
                            format!("create_bucket eval-{k} "),
                            ErrorCode::Conflict,
                            format!("Failed to create fork \"eval-{k}\": refused"),
                        ),
                    };
                    ops.fail(&needle, code, "refused");
                    // Later forks complete while the failing one is still running.
                    ops.delay(&needle, 4);
                    let role = Some(Role::Editor);
                    let err = fork_data(&ops, 12.0, &atomic_forks(concurrency, role)).unwrap_err();
                    let case = format!("key={key} k={k} c={concurrency}");
                    assert_eq!((err.code, err.message), (code, expected), "{case}");
                    assert_nothing_left(&ops);
                    assert_rollback_order(&ops);
                    if key {
                        at(&ops, &format!("remove_bucket eval-{k}"));
                    }
                }
            }
        }
    }

    #[test]
    fn a_key_without_a_secret_is_a_failure_and_is_removed() {
        let ops = FakeOps::new().with_bucket("data");
        ops.state.borrow_mut().no_secret = true;
        let err = fork_data(&ops, 2.0, &atomic_forks(1.0, Some(Role::Editor))).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create access key for \"eval-0\": no secret key was returned"
        );
        assert_nothing_left(&ops);
        at(&ops, "remove_access_key tid_eval-0-key");
    }

    #[test]
    fn success_is_the_usual_result_and_all_failing_leaves_no_snapshot() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 3.0, &atomic_forks(16.0, Some(Role::Editor))).unwrap();
        assert_eq!(set.forks.len(), 3);
        assert!(set.forks.iter().all(|f| f.credentials.is_some()));
        assert!(!ops
            .calls()
            .iter()
            .any(|c| c.starts_with("remove") || c.starts_with("delete")));

        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_bucket",
            ErrorCode::ServerError,
            "Unable to create bucket down",
        );
        let err = fork_data(&ops, 4.0, &atomic_forks(4.0, None)).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (ErrorCode::ServerError, "Failed to create any forks")
        );
        assert_rollback_order(&ops);
    }

    #[test]
    fn unknown_outcomes_count_when_the_lineage_is_this_calls_snapshot() {
        for concurrency in [1.0, 16.0] {
            // A lost attempt then BucketAlreadyOwnedByYou, and a timeout: both made the fork.
            let ops = FakeOps::new().with_bucket("data");
            ops.lose("create_bucket eval-1 ", Lost::Owned);
            ops.lose("create_bucket eval-2 ", Lost::Timeout);
            let err = fork_data(&ops, 4.0, &atomic_forks(concurrency, None)).unwrap_err();
            assert_eq!(
                err.message,
                "Failed to create fork \"eval-2\": Unable to create bucket Request timed out"
            );
            assert_eq!(err.code, ErrorCode::Timeout);
            at(&ops, "fork_parent_snapshot eval-1");
            at(&ops, "fork_parent_snapshot eval-2");
            assert_nothing_left(&ops);

            // Owned after a lost attempt with the right lineage is a success.
            let ops = FakeOps::new().with_bucket("data");
            ops.lose("create_bucket eval-0 ", Lost::Owned);
            let set = fork_data(&ops, 2.0, &atomic_forks(concurrency, None)).unwrap();
            assert_eq!(set.forks[0].bucket, "eval-0");
        }
    }

    #[test]
    fn a_bucket_the_caller_already_had_is_never_deleted() {
        for concurrency in [1.0, 16.0] {
            for lost in [Lost::Owned, Lost::Timeout] {
                // The prefix was used before: eval-1 is an older fork of another snapshot.
                let ops = FakeOps::new()
                    .with_bucket("data")
                    .with_fork("eval-1", "999");
                ops.lose("create_bucket eval-1 ", lost);
                let err = fork_data(&ops, 3.0, &atomic_forks(concurrency, Some(Role::Editor)))
                    .unwrap_err();
                assert!(
                    err.message
                        .starts_with("Failed to create fork \"eval-1\": "),
                    "{}",
                    err.message
                );
                assert_eq!(ops.buckets(), ["data", "eval-1"], "the older fork stays");
                assert!(ops.key_names().is_empty());
                assert!(!ops.calls().contains(&"remove_bucket eval-1".to_owned()));
                assert_rollback_order(&ops);
            }
        }
        let ops = FakeOps::new()
            .with_bucket("data")
            .with_fork("eval-0", "999");
        ops.lose("create_bucket eval-0 ", Lost::Owned);
        let err = fork_data(&ops, 1.0, &atomic_forks(1.0, None)).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (ErrorCode::BucketAlreadyExists, "Failed to create any forks")
        );
    }

    #[test]
    fn a_failed_rollback_lists_what_is_left() {
        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_bucket eval-3 ",
            ErrorCode::Conflict,
            "Unable to create bucket busy",
        );
        ops.fail(
            "remove_access_key tid_eval-1-key",
            ErrorCode::ServerError,
            "iam is down",
        );
        ops.fail(
            "remove_bucket eval-2",
            ErrorCode::ServerError,
            "Unable to remove bucket disk on fire",
        );
        let err = fork_data(&ops, 4.0, &atomic_forks(1.0, Some(Role::Editor))).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create fork \"eval-3\": Unable to create bucket busy\n\
             Rollback left \"eval-1-key\" (access key tid_eval-1-key): iam is down\n\
             Rollback left \"eval-2\" (fork): Unable to remove bucket disk on fire\n\
             Rollback left \"data\" (snapshot 1751631910196672425): a fork could not be deleted"
        );
        assert_eq!(err.code, ErrorCode::Conflict, "the first cause's code");
        assert_eq!(ops.buckets(), ["data", "eval-2"]);
        assert!(!ops.calls().iter().any(|c| c.starts_with("delete_snapshot")));

        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_bucket eval-1 ",
            ErrorCode::Conflict,
            "Unable to create bucket busy",
        );
        ops.fail(
            "delete_snapshot",
            ErrorCode::ServerError,
            "Unable to delete bucket snapshot nope",
        );
        let err = fork_data(&ops, 2.0, &atomic_forks(1.0, None)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create fork \"eval-1\": Unable to create bucket busy\n\
             Rollback left \"data\" (snapshot 1751631910196672425): Unable to delete bucket snapshot nope"
        );
    }

    #[test]
    fn a_removal_answered_not_found_leaves_nothing() {
        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_bucket eval-1 ",
            ErrorCode::Conflict,
            "Unable to create bucket busy",
        );
        ops.fail("remove_access_key", ErrorCode::NotFound, "Not Found");
        let err = fork_data(&ops, 2.0, &atomic_forks(1.0, Some(Role::Editor))).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create fork \"eval-1\": Unable to create bucket busy"
        );
        at(&ops, "remove_access_key tid_eval-0-key");
    }

    #[test]
    fn a_lineage_check_that_fails_names_the_fork() {
        let ops = FakeOps::new().with_bucket("data");
        ops.lose("create_bucket eval-0 ", Lost::Timeout);
        ops.fail(
            "fork_parent_snapshot",
            ErrorCode::AccessDenied,
            "Access Denied",
        );
        let err = fork_data(&ops, 1.0, &atomic_forks(1.0, None)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create any forks\n\
             Rollback left \"eval-0\" (fork): Access Denied\n\
             Rollback left \"data\" (snapshot 1751631910196672425): a fork could not be deleted"
        );
    }

    fn workspace_options(atomic: bool) -> CreateWorkspaceOptions {
        CreateWorkspaceOptions {
            ttl_days: PositiveInt::from_js(3.0, MAX_TTL_DAYS, "days").ok(),
            enable_snapshots: true,
            credentials: Some(Role::Editor),
            atomic,
            ..CreateWorkspaceOptions::default()
        }
    }

    fn workspace(
        ops: &FakeOps,
        options: &CreateWorkspaceOptions,
    ) -> Result<Workspace, WorkflowError> {
        block_on(create_workspace(ops, &bucket("agent-run"), options))
    }

    #[test]
    fn an_atomic_workspace_rolls_back_a_failed_ttl_or_key() {
        let ops = FakeOps::new();
        ops.fail(
            "set_bucket_ttl",
            ErrorCode::InvalidArgument,
            "TTL is not supported on snapshot-enabled buckets",
        );
        let err = workspace(&ops, &workspace_options(true)).unwrap_err();
        assert_eq!(err.message, "Failed to set TTL on workspace \"agent-run\": TTL is not supported on snapshot-enabled buckets");
        assert_eq!(err.code, ErrorCode::InvalidArgument);
        assert!(ops.buckets().is_empty());
        assert_eq!(ops.calls().last().unwrap(), "remove_bucket agent-run");
        assert!(
            !ops.calls()
                .iter()
                .any(|c| c.starts_with("create_access_key")),
            "stops at the TTL"
        );

        let ops = FakeOps::new();
        ops.fail("create_access_key", ErrorCode::ServerError, "iam is down");
        let err = workspace(&ops, &workspace_options(true)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create access key for \"agent-run\": iam is down"
        );
        assert!(ops.buckets().is_empty() && ops.key_names().is_empty());

        let ops = FakeOps::new();
        ops.state.borrow_mut().no_secret = true;
        let err = workspace(&ops, &workspace_options(true)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create access key for \"agent-run\": no secret key was returned"
        );
        assert_eq!(
            &ops.calls()[3..],
            [
                "remove_access_key tid_agent-run-key",
                "remove_bucket agent-run"
            ]
        );
        assert!(ops.buckets().is_empty() && ops.key_names().is_empty());
    }

    #[test]
    fn without_atomic_the_workspace_is_returned_as_before() {
        let ops = FakeOps::new();
        ops.fail("set_bucket_ttl", ErrorCode::InvalidArgument, "TTL refused");
        ops.fail("create_access_key", ErrorCode::ServerError, "iam is down");
        let ws = workspace(&ops, &workspace_options(false)).unwrap();
        assert_eq!(
            ws,
            Workspace {
                bucket: "agent-run".into(),
                credentials: None
            }
        );
        assert_eq!(ops.buckets(), ["agent-run"]);
    }

    #[test]
    fn a_workspace_bucket_with_an_unknown_outcome_is_named_not_deleted() {
        let ops = FakeOps::new();
        ops.lose("create_bucket", Lost::Owned);
        ops.fail("set_bucket_ttl", ErrorCode::ServerError, "boom");
        let err = workspace(&ops, &workspace_options(true)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to set TTL on workspace \"agent-run\": boom\n\
             Rollback left \"agent-run\" (bucket): not deleted: this call cannot tell whether it created it"
        );
        assert_eq!(ops.buckets(), ["agent-run"]);
        assert!(!ops.calls().iter().any(|c| c.starts_with("remove")));

        let ops = FakeOps::new();
        ops.lose("create_bucket", Lost::Timeout);
        let err = workspace(&ops, &workspace_options(true)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create workspace bucket \"agent-run\": Unable to create bucket Request timed out\n\
             Rollback left \"agent-run\" (bucket): not deleted: this call cannot tell whether it created it"
        );
        assert_eq!(err.code, ErrorCode::Timeout);
        let ops = FakeOps::new();
        ops.lose("create_bucket", Lost::Timeout);
        let err = workspace(&ops, &workspace_options(false)).unwrap_err();
        assert_eq!(err.message, "Failed to create workspace bucket \"agent-run\": Unable to create bucket Request timed out");
    }

    fn restore_options(atomic: bool) -> RestoreOptions {
        RestoreOptions {
            fork_name: Some("retry".into()),
            credentials: Some(Role::Editor),
            atomic,
        }
    }

    /// `restore("data", "123", { forkName: "retry", credentials: Editor, atomic })`.
    fn restore_data(ops: &FakeOps, atomic: bool) -> Result<Workspace, WorkflowError> {
        block_on(restore(
            ops,
            &bucket("data"),
            "123",
            &restore_options(atomic),
        ))
    }

    #[test]
    fn restore_mints_a_scoped_key_that_teardown_revokes() {
        let ops = FakeOps::new().with_bucket("data");
        let restored = restore_data(&ops, false).unwrap();
        assert_eq!(restored.bucket, "retry");
        assert_eq!(
            restored.credentials.as_ref().unwrap().access_key_id,
            "tid_retry-key"
        );
        assert_eq!(
            ops.calls(),
            [
                "create_bucket retry fork_of=data@123",
                "create_access_key retry-key retry Editor"
            ]
        );
        block_on(teardown_workspace(&ops, &restored)).unwrap();
        assert_eq!(ops.buckets(), ["data"]);
        assert!(ops.key_names().is_empty());
    }

    #[test]
    fn a_restore_key_failure_is_kept_or_rolled_back() {
        let ops = FakeOps::new().with_bucket("data");
        ops.fail("create_access_key", ErrorCode::ServerError, "iam is down");
        let restored = restore_data(&ops, false).unwrap();
        assert_eq!(
            restored,
            Workspace {
                bucket: "retry".into(),
                credentials: None
            }
        );

        let ops = FakeOps::new().with_bucket("data");
        ops.fail("create_access_key", ErrorCode::ServerError, "iam is down");
        let err = restore_data(&ops, true).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to create access key for \"retry\": iam is down"
        );
        assert_eq!(ops.buckets(), ["data"]);

        let ops = FakeOps::new().with_bucket("data");
        ops.lose("create_bucket", Lost::Owned);
        ops.fail("create_access_key", ErrorCode::ServerError, "iam is down");
        let err = restore_data(&ops, true).unwrap_err();
        assert!(err.message.ends_with("\nRollback left \"retry\" (bucket): not deleted: this call cannot tell whether it created it"));
        assert_eq!(ops.buckets(), ["data", "retry"]);
        assert!(!ops.calls().iter().any(|c| c.starts_with("remove_bucket")));
    }
}
