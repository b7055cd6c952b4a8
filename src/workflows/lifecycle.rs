//! `listForks`, `mergeFork`, `rebaseFork` and `deleteCheckpoint`: what comes after a fork — see
//! which forks a bucket has, merge one back into its base or refresh it from its base, and
//! release the snapshots forks pin (docs/protocol.md §5.13). Every snapshot a merge or rebase
//! takes is an ordinary snapshot of the base: `listCheckpoints` lists it and `deleteCheckpoint`
//! releases it.

use super::bucket_name::{bucket_in, BucketName};
use super::{phrase, PositiveInt, WorkflowError};
use crate::ops::{BucketListing, ForkParent, ListedBucket, TigrisOps};

/// `ForkInfo`: one direct fork and its lineage, as the server reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct ForkInfo {
    /// `bucket`: the fork.
    pub bucket: String,
    /// `baseBucket`: its direct parent.
    pub base_bucket: String,
    /// `snapshotId`: the parent's snapshot the fork was made from (`""` when the server gave none).
    pub snapshot_id: String,
    /// `createdAt` in ms since the epoch: the fork's `ForkCreatedAt`, else the bucket's
    /// `CreationDate`; absent (an invalid `Date`) when the server gave neither.
    pub created_at_ms: Option<f64>,
}

/// `ListForksOptions` (without `config`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListForksOptions {
    /// `limit`: forks per page.
    pub limit: Option<PositiveInt>,
    /// `paginationToken` from a previous page.
    pub pagination_token: Option<String>,
}

/// `ListForksResponse`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForkPage {
    /// `forks`, in the server's order.
    pub forks: Vec<ForkInfo>,
    /// `paginationToken` for the next page, when there is one.
    pub pagination_token: Option<String>,
}

/// Every `listForks` failure reads `Failed to list forks of "<bucket>": …`.
const LIST_FAILED: &str = "Failed to list forks of";

/// Every `rebaseFork` failure reads `Failed to rebase fork "<fork>": …`.
const REBASE_FAILED: &str = "Failed to rebase fork";

/// Message for a snapshot id that is empty or cannot travel in a header.
const INVALID_SNAPSHOT_ID: &str = "Invalid snapshot id";

/// `Failed to merge fork "<fork>" into`: the phrase before the base in every `mergeFork` failure.
fn merge_failed(fork: &str) -> String {
    phrase("Failed to merge fork \"", fork, "\" into")
}

/// `<what><id> of` (`what` ends with a space): the phrase before the bucket in a message about
/// one of its snapshots (`Failed to delete checkpoint <id> of "<bucket>": …`).
pub(crate) fn about_snapshot(what: &str, id: &str) -> String {
    phrase(what, id, " of")
}

/// The `baseBucket` of `listForks`, validated (a name error under the `listForks` prefix).
pub fn listed_base(base: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(base, LIST_FAILED, base)
}

/// The `fork` and `baseBucket` of `mergeFork`, validated in that order (a name error under the
/// `mergeFork` prefix).
pub fn merge_buckets(fork: &str, base: &str) -> Result<(BucketName, BucketName), WorkflowError> {
    let phrase = merge_failed(fork);
    Ok((
        bucket_in(fork, &phrase, base)?,
        bucket_in(base, &phrase, base)?,
    ))
}

/// The `fork` of `rebaseFork`, validated (a name error under the `rebaseFork` prefix).
pub fn rebased_fork(fork: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(fork, REBASE_FAILED, fork)
}

/// The `bucket` and `snapshotId` of `deleteCheckpoint`, validated in that order: a name error or
/// `Invalid snapshot id` (empty, or not printable ASCII without spaces: it is sent as a header
/// value; real ids are decimal digits) under the `deleteCheckpoint` prefix.
pub fn checkpoint_to_delete(bucket: &str, snapshot_id: &str) -> Result<BucketName, WorkflowError> {
    let phrase = about_snapshot("Failed to delete checkpoint ", snapshot_id);
    let bucket = bucket_in(bucket, &phrase, bucket)?;
    if snapshot_id.is_empty() || !snapshot_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(WorkflowError::invalid_in(
            &phrase,
            bucket.as_str(),
            INVALID_SNAPSHOT_ID,
        ));
    }
    Ok(bucket)
}

