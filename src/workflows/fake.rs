//! An in-memory [`TigrisOps`] for the workflow tests: records every call, injects failures,
//! delays chosen calls (to interleave concurrent ones) and has a controllable clock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::client::test_runtime::Shared;
use crate::ops::{
    AccessKey, BucketListing, BucketPage, CreateBucketOptions, Created, ErrorCode, ListedBucket,
    NotificationConfig, ObjectGrant, OpError, PresignedObject, Role, SnapshotPage, TigrisOps,
};
use crate::workflows::BucketName;
use std::collections::{BTreeMap, BTreeSet};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls `future` to completion on this thread (the fake never waits on anything external).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// Returns `Pending` once, letting other concurrent tasks run.
pub(crate) async fn yield_now() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

/// `name` as a valid [`BucketName`] (test names are valid by construction).
pub(crate) fn bucket(name: &str) -> BucketName {
    BucketName::new(name).unwrap()
}

pub(crate) const SECRET: &str = "tsec_CANARY_SECRET_1234567890";

#[derive(Default)]
pub(crate) struct State {
    /// Every call, in the order it started, as a readable line.
    pub calls: Vec<String>,
    pub buckets: BTreeSet<String>,
    /// key id → (key name, bucket).
    pub keys: BTreeMap<String, (String, String)>,
    /// A call whose line starts with the needle fails with that error.
    pub failures: Vec<(String, OpError)>,
    /// A bucket creation whose line starts with the needle has its answer lost: it acts (the
    /// bucket is made unless it exists), then reports the outcome given.
    pub lost: Vec<(String, Lost)>,
    /// Fork → the snapshot it was forked from (`ForkInfo.Parents[0].Snapshot`).
    pub parents: BTreeMap<String, String>,
    /// A call whose line starts with the needle yields this many times first.
    pub delays: Vec<(String, usize)>,
    pub in_flight: usize,
    pub peak_in_flight: usize,
    pub now: f64,
    pub snapshot_version: String,
    pub snapshot_page: SnapshotPage,
    pub no_secret: bool,
    pub notifications: BTreeMap<String, NotificationConfig>,
    /// What the JSON bucket listing lists, in name order, with the lineage the server reports.
    pub listed: Vec<ListedBucket>,
    /// Buckets per page of the `IncludeForkInfo` listing.
    pub listing_page: usize,
    /// The listing ignores `X-Tigris-Fork`: every bucket, without `ForkInfo`.
    pub ignores_fork_header: bool,
    /// Every `IncludeForkInfo` page answers this token (a server stuck on one page).
    pub stuck_token: Option<String>,
}

/// What a bucket creation whose answer was lost reports.
#[derive(Clone, Copy)]
pub(crate) enum Lost {
    /// A retry answered `BucketAlreadyOwnedByYou`: success, made by a lost attempt.
    Owned,
    /// Every attempt timed out.
    Timeout,
}

pub(crate) struct FakeOps {
    pub state: Shared<State>,
}

impl FakeOps {
    pub fn new() -> Self {
        FakeOps {
            state: Shared::new(State {
                now: 1_764_000_000_123.0,
                snapshot_version: "1751631910196672425".into(),
                listing_page: 1000,
                ..State::default()
            }),
        }
    }

    pub fn with_bucket(self, name: &str) -> Self {
        self.state.borrow_mut().buckets.insert(name.into());
        self
    }

    /// Adds `name` as a fork of snapshot `snapshot` that exists before the call.
    pub fn with_fork(self, name: &str, snapshot: &str) -> Self {
        let mut s = self.state.borrow_mut();
        s.buckets.insert(name.into());
        s.parents.insert(name.into(), snapshot.into());
        drop(s);
        self
    }

    /// The answer of the bucket creation matching `needle` is lost, with outcome `lost`.
    pub fn lose(&self, needle: &str, lost: Lost) {
        self.state.borrow_mut().lost.push((needle.into(), lost));
    }

    pub fn fail(&self, needle: &str, code: ErrorCode, message: &str) {
        self.state
            .borrow_mut()
            .failures
            .push((needle.into(), OpError::new(code, message)));
    }

    pub fn delay(&self, needle: &str, yields: usize) {
        self.state.borrow_mut().delays.push((needle.into(), yields));
    }

    pub fn calls(&self) -> Vec<String> {
        self.state.borrow().calls.clone()
    }

    pub fn buckets(&self) -> Vec<String> {
        self.state.borrow().buckets.iter().cloned().collect()
    }

