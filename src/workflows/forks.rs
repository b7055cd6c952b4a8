//! `createForks` / `teardownForks`: one snapshot, then N copy-on-write forks created
//! concurrently (bounded), each optionally with its own scoped key (docs/protocol.md §5.2, §7).

use super::bucket_name::{bucket_in, BucketName};
use super::concurrency::{run_bounded, run_lines, LinesTask};
use super::lifecycle::about_snapshot;
use super::rollback::{fork_made_by, outcome_unknown, scoped_key, Undo};
use super::{
    key_name, prefixed, remove_with_key, timestamp, Credentials, PositiveInt, WorkflowError,
};
use crate::ops::{CreateBucketOptions, Created, ErrorCode, ForkSource, OpError, Role, TigrisOps};

/// The most forks one `createForks` call may create (and one `teardownForks` may remove).
pub const MAX_FORKS: u32 = 1000;

/// Forks created (or torn down) at the same time when `concurrency` is not given.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// `CreateForksOptions` (without `config`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateForksOptions {
    /// `prefix`: forks are `${prefix}-${i}`; default `${base}-fork-${Date.now()}`.
    pub prefix: Option<String>,
    /// `credentials.role`: mint a key `${fork}-key` scoped to each fork.
    pub credentials: Option<Role>,
    /// `concurrency`; default 16 (more than [`MAX_FORKS`] acts as [`MAX_FORKS`]).
    pub concurrency: Option<PositiveInt>,
    /// `atomic`: any failed fork or key removes every key and fork this call made, and its
    /// snapshot, and fails the call.
    pub atomic: bool,
}

/// `Fork`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fork {
    /// `bucket`.
    pub bucket: String,
    /// `credentials`; absent when none were requested or the key call failed.
    pub credentials: Option<Credentials>,
}

/// `Forks`: what `createForks` returns and `teardownForks` takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forks {
    /// `baseBucket`.
    pub base_bucket: String,
    /// `snapshotId`: the snapshot every fork was made from.
    pub snapshot_id: String,
    /// `forks`, in index order.
    pub forks: Vec<Fork>,
}

/// How many forks one `createForks` call makes: a whole number from 1 to [`MAX_FORKS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForkCount(PositiveInt);

impl ForkCount {
    /// `count` as the JS number given: `count must be a positive integer` unless it is a whole
    /// number of at least 1, then `count must be at most 1000` above [`MAX_FORKS`].
    pub fn from_js(count: f64) -> Result<Self, WorkflowError> {
        let count = PositiveInt::from_js(count, f64::MAX, "count")?;
        if count.get().get() > MAX_FORKS {
            return Err(WorkflowError::invalid(format!(
                "count must be at most {MAX_FORKS}"
            )));
        }
        Ok(ForkCount(count))
    }

    /// The number of forks.
    pub fn get(self) -> usize {
        self.0.count()
    }
}

/// A failed snapshot of the base reads `Failed to snapshot bucket "<base>": …`.
const SNAPSHOT_FAILED: &str = "Failed to snapshot bucket";

/// The `baseBucket` of `createForks`, validated: an invalid name fails as `Failed to snapshot
/// bucket "<base>": Invalid bucket name "<base>": <rule>`.
pub fn base_bucket(base: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(base, SNAPSHOT_FAILED, base)
}

/// `options.concurrency` of the fork functions, validated: any whole number of at least 1.
pub fn concurrency(value: f64) -> Result<PositiveInt, WorkflowError> {
    PositiveInt::from_js(value, f64::MAX, "options.concurrency")
}

/// How many tasks run at once for `concurrency` (larger than needed is fine).
fn concurrency_limit(concurrency: Option<PositiveInt>) -> usize {
    concurrency.map_or(DEFAULT_CONCURRENCY, |n| n.count().min(MAX_FORKS as usize))
}