/// One page of the direct forks of `base`, with the server's lineage, in the server's order.
/// A base with no forks (or one the listing does not know) gives an empty page.
///
/// When the server lists buckets but none carries `ForkInfo` (it ignored `X-Tigris-Fork`), this
/// does what the SDK does instead: it pages through every bucket with its lineage and keeps those
/// whose parents include `base`; `limit` and `paginationToken` then apply to that filtered list
/// (bucket listings are in name order, so the token is the last fork's name), and a server that
/// answers the token it was sent ends the walk. Fails with `Failed to list forks of "<base>":
/// <m>`.
pub async fn list_forks<O: TigrisOps>(
    ops: &O,
    base: &BucketName,
    options: &ListForksOptions,
) -> Result<ForkPage, WorkflowError> {
    let base = base.as_str();
    let limit = options.limit.map(|l| l.get().get());
    let mut listing = BucketListing::ForksOf { base, limit };
    let mut token = options.pagination_token.clone();
    // The fallback walk: bucket listings are in name order, so it only moves forward from the
    // caller's token and a page the server repeats lists nothing twice.
    let mut last = token.clone().unwrap_or_default();
    let mut forks = Vec::new();
    loop {
        let page = ops
            .list_buckets(listing, token.as_deref())
            .await
            .map_err(|e| WorkflowError::operation(LIST_FAILED, base, &e))?;
        if let BucketListing::ForksOf { .. } = listing {
            if page.buckets.is_empty() || page.buckets.iter().any(|b| b.parents.is_some()) {
                for b in &page.buckets {
                    let parent = b.parents.as_deref().and_then(<[ForkParent]>::first);
                    forks.push(fork_info(b, parent, base));
                }
                return Ok(ForkPage {
                    forks,
                    pagination_token: page.continuation_token,
                });
            }
            // The server ignored `X-Tigris-Fork`: walk every bucket with its lineage instead.
            listing = BucketListing::WithForkInfo;
            token = None;
            continue;
        }
        for b in &page.buckets {
            if b.name <= last {
                continue;
            }
            last.clone_from(&b.name);
            for parent in b.parents.iter().flatten() {
                if parent.bucket == base {
                    forks.push(fork_info(b, Some(parent), base));
                    break;
                }
            }
        }
        match page.continuation_token {
            Some(next) if token.as_ref() != Some(&next) => token = Some(next),
            _ => break,
        }
    }
    let limit = limit.map_or(usize::MAX, |l| l as usize);
    let pagination_token = (forks.len() > limit)
        .then(|| forks.get(limit - 1).map(|f: &ForkInfo| f.bucket.clone()))
        .flatten();
    forks.truncate(limit);
    Ok(ForkPage {
        forks,
        pagination_token,
    })
}

/// A listed bucket as a [`ForkInfo`] with `parent`'s lineage (`base` when the server gave none).
fn fork_info(bucket: &ListedBucket, parent: Option<&ForkParent>, base: &str) -> ForkInfo {
    ForkInfo {
        bucket: bucket.name.clone(),
        base_bucket: parent.map_or(base, |p| p.bucket.as_str()).to_owned(),
        snapshot_id: parent.map(|p| p.snapshot.clone()).unwrap_or_default(),
        created_at_ms: parent.and_then(|p| p.forked_at_ms).or(bucket.created_at_ms),
    }
}

/// Merges `fork` into `base`, its direct parent; returns the snapshot of `base` the server took
/// after the merge. A bucket that is not a direct fork of `base` is refused by the server
/// (`InvalidArgument`, nothing changed). Fails with `Failed to merge fork "<fork>" into "<base>":
/// <m>`.
pub async fn merge_fork<O: TigrisOps>(
    ops: &O,
    fork: &BucketName,
    base: &BucketName,
) -> Result<String, WorkflowError> {
    ops.merge_fork(fork.as_str(), base.as_str())
        .await
        .map_err(|e| WorkflowError::operation(&merge_failed(fork.as_str()), base.as_str(), &e))
}