    pub fn key_names(&self) -> Vec<String> {
        self.state
            .borrow()
            .keys
            .values()
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Logs the call, waits its delay, then returns its injected failure, if any.
    async fn enter(&self, line: String) -> Result<(), OpError> {
        let (yields, failure) = {
            let mut s = self.state.borrow_mut();
            s.calls.push(line.clone());
            s.in_flight += 1;
            s.peak_in_flight = s.peak_in_flight.max(s.in_flight);
            let yields = s
                .delays
                .iter()
                .find(|(n, _)| line.starts_with(n.as_str()))
                .map_or(0, |d| d.1);
            let failure = s
                .failures
                .iter()
                .find(|(n, _)| line.starts_with(n.as_str()))
                .map(|f| f.1.clone());
            (yields, failure)
        };
        for _ in 0..yields {
            yield_now().await;
        }
        self.state.borrow_mut().in_flight -= 1;
        failure.map_or(Ok(()), Err)
    }
}

fn not_found() -> OpError {
    OpError::new(ErrorCode::NotFound, "Not Found")
}

impl TigrisOps for FakeOps {
    async fn create_bucket(
        &self,
        name: &str,
        options: &CreateBucketOptions,
    ) -> Result<Created, OpError> {
        let mut line = format!("create_bucket {name}");
        if let Some(access) = options.access {
            line += &format!(" access={access:?}");
        }
        if options.enable_snapshot {
            line += " snapshots";
        }
        if let Some(fork) = &options.fork_of {
            line += &format!(
                " fork_of={}@{}",
                fork.bucket,
                fork.snapshot.as_deref().unwrap_or("now")
            );
        }
        let lost = {
            let s = self.state.borrow();
            s.lost
                .iter()
                .find(|(n, _)| line.starts_with(n.as_str()))
                .map(|l| l.1)
        };
        self.enter(line).await?;
        let mut s = self.state.borrow_mut();
        if let Some(fork) = &options.fork_of {
            if !s.buckets.contains(&fork.bucket) {
                return Err(not_found());
            }
        }
        let made = s.buckets.insert(name.into());
        if made {
            if let Some(fork) = &options.fork_of {
                let snapshot = fork.snapshot.clone().unwrap_or_default();
                s.parents.insert(name.into(), snapshot);
            }
        }
        match lost {
            Some(Lost::Owned) => return Ok(Created::Owned),
            Some(Lost::Timeout) => {
                return Err(OpError::new(
                    ErrorCode::Timeout,
                    "Unable to create bucket Request timed out",
                ))
            }
            None => {}
        }
        if !made {
            return Err(OpError::new(
                ErrorCode::BucketAlreadyExists,
                "Unable to create bucket The requested bucket name is not available.",
            ));
        }
        Ok(Created::Answered)
    }

    async fn fork_parent_snapshot(&self, bucket: &str) -> Result<Option<String>, OpError> {
        self.enter(format!("fork_parent_snapshot {bucket}")).await?;
        let s = self.state.borrow();
        if !s.buckets.contains(bucket) {
            return Err(not_found());
        }
        Ok(s.parents.get(bucket).cloned())
    }

    async fn create_snapshot(&self, bucket: &str, name: Option<&str>) -> Result<String, OpError> {
        self.enter(format!(
            "create_snapshot {bucket} name={}",
            name.unwrap_or("-")
        ))
        .await?;
        Ok(self.state.borrow().snapshot_version.clone())
    }

    async fn list_snapshots(
        &self,
        bucket: &str,
        limit: Option<u32>,
        continuation_token: Option<&str>,
    ) -> Result<SnapshotPage, OpError> {
        self.enter(format!(
            "list_snapshots {bucket} limit={limit:?} token={continuation_token:?}"
        ))
        .await?;
        Ok(self.state.borrow().snapshot_page.clone())
    }

    async fn remove_bucket(&self, name: &str) -> Result<(), OpError> {
        self.enter(format!("remove_bucket {name}")).await?;
        let mut s = self.state.borrow_mut();
        s.parents.remove(name);
        if s.buckets.remove(name) {
            Ok(())
        } else {
            Err(not_found())
        }
    }

    async fn delete_snapshot(&self, bucket: &str, version: &str) -> Result<(), OpError> {
        self.enter(format!("delete_snapshot {bucket} {version}"))
            .await
    }