/// Snapshots `base` once, then creates forks `${prefix}-0 … ${prefix}-${count-1}` from that
/// snapshot, at most `concurrency` at a time, each followed by its key when `credentials` is set
/// (a failed key leaves that fork without `credentials`).
///
/// The result is exactly what the sequential original returns: after the first failed fork no
/// new fork is started, the result holds the unbroken run of forks before the first failed
/// index, and any higher-index fork that completed anyway is deleted (key revoked, bucket
/// removed) before returning. Errors: an invalid fork name `Invalid bucket name "<fork>": <rule>`
/// (before any request); `Failed to snapshot bucket "<base>": <m>`; `Failed to create any forks`
/// (with the code of fork 0's failure) when fork 0 fails.
///
/// With `atomic`, a failed fork (`Failed to create fork "<fork>": <m>`, or `Failed to create any
/// forks` for fork 0) or key (`Failed to create access key for "<fork>": <m>`) fails the call
/// after every key and fork this call made, then its snapshot, are deleted again; a fork whose
/// outcome is unknown counts as made by this call when its lineage shows this call's snapshot.
pub async fn create_forks<O: TigrisOps>(
    ops: &O,
    base: &BucketName,
    count: ForkCount,
    options: &CreateForksOptions,
) -> Result<Forks, WorkflowError> {
    let count = count.get();
    let limit = concurrency_limit(options.concurrency);
    let base = base.as_str();
    let prefix = match &options.prefix {
        Some(prefix) => prefix.clone(),
        None => format!("{base}-fork-{}", timestamp(ops.now_ms())),
    };
    let mut names = Vec::with_capacity(count);
    for i in 0..count {
        names.push(BucketName::new(&format!("{prefix}-{i}")).map_err(WorkflowError::invalid)?);
    }

    let snapshot_id = ops
        .create_snapshot(base, None)
        .await
        .map_err(|e| WorkflowError::operation(SNAPSHOT_FAILED, base, &e))?;

    let fork_options = CreateBucketOptions {
        fork_of: Some(ForkSource {
            bucket: base.to_owned(),
            snapshot: Some(snapshot_id.clone()).filter(|id| !id.is_empty()),
        }),
        ..CreateBucketOptions::default()
    };
    let atomic = options.atomic.then_some(snapshot_id.as_str());
    let outcomes = run_bounded(
        count,
        limit,
        |i| {
            let name = names.get(i).map_or("", BucketName::as_str);
            create_fork(ops, (i, name), &fork_options, options.credentials, atomic)
        },
        |outcome| outcome.failure.is_some(),
    )
    .await;

    // The unbroken run before the first failed (or never started) index is the result; every
    // fork that completed after that point is removed again so nothing leaks.
    let mut forks = Vec::new();
    let mut extras = Vec::new();
    let mut cause = None;
    let mut undo = Undo::default();
    for (name, outcome) in names.iter().zip(outcomes) {
        let (name, Some(outcome)) = (name.as_str(), outcome) else {
            continue;
        };
        if let Some(id) = &outcome.key_id {
            undo.key(name, id);
        }
        match &outcome.made {
            Ok(true) => undo.bucket(name, "fork"),
            Ok(false) => {}
            Err(check) => undo.cannot(name, "fork", &check.message),
        }
        match (outcome.fork, outcome.failure) {
            (Some(fork), None) if cause.is_none() => forks.push(fork),
            (Some(fork), None) => extras.push(fork),
            (_, failure) => cause = cause.or(failure),
        }
    }
    let cause = match cause {
        Some(cause) if options.atomic => {
            undo.snapshot(base, &snapshot_id);
            return Err(undo.roll_back(ops, limit, cause).await);
        }
        cause => cause,
    };
    if !extras.is_empty() {
        ops.start_cleanup();
        let _ = remove_forks(ops, &extras, limit).await;
    }
    if forks.is_empty() {
        return Err(cause.unwrap_or_else(|| any_failed(ErrorCode::ServerError)));
    }
    Ok(Forks {
        base_bucket: base.to_owned(),
        snapshot_id,
        forks,
    })
}

/// The failure of fork 0, which the original reports without its cause.
fn any_failed(code: ErrorCode) -> WorkflowError {
    WorkflowError {
        code,
        message: "Failed to create any forks".to_owned(),
        reply: None,
    }
}