/// Moves `fork` onto a new snapshot of its parent, keeping its own changes; returns that
/// snapshot. Fails with `Failed to rebase fork "<fork>": <m>`.
pub async fn rebase_fork<O: TigrisOps>(
    ops: &O,
    fork: &BucketName,
) -> Result<String, WorkflowError> {
    ops.rebase_fork(fork.as_str())
        .await
        .map_err(|e| WorkflowError::operation(REBASE_FAILED, fork.as_str(), &e))
}

/// Deletes the snapshot `snapshot_id` of `bucket` (the bucket stays). Retrying after a lost
/// attempt is safe: a `NotFound` then counts as done. Fails with `Failed to delete checkpoint
/// <id> of "<bucket>": <m>`.
pub async fn delete_checkpoint<O: TigrisOps>(
    ops: &O,
    bucket: &BucketName,
    snapshot_id: &str,
) -> Result<(), WorkflowError> {
    let bucket = bucket.as_str();
    ops.delete_snapshot(bucket, snapshot_id).await.map_err(|e| {
        WorkflowError::operation(
            &about_snapshot("Failed to delete checkpoint ", snapshot_id),
            bucket,
            &e,
        )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ops::{ErrorCode, ForkParent, ListedBucket};
    use crate::workflows::fake::{block_on, bucket, FakeOps};

    /// `n` forks of `base`, `f-00 … f-<n-1>`, between buckets that are not its forks.
    fn listed(ops: &FakeOps, base: &str, n: usize) {
        let mut s = ops.state.borrow_mut();
        s.listed.push(ListedBucket {
            name: "a-other".into(),
            created_at_ms: Some(1.0),
            parents: Some(Vec::new()),
        });
        for i in 0..n {
            s.listed.push(ListedBucket {
                name: format!("f-{i:02}"),
                created_at_ms: Some(1000.0 + i as f64),
                parents: Some(vec![ForkParent {
                    bucket: base.into(),
                    snapshot: format!("snap-{i}"),
                    forked_at_ms: Some(2000.0 + i as f64),
                }]),
            });
        }
        s.listed.push(ListedBucket {
            name: "z-grandchild".into(),
            created_at_ms: None,
            parents: Some(vec![ForkParent {
                bucket: "f-00".into(),
                snapshot: "s".into(),
                forked_at_ms: None,
            }]),
        });
    }

    fn limit(n: f64) -> Option<PositiveInt> {
        Some(PositiveInt::from_js(n, f64::MAX, "options.limit").unwrap())
    }

    /// Walks every page of `listForks("data", {limit})`.
    fn walk(ops: &FakeOps, per_page: f64) -> Vec<ForkPage> {
        let mut pages = Vec::new();
        let mut token = None;
        loop {
            let options = ListForksOptions {
                limit: limit(per_page),
                pagination_token: token,
            };
            let page = block_on(list_forks(ops, &bucket("data"), &options)).unwrap();
            token = page.pagination_token.clone();
            pages.push(page);
            if token.is_none() {
                return pages;
            }
        }
    }

    fn names(pages: &[ForkPage]) -> Vec<usize> {
        pages.iter().map(|p| p.forks.len()).collect()
    }

    #[test]
    fn lists_direct_forks_page_by_page_with_their_lineage() {
        let ops = FakeOps::new();
        listed(&ops, "data", 25);
        let pages = walk(&ops, 10.0);
        assert_eq!(names(&pages), [10, 10, 5]);
        let all: Vec<&ForkInfo> = pages.iter().flat_map(|p| &p.forks).collect();
        for (i, fork) in all.iter().enumerate() {
            assert_eq!(
                **fork,
                ForkInfo {
                    bucket: format!("f-{i:02}"),
                    base_bucket: "data".into(),
                    snapshot_id: format!("snap-{i}"),
                    created_at_ms: Some(2000.0 + i as f64),
                }
            );
        }
        assert_eq!(
            ops.calls()[1],
            "list_buckets ForksOf { base: \"data\", limit: Some(10) } token=Some(\"f-09\")"
        );
        assert!(!ops.calls().iter().any(|c| c.contains("WithForkInfo")));
    }

    #[test]
    fn without_a_fork_time_the_creation_date_is_used() {
        let ops = FakeOps::new();
        listed(&ops, "data", 2);
        ops.state.borrow_mut().listed[1].parents.as_mut().unwrap()[0].forked_at_ms = None;
        let page = block_on(list_forks(
            &ops,
            &bucket("data"),
            &ListForksOptions::default(),
        ));
        let forks = page.unwrap().forks;
        assert_eq!(forks[0].created_at_ms, Some(1000.0));
        assert_eq!(forks[1].created_at_ms, Some(2001.0));
        // An entry listed without any parent: it is a fork of the base the listing was asked
        // for, and no snapshot or time is invented.
        let bare = ListedBucket {
            name: "f-x".into(),
            created_at_ms: None,
            parents: Some(Vec::new()),
        };
        assert_eq!(
            fork_info(&bare, None, "data"),
            ForkInfo {
                bucket: "f-x".into(),
                base_bucket: "data".into(),
                snapshot_id: String::new(),
                created_at_ms: None,
            }
        );
    }

    #[test]
    fn no_forks_is_an_empty_page() {
        let ops = FakeOps::new();
        let page = block_on(list_forks(
            &ops,
            &bucket("data"),
            &ListForksOptions::default(),
        ));
        assert_eq!(page.unwrap(), ForkPage::default());
        assert_eq!(
            ops.calls().len(),
            1,
            "an empty listing is not a reason to page further"
        );
    }

    #[test]
    fn a_server_ignoring_the_fork_header_is_paged_through() {
        let ops = FakeOps::new();
        listed(&ops, "data", 25);
        ops.state.borrow_mut().ignores_fork_header = true;
        ops.state.borrow_mut().listing_page = 4;
        let pages = walk(&ops, 10.0);
        assert_eq!(names(&pages), [10, 10, 5]);
        let all: Vec<String> = pages
            .iter()
            .flat_map(|p| p.forks.iter().map(|f| f.bucket.clone()))
            .collect();
        let expected: Vec<String> = (0..25).map(|i| format!("f-{i:02}")).collect();
        assert_eq!(
            all, expected,
            "every fork once, no grandchild, no other bucket"
        );
        assert_eq!(pages[2].forks[4].snapshot_id, "snap-24");
        // Each page walks the whole listing (27 buckets, 4 per page) after the caller's token.
        let fallbacks = ops
            .calls()
            .iter()
            .filter(|c| c.starts_with("list_buckets WithForkInfo token=None"))
            .count();
        assert_eq!(fallbacks, 3);
        assert_eq!(ops.calls().len(), 3 + 3 * 7);
    }

    #[test]
    fn a_server_repeating_its_token_ends_the_walk() {
        let ops = FakeOps::new();
        listed(&ops, "data", 3);
        ops.state.borrow_mut().ignores_fork_header = true;
        ops.state.borrow_mut().stuck_token = Some("a-other".into());
        let page = block_on(list_forks(
            &ops,
            &bucket("data"),
            &ListForksOptions::default(),
        ));
        assert_eq!(page.unwrap().forks.len(), 3);
        assert_eq!(
            ops.calls()[1..],
            [
                "list_buckets WithForkInfo token=None",
                "list_buckets WithForkInfo token=Some(\"a-other\")"
            ]
        );
    }

    #[test]
    fn listing_failures_carry_the_prefix() {
        let ops = FakeOps::new();
        ops.fail(
            "list_buckets ForksOf",
            ErrorCode::AccessDenied,
            "Unable to list buckets Access Denied",
        );
        let err = block_on(list_forks(
            &ops,
            &bucket("data"),
            &ListForksOptions::default(),
        ));
        assert_eq!(
            err.map_err(|e| (e.code, e.message)),
            Err((
                ErrorCode::AccessDenied,
                "Failed to list forks of \"data\": Unable to list buckets Access Denied".into()
            ))
        );
        let ops = FakeOps::new();
        listed(&ops, "data", 1);
        ops.state.borrow_mut().ignores_fork_header = true;
        ops.fail(
            "list_buckets WithForkInfo",
            ErrorCode::ServerError,
            "Bad Gateway",
        );
        let err = block_on(list_forks(
            &ops,
            &bucket("data"),
            &ListForksOptions::default(),
        ));
        assert_eq!(
            err.unwrap_err().message,
            "Failed to list forks of \"data\": Bad Gateway"
        );
    }

    #[test]
    fn merge_and_rebase_return_the_snapshot_or_the_prefixed_error() {
        let ops = FakeOps::new();
        let (fork, base) = merge_buckets("eval-1", "data").unwrap();
        let merged = block_on(merge_fork(&ops, &fork, &base)).unwrap();
        assert_eq!(merged, "1751631910196672425");
        assert_eq!(block_on(rebase_fork(&ops, &fork)).unwrap(), merged);
        assert_eq!(
            ops.calls(),
            ["merge_fork eval-1 data", "rebase_fork eval-1"]
        );
        ops.fail(
            "merge_fork",
            ErrorCode::InvalidArgument,
            "Bucket eval-1 is not a direct fork of bucket data",
        );
        ops.fail("rebase_fork", ErrorCode::NotFound, "Not Found");
        let err = block_on(merge_fork(&ops, &fork, &base)).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                ErrorCode::InvalidArgument,
                "Failed to merge fork \"eval-1\" into \"data\": Bucket eval-1 is not a direct fork of bucket data"
            )
        );
        let err = block_on(rebase_fork(&ops, &fork)).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                ErrorCode::NotFound,
                "Failed to rebase fork \"eval-1\": Not Found"
            )
        );
    }

    #[test]
    fn delete_checkpoint_deletes_one_snapshot() {
        let ops = FakeOps::new();
        let b = checkpoint_to_delete("data", "17").unwrap();
        block_on(delete_checkpoint(&ops, &b, "17")).unwrap();
        ops.fail(
            "delete_snapshot",
            ErrorCode::NotFound,
            "Unable to delete bucket snapshot gone",
        );
        let err = block_on(delete_checkpoint(&ops, &b, "17")).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                ErrorCode::NotFound,
                "Failed to delete checkpoint 17 of \"data\": Unable to delete bucket snapshot gone"
            )
        );
        assert_eq!(
            ops.calls(),
            ["delete_snapshot data 17", "delete_snapshot data 17"]
        );
    }

    #[test]
    fn arguments_are_refused_before_any_request() {
        let cases = [
            (
                listed_base("Data").map(|_| ()),
                "Failed to list forks of \"Data\": Invalid bucket name \"Data\": may contain only lowercase letters, digits, dots and hyphens",
            ),
            (
                merge_buckets("ab", "data").map(|_| ()),
                "Failed to merge fork \"ab\" into \"data\": Invalid bucket name \"ab\": must be between 3 and 63 characters long",
            ),
            (
                merge_buckets("eval-1", "-data").map(|_| ()),
                "Failed to merge fork \"eval-1\" into \"-data\": Invalid bucket name \"-data\": must start and end with a letter or digit",
            ),
            (
                rebased_fork("a..b").map(|_| ()),
                "Failed to rebase fork \"a..b\": Invalid bucket name \"a..b\": must not contain two adjacent dots",
            ),
            (
                checkpoint_to_delete("xn--data", "1").map(|_| ()),
                "Failed to delete checkpoint 1 of \"xn--data\": Invalid bucket name \"xn--data\": must not start with \"xn--\"",
            ),
            (
                checkpoint_to_delete("data", "").map(|_| ()),
                "Failed to delete checkpoint  of \"data\": Invalid snapshot id",
            ),
            (
                checkpoint_to_delete("data", "1 2").map(|_| ()),
                "Failed to delete checkpoint 1 2 of \"data\": Invalid snapshot id",
            ),
            (
                checkpoint_to_delete("data", "1\n2").map(|_| ()),
                "Failed to delete checkpoint 1\n2 of \"data\": Invalid snapshot id",
            ),
        ];
        for (result, message) in cases {
            let err = result.unwrap_err();
            assert_eq!(
                (err.code, err.message.as_str()),
                (ErrorCode::InvalidArgument, message)
            );
        }
        let long = "9".repeat(300);
        let err = checkpoint_to_delete("data", &format!("{long}\u{7f}")).unwrap_err();
        assert!(err.message.len() < 200, "{}", err.message);
    }
}