    async fn list_buckets(
        &self,
        listing: BucketListing<'_>,
        continuation_token: Option<&str>,
    ) -> Result<BucketPage, OpError> {
        self.enter(format!(
            "list_buckets {listing:?} token={continuation_token:?}"
        ))
        .await?;
        let s = self.state.borrow();
        let after = continuation_token.unwrap_or("");
        let listed = s.listed.iter().filter(|b| b.name.as_str() > after);
        let (page, size): (Vec<ListedBucket>, usize) = match listing {
            BucketListing::ForksOf { .. } if s.ignores_fork_header => (
                listed
                    .map(|b| ListedBucket {
                        parents: None,
                        ..b.clone()
                    })
                    .collect(),
                s.listing_page,
            ),
            BucketListing::ForksOf { base, limit } => (
                listed
                    .filter(|b| {
                        b.parents
                            .as_ref()
                            .and_then(|p| p.first())
                            .is_some_and(|p| p.bucket == base)
                    })
                    .cloned()
                    .collect(),
                limit.map_or(1000, |l| l as usize),
            ),
            BucketListing::WithForkInfo => (listed.cloned().collect(), s.listing_page),
        };
        let continuation_token = match (&s.stuck_token, listing) {
            (Some(stuck), BucketListing::WithForkInfo) => Some(stuck.clone()),
            _ => page
                .get(size)
                .and(page.get(size - 1))
                .map(|b| b.name.clone()),
        };
        Ok(BucketPage {
            buckets: page.into_iter().take(size).collect(),
            continuation_token,
        })
    }

    async fn merge_fork(&self, fork: &str, base: &str) -> Result<String, OpError> {
        self.enter(format!("merge_fork {fork} {base}")).await?;
        Ok(self.state.borrow().snapshot_version.clone())
    }

    async fn rebase_fork(&self, fork: &str) -> Result<String, OpError> {
        self.enter(format!("rebase_fork {fork}")).await?;
        Ok(self.state.borrow().snapshot_version.clone())
    }

    async fn set_bucket_ttl(
        &self,
        bucket: &str,
        days: std::num::NonZeroU32,
    ) -> Result<(), OpError> {
        self.enter(format!("set_bucket_ttl {bucket} {days}")).await
    }

    async fn set_notifications(
        &self,
        bucket: &str,
        config: &NotificationConfig,
    ) -> Result<(), OpError> {
        self.enter(format!("set_notifications {bucket} {config:?}"))
            .await?;
        self.state
            .borrow_mut()
            .notifications
            .insert(bucket.into(), config.clone());
        Ok(())
    }

    async fn clear_notifications(&self, bucket: &str) -> Result<(), OpError> {
        self.enter(format!("clear_notifications {bucket}")).await?;
        self.state.borrow_mut().notifications.remove(bucket);
        Ok(())
    }

    async fn create_access_key(
        &self,
        name: &str,
        bucket: &str,
        role: Role,
    ) -> Result<AccessKey, OpError> {
        self.enter(format!(
            "create_access_key {name} {bucket} {}",
            role.as_str()
        ))
        .await?;
        let mut s = self.state.borrow_mut();
        let id = format!("tid_{name}");
        s.keys.insert(id.clone(), (name.into(), bucket.into()));
        let secret = if s.no_secret {
            None
        } else {
            Some(format!("{SECRET}_{name}").into())
        };
        Ok(AccessKey { id, secret })
    }

    async fn remove_access_key(&self, id: &str) -> Result<(), OpError> {
        self.enter(format!("remove_access_key {id}")).await?;
        match self.state.borrow_mut().keys.remove(id) {
            Some(_) => Ok(()),
            None => Err(not_found()),
        }
    }

    async fn presign_object(
        &self,
        bucket: &str,
        key: &str,
        grant: &ObjectGrant,
    ) -> Result<PresignedObject, OpError> {
        let ObjectGrant {
            method,
            content_type,
            expires_secs,
        } = grant;
        let method_name = method.as_str();
        let content_type = content_type.as_deref().unwrap_or("-");
        let line =
            format!("presign_object {bucket} {key} {method_name} {expires_secs} {content_type}");
        self.enter(line).await?;
        Ok(PresignedObject {
            url: format!("http://fake/{bucket}/{key}"),
            method: *method,
            expires_at_ms: self.now_ms() + f64::from(*expires_secs) * 1000.0,
        })
    }

    fn now_ms(&self) -> f64 {
        self.state.borrow().now
    }
}
