//! The bucket and object store: a plain in-memory data structure with copy-on-write snapshots and
//! forks (no HTTP here).
//!
//! Every write gets a strictly increasing nanosecond timestamp from one store clock. A bucket keeps,
//! per key, a chain of versions (`None` = deleted); a snapshot is just a timestamp, and a fork is a
//! new bucket with a `(parent, snapshot)` pointer whose reads fall through to the parent as of that
//! snapshot. Forking and snapshotting therefore copy nothing, and object bodies are `Arc<[u8]>`
//! shared by every version, snapshot and fork that sees them.
//!
//! `object` holds the stored values, `buckets` creates, forks, snapshots and deletes buckets,
//! `objects` reads and writes keys through the fork chain, `multipart` keeps uploads in
//! progress, `lineage` merges and rebases forks and `ttl` applies expiration rules; `error` is the one error type of the layer.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::clock;

mod buckets;
mod error;
mod lineage;
mod multipart;
mod object;
mod objects;
mod persist;
#[cfg(test)]
mod tests;
mod ttl;

pub use buckets::{valid_bucket_name, Acl, Bucket, BucketType, DeleteMode, ForkParent, Snapshot};
pub use error::StoreError;
pub use object::{Change, Event, Listed, Object};
pub use persist::{Disk, Loaded};
pub use ttl::{ttl_rules, Expiry};

use multipart::Upload;

/// Nanosecond timestamp (also the snapshot version format).
pub type Ts = u64;

/// What changed since the journal was last taken (kept only when the store is persisted).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Journal {
    /// Everything was removed first (`/_local/reset`).
    pub cleared: bool,
    /// Buckets whose metadata changed, were created or were deleted.
    pub buckets: BTreeSet<String>,
    /// `(bucket, key)` pairs whose version chain changed.
    pub keys: BTreeSet<(String, String)>,
}

/// All buckets and uploads, plus the store clock.
#[derive(Debug, Default)]
pub struct Store {
    buckets: BTreeMap<String, Bucket>,
    uploads: HashMap<String, Upload>,
    last_ts: Ts,
    journal: Option<Journal>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Store {
        Store::default()
    }

    /// Starts keeping a [`Journal`] of changes (for persistence).
    pub fn keep_journal(&mut self) {
        self.journal.get_or_insert_with(Journal::default);
    }

    /// The changes since the last call (empty when no journal is kept).
    pub fn take_journal(&mut self) -> Journal {
        self.journal
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The store clock's last timestamp.
    pub fn last_ts(&self) -> Ts {
        self.last_ts
    }

    fn note_bucket(&mut self, name: &str) {
        if let Some(j) = self.journal.as_mut() {
            j.buckets.insert(name.to_string());
        }
    }

    fn note_key(&mut self, bucket: &str, key: &str) {
        if let Some(j) = self.journal.as_mut() {
            j.keys.insert((bucket.to_string(), key.to_string()));
        }
    }

    /// Rebuilds a store from persisted buckets and clock (uploads are not persisted).
    pub fn restore(buckets: Vec<Bucket>, last_ts: Ts) -> Store {
        Store {
            buckets: buckets.into_iter().map(|b| (b.name.clone(), b)).collect(),
            uploads: HashMap::new(),
            last_ts,
            journal: Some(Journal::default()),
        }
    }

    /// The next strictly increasing timestamp: `max(now, last + 1)`.
    pub fn tick(&mut self) -> Ts {
        self.last_ts = clock::now_ns().max(self.last_ts + 1);
        self.last_ts
    }

    /// Bucket by name.
    pub fn bucket(&self, name: &str) -> Result<&Bucket, StoreError> {
        self.buckets
            .get(name)
            .ok_or_else(|| StoreError::NoSuchBucket(name.to_string()))
    }

    fn bucket_mut(&mut self, name: &str) -> Result<&mut Bucket, StoreError> {
        self.note_bucket(name);
        self.buckets
            .get_mut(name)
            .ok_or_else(|| StoreError::NoSuchBucket(name.to_string()))
    }

    /// All buckets in name order.
    pub fn buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.buckets.values()
    }

    /// Removes every bucket and upload.
    pub fn clear(&mut self) {
        if let Some(j) = self.journal.as_mut() {
            *j = Journal {
                cleared: true,
                ..Journal::default()
            };
        }
        self.buckets.clear();
        self.uploads.clear();
    }

    /// Number of distinct object bodies held anywhere (for the O(1)-fork proof).
    pub fn distinct_bodies(&self) -> usize {
        let mut seen = std::collections::HashSet::new();
        for b in self.buckets.values() {
            for vs in b.versions.values() {
                for v in vs {
                    if let Some(o) = &v.obj {
                        seen.insert(o.body.as_ptr() as usize);
                    }
                }
            }
        }
        for u in self.uploads.values() {
            for (body, _) in u.parts.values() {
                seen.insert(body.as_ptr() as usize);
            }
        }
        seen.len()
    }

    /// Number of version entries a bucket holds itself (0 for a fresh fork).
    pub fn own_versions(&self, bucket: &str) -> Result<usize, StoreError> {
        Ok(self.bucket(bucket)?.versions.values().map(Vec::len).sum())
    }
}
