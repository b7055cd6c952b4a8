//! Buckets: creation, forks (a pointer to a parent snapshot, nothing copied), snapshots,
//! deletion and settings.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::object::Version;
use super::{Store, StoreError, Ts};

/// A bucket's Tigris `type`: regular (0) or snapshot-enabled (1, required for snapshots and forks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketType {
    /// `type` 0: no snapshots, no forks.
    Regular,
    /// `type` 1: snapshots and forks allowed; forks are always of this type.
    SnapshotEnabled,
}

impl BucketType {
    /// The `type` number of the bucket-info JSON.
    pub fn code(self) -> u8 {
        match self {
            BucketType::Regular => 0,
            BucketType::SnapshotEnabled => 1,
        }
    }

    /// Whether snapshots (and forks) are allowed.
    pub fn has_snapshots(self) -> bool {
        self == BucketType::SnapshotEnabled
    }
}

/// Who may read a bucket without a key, as set by `x-amz-acl` at creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acl {
    /// Keys only.
    Private,
    /// `public-read` (or `public-read-write`).
    PublicRead,
}

impl Acl {
    /// The `X-Amz-Acl` value reported in the bucket info.
    pub fn as_str(self) -> &'static str {
        match self {
            Acl::Private => "private",
            Acl::PublicRead => "public-read",
        }
    }
}

/// Whether a bucket delete may remove a non-empty bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteMode {
    /// Refuse with `BucketNotEmpty` while objects remain.
    IfEmpty,
    /// Delete the objects too (`Tigris-Force-Delete: true`).
    Force,
}

/// A named point-in-time of a snapshot-enabled bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The version (ns timestamp).
    pub version: Ts,
    /// The name given with `; name=`, verbatim.
    pub name: Option<String>,
}

/// Where a fork comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkParent {
    /// Source bucket name.
    pub bucket: String,
    /// Snapshot version the fork sees.
    pub snapshot: Ts,
    /// When the fork was made.
    pub created: Ts,
}

/// A bucket: settings plus its own version chains.
#[derive(Debug)]
pub struct Bucket {
    /// Bucket name.
    pub name: String,
    /// Owner principal id.
    pub owner: String,
    /// Creation time (ns).
    pub created: Ts,
    /// Regular or snapshot-enabled; forks always are snapshot-enabled.
    pub kind: BucketType,
    /// `x-amz-acl` at creation.
    pub acl: Acl,
    /// Fork source, if this bucket is a fork.
    pub parent: Option<ForkParent>,
    /// Forks that depend on this bucket.
    pub children: BTreeSet<String>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// JSON settings (`lifecycle_rules`, `object_notifications`, anything else PATCHed).
    pub settings: Map<String, Value>,
    pub(super) versions: BTreeMap<String, Vec<Version>>,
}

/// Validates an S3 bucket name (docs/protocol.md §9.6).
pub fn valid_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    let edge_ok = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && edge_ok(b.first())
        && edge_ok(b.last())
        && !name.contains("..")
        && !name.starts_with("xn--")
        && !name.ends_with("-s3alias")
        && name.parse::<std::net::Ipv4Addr>().is_err()
}

impl Store {
    fn check_free(&self, name: &str, owner: &str) -> Result<(), StoreError> {
        if let Some(existing) = self.buckets.get(name) {
            return Err(if existing.owner == owner {
                StoreError::BucketAlreadyOwnedByYou(name.to_string())
            } else {
                StoreError::BucketAlreadyExists(name.to_string())
            });
        }
        if !valid_bucket_name(name) {
            return Err(StoreError::Invalid(format!(
                "The specified bucket is not valid: {name}"
            )));
        }
        Ok(())
    }

    fn insert_bucket(
        &mut self,
        name: &str,
        owner: &str,
        kind: BucketType,
        acl: Acl,
        parent: Option<ForkParent>,
    ) {
        let created = self.tick();
        self.note_bucket(name);
        self.buckets.insert(
            name.to_string(),
            Bucket {
                name: name.to_string(),
                owner: owner.to_string(),
                created,
                kind,
                acl,
                parent,
                children: BTreeSet::new(),
                snapshots: Vec::new(),
                settings: Map::new(),
                versions: BTreeMap::new(),
            },
        );
    }

    /// Creates an empty bucket.
    pub fn create_bucket(
        &mut self,
        name: &str,
        owner: &str,
        kind: BucketType,
        acl: Acl,
    ) -> Result<(), StoreError> {
        self.check_free(name, owner)?;
        self.insert_bucket(name, owner, kind, acl, None);
        Ok(())
    }