/// What creating one fork did.
struct ForkOutcome {
    /// The fork, when its bucket was created (its `credentials` absent when the key failed).
    fork: Option<Fork>,
    /// What stops the call: the bucket's failure, or with `atomic` also the key's.
    failure: Option<WorkflowError>,
    /// Whether this call made the bucket, for an `atomic` call's rollback (the failure of the
    /// check when that is not known).
    made: Result<bool, OpError>,
    /// The id of the key this call made, also when that key failed the call.
    key_id: Option<String>,
}

/// Fork number `index`, `name`: the bucket, then its key when asked. With `atomic` (this call's
/// snapshot), a bucket whose creation's outcome is unknown is checked for that snapshot's
/// lineage, and a key failure is a failure.
async fn create_fork<O: TigrisOps>(
    ops: &O,
    (index, name): (usize, &str),
    options: &CreateBucketOptions,
    role: Option<Role>,
    atomic: Option<&str>,
) -> ForkOutcome {
    let failed = |e: &OpError| match index {
        0 => any_failed(e.code),
        _ => WorkflowError::operation("Failed to create fork", name, e),
    };
    let created = ops.create_bucket(name, options).await;
    // Without `atomic` a created bucket is the fork, as in the original; with it, a bucket
    // whose outcome is unknown is this call's only with this call's snapshot as its parent.
    let made = match (&created, atomic) {
        (Ok(Created::Owned), Some(snapshot)) => Some(snapshot),
        (Err(e), Some(snapshot)) if outcome_unknown(e) => Some(snapshot),
        _ => None,
    };
    let made = match made {
        Some(snapshot) => fork_made_by(ops.fork_parent_snapshot(name).await, snapshot),
        None => Ok(created.is_ok()),
    };
    let failure = match (created, &made) {
        (Err(e), _) => Some(failed(&e)),
        (Ok(_), Err(e)) => Some(failed(e)),
        (Ok(_), Ok(true)) => None,
        (Ok(_), Ok(false)) => Some(failed(&OpError::new(
            ErrorCode::BucketAlreadyExists,
            format!(
                "it exists already and is not a fork of snapshot {}",
                atomic.unwrap_or_default()
            ),
        ))),
    };
    let mut outcome = ForkOutcome {
        fork: None,
        failure,
        made,
        key_id: None,
    };
    if outcome.failure.is_some() {
        return outcome;
    }
    let credentials = match role {
        Some(role) => {
            let minted = ops.create_access_key(&key_name(name), name, role).await;
            match scoped_key(name, minted) {
                Ok(credentials) => {
                    outcome.key_id = Some(credentials.access_key_id.clone());
                    Some(credentials)
                }
                Err((cause, id)) => {
                    if atomic.is_some() {
                        outcome.key_id = id;
                        outcome.failure = Some(cause);
                    }
                    None
                }
            }
        }
        None => None,
    };
    outcome.fork = Some(Fork {
        bucket: name.to_owned(),
        credentials,
    });
    outcome
}

/// Removes `forks` (its key if any, then the bucket with force), at most `limit` at a time;
/// returns every failure line of `teardownForks` in fork order.
async fn remove_forks<O: TigrisOps>(ops: &O, forks: &[Fork], limit: usize) -> Vec<String> {
    let task = |i: usize| -> LinesTask<'_> {
        // Every index is one of `forks`.
        let (bucket, credentials) = forks.get(i).map_or(("", None), |f: &Fork| {
            (f.bucket.as_str(), f.credentials.as_ref())
        });
        Box::pin(remove_with_key(
            ops,
            bucket,
            credentials,
            "Failed to delete fork",
        ))
    };
    let mut lines = Vec::new();
    for fork_lines in run_lines(forks.len(), limit, &task).await {
        let Some(mut fork_lines) = fork_lines else {
            continue;
        };
        lines.append(&mut fork_lines);
    }
    lines
}