    /// Creates `name` as a fork of `source` at `snapshot` (or "now"); O(1): nothing is copied.
    /// Returns the snapshot version the fork sees.
    pub fn fork(
        &mut self,
        name: &str,
        owner: &str,
        source: &str,
        snapshot: Option<Ts>,
    ) -> Result<Ts, StoreError> {
        self.check_free(name, owner)?;
        let src = self.bucket(source)?;
        if !src.kind.has_snapshots() {
            return Err(StoreError::SnapshotsNotEnabled(source.to_string()));
        }
        if let Some(v) = snapshot {
            if !src.snapshots.iter().any(|s| s.version == v) {
                return Err(StoreError::NoSuchSnapshot(source.to_string(), v));
            }
        }
        let version = match snapshot {
            Some(v) => v,
            None => self.tick(),
        };
        let created = self.tick();
        let parent = ForkParent {
            bucket: source.to_string(),
            snapshot: version,
            created,
        };
        self.insert_bucket(
            name,
            owner,
            BucketType::SnapshotEnabled,
            Acl::Private,
            Some(parent),
        );
        self.bucket_mut(source)?.children.insert(name.to_string());
        Ok(version)
    }

    /// Takes a snapshot; returns its version.
    pub fn snapshot(&mut self, bucket: &str, name: Option<String>) -> Result<Ts, StoreError> {
        if !self.bucket(bucket)?.kind.has_snapshots() {
            return Err(StoreError::SnapshotsNotEnabled(bucket.to_string()));
        }
        let version = self.tick();
        self.bucket_mut(bucket)?
            .snapshots
            .push(Snapshot { version, name });
        Ok(version)
    }

    /// One page of snapshots, newest first, strictly older than `after` when given.
    /// Returns the page and the continuation token (the last listed version) when more remain.
    pub fn list_snapshots(
        &self,
        bucket: &str,
        max: usize,
        after: Option<Ts>,
    ) -> Result<(Vec<Snapshot>, Option<Ts>), StoreError> {
        let b = self.bucket(bucket)?;
        let mut remaining = b
            .snapshots
            .iter()
            .rev()
            .filter(|s| after.is_none_or(|a| s.version < a));
        let page: Vec<Snapshot> = remaining.by_ref().take(max.max(1)).cloned().collect();
        let more = remaining.next().is_some();
        let token = if more {
            page.last().map(|s| s.version)
        } else {
            None
        };
        Ok((page, token))
    }

    /// Deletes one listed snapshot (`deleteBucketSnapshot`). Forks made from it keep reading its
    /// state: a snapshot-enabled bucket keeps every version, the snapshot is only unlisted.
    pub fn delete_snapshot(&mut self, bucket: &str, version: Ts) -> Result<(), StoreError> {
        let b = self.bucket(bucket)?;
        if !b.snapshots.iter().any(|s| s.version == version) {
            return Err(StoreError::NoSuchSnapshot(bucket.to_string(), version));
        }
        self.bucket_mut(bucket)?
            .snapshots
            .retain(|s| s.version != version);
        Ok(())
    }

    /// Deletes a bucket (a non-empty one only with [`DeleteMode::Force`]). Refused while forks
    /// depend on it.
    pub fn delete_bucket(&mut self, name: &str, mode: DeleteMode) -> Result<(), StoreError> {
        let b = self.bucket(name)?;
        if !b.children.is_empty() {
            return Err(StoreError::BucketHasForks(
                name.to_string(),
                b.children.iter().cloned().collect(),
            ));
        }
        if mode == DeleteMode::IfEmpty && self.count(name)?.0 > 0 {
            return Err(StoreError::BucketNotEmpty(name.to_string()));
        }
        let parent = b.parent.clone();
        self.note_bucket(name);
        self.buckets.remove(name);
        self.uploads.retain(|_, u| u.bucket != name);
        if let Some(p) = parent {
            if let Ok(pb) = self.bucket_mut(&p.bucket) {
                pb.children.remove(name);
            }
        }
        Ok(())
    }

    /// Replaces a bucket's settings map (validated by the caller).
    pub fn settings_mut(&mut self, bucket: &str) -> Result<&mut Map<String, Value>, StoreError> {
        Ok(&mut self.bucket_mut(bucket)?.settings)
    }

    /// Switches a bucket between regular and snapshot-enabled.
    pub fn set_type(&mut self, bucket: &str, kind: BucketType) -> Result<(), StoreError> {
        let b = self.bucket_mut(bucket)?;
        if kind == BucketType::Regular && (b.parent.is_some() || !b.children.is_empty()) {
            return Err(StoreError::Invalid(format!(
                "Bucket {bucket} is part of a fork tree and must stay snapshot-enabled"
            )));
        }
        // A regular bucket keeps no history, so its listed snapshots would lose their content.
        if kind == BucketType::Regular && !b.snapshots.is_empty() {
            return Err(StoreError::Invalid(format!(
                "Bucket {bucket} has snapshots and must stay snapshot-enabled; delete its snapshots first"
            )));
        }
        b.kind = kind;
        Ok(())
    }
}