/// `TeardownForksOptions` (without `config`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TeardownForksOptions {
    /// `concurrency`; default 16 (more than [`MAX_FORKS`] acts as [`MAX_FORKS`]).
    pub concurrency: Option<PositiveInt>,
    /// `deleteSnapshot`: once every fork is gone, delete `forkSet.snapshotId` of the base too.
    pub delete_snapshot: bool,
}

/// Revokes every fork's key, then deletes the fork with force, for all forks concurrently (at
/// most `concurrency` at a time). Best effort: every fork is attempted and every failure is
/// listed, in fork order, in one `Fork teardown completed with errors:` message. The base bucket
/// stays; so does the snapshot, unless `delete_snapshot` is set: then it is deleted after the
/// last fork, or, when a fork could not be deleted, skipped with the last line `Skipped deleting
/// snapshot <id> of "<base>": a fork could not be deleted` (a failed deletion reads `Failed to
/// delete snapshot <id> of "<base>": <m>`).
pub async fn teardown_forks<O: TigrisOps>(
    ops: &O,
    set: &Forks,
    options: &TeardownForksOptions,
) -> Result<(), WorkflowError> {
    let limit = concurrency_limit(options.concurrency);
    if set.forks.len() > MAX_FORKS as usize {
        return Err(WorkflowError::invalid(format!(
            "forkSet.forks must have at most {MAX_FORKS} entries"
        )));
    }
    let mut errors = remove_forks(ops, &set.forks, limit).await;
    if options.delete_snapshot {
        let (base, id) = (set.base_bucket.as_str(), set.snapshot_id.as_str());
        let failure = if errors.is_empty() {
            delete_snapshot(ops, base, id)
                .await
                .err()
                .map(|m| ("Failed to delete snapshot ", m))
        } else {
            Some((
                "Skipped deleting snapshot ",
                "a fork could not be deleted".to_owned(),
            ))
        };
        if let Some((what, message)) = failure {
            errors.push(prefixed(&about_snapshot(what, id), base, &message));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(WorkflowError::partial(
            "Fork teardown completed with errors:",
            &errors,
        ))
    }
}

/// Deletes snapshot `id` of `base`; an invalid base name is a failure (no request is sent for it).
async fn delete_snapshot<O: TigrisOps>(ops: &O, base: &str, id: &str) -> Result<(), String> {
    BucketName::check(base)?;
    ops.delete_snapshot(base, id).await.map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::client::test_runtime::{answer, ScriptedRuntime};
    use crate::client::TigrisClient;
    use crate::config::{ConfigInput, NoEnvironment};
    use crate::ops::ErrorCode;
    use crate::workflows::fake::{block_on, bucket, FakeOps, SECRET};

    fn n(value: f64) -> PositiveInt {
        PositiveInt::from_js(value, f64::MAX, "n").unwrap()
    }

    fn forks(value: f64) -> ForkCount {
        ForkCount::from_js(value).unwrap()
    }

    /// `createForks("data", count, options)` on `ops`.
    fn fork_data(
        ops: &FakeOps,
        count: f64,
        options: &CreateForksOptions,
    ) -> Result<Forks, WorkflowError> {
        block_on(create_forks(ops, &bucket("data"), forks(count), options))
    }

    fn options(concurrency: f64, role: Option<Role>) -> CreateForksOptions {
        CreateForksOptions {
            prefix: Some("eval".into()),
            credentials: role,
            concurrency: Some(n(concurrency)),
            atomic: false,
        }
    }

    fn names(set: &Forks) -> Vec<&str> {
        set.forks.iter().map(|f| f.bucket.as_str()).collect()
    }

    #[test]
    fn one_snapshot_then_forks_with_keys() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 3.0, &options(1.0, Some(Role::ReadOnly))).unwrap();
        assert_eq!(set.base_bucket, "data");
        assert_eq!(set.snapshot_id, "1751631910196672425");
        assert_eq!(names(&set), ["eval-0", "eval-1", "eval-2"]);
        assert_eq!(
            ops.calls(),
            [
                "create_snapshot data name=-",
                "create_bucket eval-0 fork_of=data@1751631910196672425",
                "create_access_key eval-0-key eval-0 ReadOnly",
                "create_bucket eval-1 fork_of=data@1751631910196672425",
                "create_access_key eval-1-key eval-1 ReadOnly",
                "create_bucket eval-2 fork_of=data@1751631910196672425",
                "create_access_key eval-2-key eval-2 ReadOnly",
            ]
        );
        let creds = set.forks[2].credentials.clone().unwrap();
        assert_eq!(creds.access_key_id, "tid_eval-2-key");
        assert!(creds.secret_access_key.expose().starts_with(SECRET));
    }

    #[test]
    fn default_prefix_uses_the_clock_and_no_credentials() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 2.0, &CreateForksOptions::default()).unwrap();
        assert_eq!(
            names(&set),
            ["data-fork-1764000000123-0", "data-fork-1764000000123-1"]
        );
        assert!(set.forks.iter().all(|f| f.credentials.is_none()));
    }

    #[test]
    fn third_fork_failing_keeps_exactly_forks_0_and_1_and_deletes_the_rest() {
        for concurrency in [1.0, 2.0, 4.0, 16.0] {
            let ops = FakeOps::new().with_bucket("data");
            ops.fail(
                "create_bucket eval-2 ",
                ErrorCode::BucketAlreadyExists,
                "Unable to create bucket taken",
            );
            // Later forks finish before fork 2 fails, so they complete "anyway".
            ops.delay("create_bucket eval-2 ", 5);
            let set = fork_data(&ops, 6.0, &options(concurrency, Some(Role::Editor))).unwrap();
            assert_eq!(
                names(&set),
                ["eval-0", "eval-1"],
                "concurrency {concurrency}"
            );
            assert!(set.forks.iter().all(|f| f.credentials.is_some()));
            assert_eq!(
                ops.buckets(),
                ["data", "eval-0", "eval-1"],
                "concurrency {concurrency}"
            );
            assert_eq!(
                ops.key_names(),
                ["eval-0-key", "eval-1-key"],
                "concurrency {concurrency}"
            );
            let started: Vec<String> = ops
                .calls()
                .into_iter()
                .filter(|c| c.starts_with("create_bucket"))
                .collect();
            if concurrency == 1.0 {
                assert_eq!(started.len(), 3, "sequential stops at the failure");
            }
        }
    }

    #[test]
    fn extra_forks_are_deleted_with_their_keys() {
        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_bucket eval-1 ",
            ErrorCode::ServerError,
            "Unable to create bucket boom",
        );
        ops.delay("create_bucket eval-1 ", 10);
        let set = fork_data(&ops, 4.0, &options(4.0, Some(Role::Editor))).unwrap();
        assert_eq!(names(&set), ["eval-0"]);
        let calls = ops.calls();
        for extra in ["eval-2", "eval-3"] {
            let revoke = calls
                .iter()
                .position(|c| *c == format!("remove_access_key tid_{extra}-key"))
                .unwrap();
            let delete = calls
                .iter()
                .position(|c| *c == format!("remove_bucket {extra}"))
                .unwrap();
            assert!(revoke < delete);
        }
        assert_eq!(ops.buckets(), ["data", "eval-0"]);
        assert_eq!(ops.key_names(), ["eval-0-key"]);
    }

    #[test]
    fn no_new_fork_starts_after_the_first_failure() {
        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_bucket eval-0 ",
            ErrorCode::ServerError,
            "Unable to create bucket nope",
        );
        let err = fork_data(&ops, 50.0, &options(2.0, None)).unwrap_err();
        assert_eq!(err.message, "Failed to create any forks");
        assert_eq!(err.code, ErrorCode::ServerError, "fork 0's code");
        let started = ops
            .calls()
            .iter()
            .filter(|c| c.starts_with("create_bucket"))
            .count();
        assert!(started <= 3, "{started}");
        assert_eq!(
            ops.buckets(),
            ["data"],
            "fork 1 completed anyway and was deleted"
        );
    }

    #[test]
    fn concurrency_bound_is_respected() {
        for (concurrency, count) in [(1.0, 8.0), (3.0, 8.0), (16.0, 40.0), (100.0, 5.0)] {
            let ops = FakeOps::new().with_bucket("data");
            ops.delay("create_bucket", 3);
            fork_data(&ops, count, &options(concurrency, None)).unwrap();
            let peak = ops.state.borrow().peak_in_flight;
            assert_eq!(
                peak,
                (concurrency as usize).min(count as usize),
                "{concurrency}/{count}"
            );
        }
        let ops = FakeOps::new().with_bucket("data");
        ops.delay("create_bucket", 3);
        let opts = CreateForksOptions {
            prefix: Some("eval".into()),
            ..Default::default()
        };
        fork_data(&ops, 40.0, &opts).unwrap();
        assert_eq!(ops.state.borrow().peak_in_flight, DEFAULT_CONCURRENCY);
    }

    #[test]
    fn a_failed_key_leaves_that_fork_without_credentials() {
        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_access_key eval-1-key",
            ErrorCode::ServerError,
            "iam is down",
        );
        let set = fork_data(&ops, 3.0, &options(2.0, Some(Role::Editor))).unwrap();
        assert_eq!(names(&set), ["eval-0", "eval-1", "eval-2"]);
        assert!(set.forks[0].credentials.is_some());
        assert!(set.forks[1].credentials.is_none());
        assert!(set.forks[2].credentials.is_some());
    }

    #[test]
    fn snapshot_failure_names_the_base() {
        let ops = FakeOps::new().with_bucket("data");
        ops.fail(
            "create_snapshot",
            ErrorCode::SnapshotsNotEnabled,
            "Unable to create bucket snapshot Snapshots are not enabled on bucket data",
        );
        let err = fork_data(&ops, 2.0, &options(2.0, None)).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to snapshot bucket \"data\": Unable to create bucket snapshot Snapshots are not enabled on bucket data"
        );
        assert_eq!(ops.calls().len(), 1);
    }

    #[test]
    fn invalid_arguments_fail_before_any_request() {
        let ops = FakeOps::new().with_bucket("data");
        let bad = |count, options| fork_data(&ops, count, options).unwrap_err().message;
        let ok = options(2.0, None);
        for count in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                ForkCount::from_js(count).unwrap_err().message,
                "count must be a positive integer",
                "{count}"
            );
        }
        for count in [1001.0, 2f64.powi(40), f64::MAX] {
            let err = ForkCount::from_js(count).unwrap_err();
            assert_eq!(err.message, "count must be at most 1000", "{count}");
            assert_eq!(err.code, ErrorCode::InvalidArgument);
        }
        assert_eq!(forks(1000.0).get(), 1000);
        for concurrency in [0.0, 0.5, -2.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                PositiveInt::from_js(concurrency, f64::MAX, "options.concurrency")
                    .unwrap_err()
                    .message,
                "options.concurrency must be a positive integer"
            );
        }
        assert_eq!(
            base_bucket("Data").unwrap_err().message,
            "Failed to snapshot bucket \"Data\": Invalid bucket name \"Data\": may contain only lowercase letters, digits, dots and hyphens"
        );
        let long = CreateForksOptions {
            prefix: Some("p".repeat(61)),
            ..ok.clone()
        };
        assert_eq!(
            bad(11.0, &long),
            format!(
                "Invalid bucket name \"{}-10\": must be between 3 and 63 characters long",
                "p".repeat(61)
            )
        );
        assert!(ops.calls().is_empty());
    }

    #[test]
    fn teardown_revokes_then_deletes_every_fork() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 3.0, &options(3.0, Some(Role::Editor))).unwrap();
        let before = ops.calls().len();
        block_on(teardown_forks(&ops, &set, &TeardownForksOptions::default())).unwrap();
        let calls = ops.calls()[before..].to_vec();
        assert_eq!(calls.len(), 6);
        for fork in ["eval-0", "eval-1", "eval-2"] {
            let revoke = calls
                .iter()
                .position(|c| *c == format!("remove_access_key tid_{fork}-key"))
                .unwrap();
            let delete = calls
                .iter()
                .position(|c| *c == format!("remove_bucket {fork}"))
                .unwrap();
            assert!(revoke < delete);
        }
        assert_eq!(ops.buckets(), ["data"], "the base stays");
        assert!(ops.key_names().is_empty());
        assert!(!calls.iter().any(|c| c.contains("snapshot")));
    }

    #[test]
    fn teardown_aggregates_failures_in_fork_order_and_continues() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 4.0, &options(4.0, Some(Role::Editor))).unwrap();
        ops.fail(
            "remove_bucket eval-1",
            ErrorCode::ServerError,
            "Unable to remove bucket disk on fire",
        );
        ops.fail(
            "remove_access_key tid_eval-3-key",
            ErrorCode::ServerError,
            "iam is down",
        );
        ops.fail(
            "remove_bucket eval-3",
            ErrorCode::ServerError,
            "Unable to remove bucket nope",
        );
        ops.delay("remove_bucket eval-1", 4);
        let err = block_on(teardown_forks(&ops, &set, &at_most(2.0))).unwrap_err();
        assert_eq!(
            err.message,
            "Fork teardown completed with errors:\n\
             Failed to delete fork \"eval-1\": Unable to remove bucket disk on fire\n\
             Failed to remove access key for \"eval-3\": iam is down\n\
             Failed to delete fork \"eval-3\": Unable to remove bucket nope"
        );
        assert!(!err.message.contains(SECRET));
        assert_eq!(ops.buckets(), ["data", "eval-1", "eval-3"]);
        assert_eq!(ops.key_names(), ["eval-3-key"]);
    }

    #[test]
    fn teardown_bound_is_respected() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 20.0, &options(20.0, None)).unwrap();
        ops.state.borrow_mut().peak_in_flight = 0;
        ops.delay("remove_bucket", 3);
        block_on(teardown_forks(&ops, &set, &at_most(5.0))).unwrap();
        assert_eq!(ops.state.borrow().peak_in_flight, 5);
        assert_eq!(ops.buckets(), ["data"]);
    }

    /// Teardown options with `concurrency` and without `deleteSnapshot`.
    fn at_most(concurrency: f64) -> TeardownForksOptions {
        TeardownForksOptions {
            concurrency: Some(n(concurrency)),
            delete_snapshot: false,
        }
    }

    const RELEASE: TeardownForksOptions = TeardownForksOptions {
        concurrency: None,
        delete_snapshot: true,
    };

    #[test]
    fn delete_snapshot_runs_after_the_last_fork() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 3.0, &options(3.0, Some(Role::Editor))).unwrap();
        ops.delay("remove_bucket eval-2", 3);
        let before = ops.calls().len();
        block_on(teardown_forks(&ops, &set, &RELEASE)).unwrap();
        let calls = ops.calls()[before..].to_vec();
        assert_eq!(calls.len(), 7);
        assert_eq!(calls[6], "delete_snapshot data 1751631910196672425");
        assert_eq!(ops.buckets(), ["data"], "the base stays");
    }

    #[test]
    fn delete_snapshot_is_skipped_when_a_fork_stays() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 2.0, &options(2.0, None)).unwrap();
        ops.fail(
            "remove_bucket eval-0",
            ErrorCode::ServerError,
            "Unable to remove bucket busy",
        );
        let err = block_on(teardown_forks(&ops, &set, &RELEASE)).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                ErrorCode::PartialFailure,
                "Fork teardown completed with errors:\n\
                 Failed to delete fork \"eval-0\": Unable to remove bucket busy\n\
                 Skipped deleting snapshot 1751631910196672425 of \"data\": a fork could not be deleted"
            )
        );
        assert!(!ops.calls().iter().any(|c| c.starts_with("delete_snapshot")));
    }

    #[test]
    fn a_failed_snapshot_deletion_is_the_last_line() {
        let ops = FakeOps::new().with_bucket("data");
        let set = fork_data(&ops, 1.0, &options(1.0, None)).unwrap();
        ops.fail(
            "delete_snapshot data",
            ErrorCode::AccessDenied,
            "Unable to delete bucket snapshot denied",
        );
        let err = block_on(teardown_forks(&ops, &set, &RELEASE)).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                ErrorCode::PartialFailure,
                "Fork teardown completed with errors:\n\
                 Failed to delete snapshot 1751631910196672425 of \"data\": Unable to delete bucket snapshot denied"
            )
        );
        assert_eq!(ops.buckets(), ["data"]);
        // An invalid base name is a failure line too, with no request for it.
        let set = Forks {
            base_bucket: "No_Such".into(),
            snapshot_id: "7".into(),
            forks: Vec::new(),
        };
        let before = ops.calls().len();
        let err = block_on(teardown_forks(&ops, &set, &RELEASE)).unwrap_err();
        assert_eq!(
            err.message,
            "Fork teardown completed with errors:\n\
             Failed to delete snapshot 7 of \"No_Such\": Invalid bucket name \"No_Such\": \
             may contain only lowercase letters, digits, dots and hyphens"
        );
        assert_eq!(ops.calls().len(), before);
    }

    /// A client whose every request is refused (403) with an answer that echoes `echo`, in the
    /// XML `<Message>` (S3 transport) and in the status text (JSON transport).
    fn echoing_client(echo: &str) -> TigrisClient<ScriptedRuntime> {
        let refusal = || {
            let mut r = answer(
                403,
                &[],
                &format!(
                    "<Error><Code>AccessDenied</Code><Message>denied {echo}</Message></Error>"
                ),
            );
            r.status_text = format!("Forbidden {echo}");
            Ok(r)
        };
        let config = ConfigInput {
            access_key_id: Some("tid_canary".into()),
            secret_access_key: Some(SECRET.into()),
            endpoint: Some("http://127.0.0.1:9".into()),
            ..ConfigInput::default()
        };
        let script = (0..64).map(|_| refusal()).collect();
        TigrisClient::new(config, &NoEnvironment, ScriptedRuntime::new(script))
    }

    #[test]
    fn no_message_carries_a_secret() {
        // The server's answers quote the secret key (and the webhook token): every message the
        // workflows return would contain them if the client's scrubbing were broken.
        const TOKEN: &str = "whk_CANARY_TOKEN_0987";
        let c = echoing_client(SECRET);
        let set = Forks {
            base_bucket: "data".into(),
            snapshot_id: "1".into(),
            forks: vec![Fork {
                bucket: "eval-0".into(),
                credentials: Some(Credentials {
                    access_key_id: "tid_eval-0-key".into(),
                    secret_access_key: SECRET.into(),
                }),
            }],
        };
        let ws = crate::workflows::workspace::Workspace {
            bucket: "eval-0".into(),
            credentials: set.forks[0].credentials.clone(),
        };
        let mut messages = vec![
            block_on(teardown_forks(&c, &set, &TeardownForksOptions::default()))
                .unwrap_err()
                .message,
            block_on(create_forks(
                &c,
                &bucket("data"),
                forks(3.0),
                &options(3.0, Some(Role::Editor)),
            ))
            .unwrap_err()
            .message,
            block_on(crate::workflows::workspace::teardown_workspace(&c, &ws))
                .unwrap_err()
                .message,
        ];
        let c = echoing_client(&format!("{SECRET} {TOKEN}"));
        let setup = crate::workflows::coordination::SetupCoordinationOptions {
            webhook_url: Some("https://example.com/hook".into()),
            filter: None,
            auth: Some(crate::workflows::coordination::WebhookAuthInput {
                token: Some(TOKEN.into()),
                ..Default::default()
            }),
        };
        messages.push(
            block_on(crate::workflows::coordination::setup_coordination(
                &c,
                &bucket("data"),
                &setup,
            ))
            .unwrap_err()
            .message,
        );
        for message in &messages {
            assert!(
                message.contains("******"),
                "the secret was quoted: {message}"
            );
            assert!(
                !message.contains(SECRET) && !message.contains(TOKEN),
                "{message}"
            );
        }
        let shown = format!("{set:?}{ws:?}{setup:?}");
        assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
    }
}
