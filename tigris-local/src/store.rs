//! The bucket and object store: a plain in-memory data structure with copy-on-write snapshots and
//! forks (no HTTP here).
//!
//! Every write gets a strictly increasing nanosecond timestamp from one store clock. A bucket keeps,
//! per key, a chain of versions (`None` = deleted); a snapshot is just a timestamp, and a fork is a
//! new bucket with a `(parent, snapshot)` pointer whose reads fall through to the parent as of that
//! snapshot. Forking and snapshotting therefore copy nothing, and object bodies are `Arc<[u8]>`
//! shared by every version, snapshot and fork that sees them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use md5::{Digest, Md5};
use serde_json::{Map, Value};

use crate::clock;

/// Nanosecond timestamp (also the snapshot version format).
pub type Ts = u64;

/// One stored object version's content and metadata.
#[derive(Debug)]
pub struct Object {
    /// The bytes, shared (never copied) between versions, snapshots and forks.
    pub body: Arc<[u8]>,
    /// Quoted entity tag (`"md5hex"` or `"md5hex-N"` for multipart).
    pub etag: String,
    /// Content type as uploaded.
    pub content_type: String,
    /// Write time (ns).
    pub last_modified: Ts,
    /// CRC-32/IEEE of the whole body.
    pub crc32: u32,
    /// Optional stored headers (`cache-control`, `content-disposition`, `x-amz-meta-*`).
    pub headers: Vec<(String, String)>,
}

impl Object {
    /// Builds an object for `body`, computing its MD5 ETag and CRC-32.
    pub fn new(body: Arc<[u8]>, content_type: String, headers: Vec<(String, String)>) -> Object {
        let etag = format!("\"{}\"", hex::encode(Md5::digest(&body)));
        let crc32 = crc32fast::hash(&body);
        Object {
            body,
            etag,
            content_type,
            last_modified: 0,
            crc32,
            headers,
        }
    }

    /// A new version with the same content (CopyObject): the body is shared, nothing is rehashed.
    pub fn copy(&self) -> Object {
        Object {
            body: self.body.clone(),
            etag: self.etag.clone(),
            content_type: self.content_type.clone(),
            last_modified: 0,
            crc32: self.crc32,
            headers: self.headers.clone(),
        }
    }
}

#[derive(Debug, Clone)]
struct Version {
    ts: Ts,
    obj: Option<Arc<Object>>,
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
    /// Snapshot-enabled (`type` 1); forks always are.
    pub snapshot_enabled: bool,
    /// `x-amz-acl: public-read` at creation.
    pub public: bool,
    /// Fork source, if this bucket is a fork.
    pub parent: Option<ForkParent>,
    /// Forks that depend on this bucket.
    pub children: BTreeSet<String>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// JSON settings (`lifecycle_rules`, `object_notifications`, anything else PATCHed).
    pub settings: Map<String, Value>,
    versions: BTreeMap<String, Vec<Version>>,
}

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
            StoreError::NoSuchUpload => (404, "NoSuchUpload", "The specified multipart upload does not exist.".into()),
            StoreError::InvalidPart(n) => (400, "InvalidPart", format!("Part {n} was not uploaded or its ETag does not match.")),
            StoreError::Invalid(m) => (400, "InvalidRequest", m.clone()),
        }
    }
}

/// An in-progress multipart upload.
#[derive(Debug)]
struct Upload {
    bucket: String,
    key: String,
    content_type: String,
    parts: BTreeMap<u32, (Arc<[u8]>, String)>,
}

/// A change to report to the bucket's webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Event name (`OBJECT_CREATED_PUT`, `OBJECT_CREATED_MULTIPART`, `OBJECT_DELETED`).
    pub event: &'static str,
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Size in bytes (0 for deletions).
    pub size: u64,
    /// Unquoted ETag ("" for deletions).
    pub etag: String,
    /// Content type ("" for deletions).
    pub content_type: String,
    /// Event time (ns).
    pub time: Ts,
}

/// A listed object.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Key.
    pub key: String,
    /// The object.
    pub obj: Arc<Object>,
}

/// All buckets and uploads, plus the store clock.
#[derive(Debug, Default)]
pub struct Store {
    buckets: BTreeMap<String, Bucket>,
    uploads: HashMap<String, Upload>,
    last_ts: Ts,
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
    /// An empty store.
    pub fn new() -> Store {
        Store::default()
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
        self.buckets
            .get_mut(name)
            .ok_or_else(|| StoreError::NoSuchBucket(name.to_string()))
    }

    /// All buckets in name order.
    pub fn buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.buckets.values()
    }

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
        snapshot_enabled: bool,
        public: bool,
        parent: Option<ForkParent>,
    ) {
        let created = self.tick();
        self.buckets.insert(
            name.to_string(),
            Bucket {
                name: name.to_string(),
                owner: owner.to_string(),
                created,
                snapshot_enabled,
                public,
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
        snapshot_enabled: bool,
        public: bool,
    ) -> Result<(), StoreError> {
        self.check_free(name, owner)?;
        self.insert_bucket(name, owner, snapshot_enabled, public, None);
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
        if !src.snapshot_enabled {
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
        self.insert_bucket(name, owner, true, false, Some(parent));
        self.bucket_mut(source)?.children.insert(name.to_string());
        Ok(version)
    }

    /// Takes a snapshot; returns its version.
    pub fn snapshot(&mut self, bucket: &str, name: Option<String>) -> Result<Ts, StoreError> {
        if !self.bucket(bucket)?.snapshot_enabled {
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

    /// Deletes one snapshot (`deleteBucketSnapshot`); refused while a fork was made from it.
    pub fn delete_snapshot(&mut self, bucket: &str, version: Ts) -> Result<(), StoreError> {
        let b = self.bucket(bucket)?;
        if !b.snapshots.iter().any(|s| s.version == version) {
            return Err(StoreError::NoSuchSnapshot(bucket.to_string(), version));
        }
        let dependents: Vec<String> = b
            .children
            .iter()
            .filter(|c| {
                self.buckets
                    .get(*c)
                    .and_then(|f| f.parent.as_ref())
                    .is_some_and(|p| p.snapshot == version)
            })
            .cloned()
            .collect();
        if !dependents.is_empty() {
            return Err(StoreError::BucketHasForks(bucket.to_string(), dependents));
        }
        self.bucket_mut(bucket)?
            .snapshots
            .retain(|s| s.version != version);
        Ok(())
    }

    /// Deletes a bucket; `force` allows a non-empty one. Refused while forks depend on it.
    pub fn delete_bucket(&mut self, name: &str, force: bool) -> Result<(), StoreError> {
        let b = self.bucket(name)?;
        if !b.children.is_empty() {
            return Err(StoreError::BucketHasForks(
                name.to_string(),
                b.children.iter().cloned().collect(),
            ));
        }
        if !force && self.count(name)?.0 > 0 {
            return Err(StoreError::BucketNotEmpty(name.to_string()));
        }
        let parent = b.parent.clone();
        self.buckets.remove(name);
        self.uploads.retain(|_, u| u.bucket != name);
        if let Some(p) = parent {
            if let Some(pb) = self.buckets.get_mut(&p.bucket) {
                pb.children.remove(name);
            }
        }
        Ok(())
    }

    fn lookup(&self, bucket: &Bucket, key: &str, at: Ts) -> Option<Arc<Object>> {
        if let Some(v) = bucket
            .versions
            .get(key)
            .and_then(|vs| vs.iter().rev().find(|v| v.ts <= at))
        {
            return v.obj.clone();
        }
        let p = bucket.parent.as_ref()?;
        let parent = self.buckets.get(&p.bucket)?;
        self.lookup(parent, key, at.min(p.snapshot))
    }

    /// Reads `key` as of `at` (a snapshot version or any ns timestamp), or the live state.
    pub fn get(&self, bucket: &str, key: &str, at: Option<Ts>) -> Result<Arc<Object>, StoreError> {
        let b = self.bucket(bucket)?;
        self.lookup(b, key, at.unwrap_or(Ts::MAX))
            .ok_or_else(|| StoreError::NoSuchKey(key.to_string()))
    }

    fn write(
        &mut self,
        bucket: &str,
        key: &str,
        obj: Option<Arc<Object>>,
        ts: Ts,
    ) -> Result<(), StoreError> {
        let b = self.bucket_mut(bucket)?;
        // Buckets without snapshots or a fork parent need no history: keep only the live version.
        let keep_history = b.snapshot_enabled || !b.children.is_empty() || b.parent.is_some();
        if !keep_history {
            match obj {
                Some(o) => {
                    b.versions
                        .insert(key.to_string(), vec![Version { ts, obj: Some(o) }]);
                }
                None => {
                    b.versions.remove(key);
                }
            }
            return Ok(());
        }
        b.versions
            .entry(key.to_string())
            .or_default()
            .push(Version { ts, obj });
        Ok(())
    }

    /// Stores an object; returns the stored version and the change to report.
    pub fn put(
        &mut self,
        bucket: &str,
        key: &str,
        mut obj: Object,
        event: &'static str,
    ) -> Result<(Arc<Object>, Change), StoreError> {
        self.bucket(bucket)?;
        let ts = self.tick();
        obj.last_modified = ts;
        let obj = Arc::new(obj);
        self.write(bucket, key, Some(obj.clone()), ts)?;
        let change = Change {
            event,
            bucket: bucket.to_string(),
            key: key.to_string(),
            size: obj.body.len() as u64,
            etag: obj.etag.trim_matches('"').to_string(),
            content_type: obj.content_type.clone(),
            time: ts,
        };
        Ok((obj, change))
    }

    /// Deletes a key (S3 semantics: deleting a missing key succeeds). Returns the change when
    /// something was deleted.
    pub fn delete(&mut self, bucket: &str, key: &str) -> Result<Option<Change>, StoreError> {
        let existed = match self.get(bucket, key, None) {
            Ok(_) => true,
            Err(StoreError::NoSuchKey(_)) => false,
            Err(e) => return Err(e),
        };
        if !existed {
            return Ok(None);
        }
        let ts = self.tick();
        self.write(bucket, key, None, ts)?;
        Ok(Some(Change {
            event: "OBJECT_DELETED",
            bucket: bucket.to_string(),
            key: key.to_string(),
            size: 0,
            etag: String::new(),
            content_type: String::new(),
            time: ts,
        }))
    }

    fn view_into(
        &self,
        bucket: &Bucket,
        prefix: &str,
        at: Ts,
        out: &mut BTreeMap<String, Arc<Object>>,
    ) {
        if let Some(p) = &bucket.parent {
            if let Some(parent) = self.buckets.get(&p.bucket) {
                self.view_into(parent, prefix, at.min(p.snapshot), out);
            }
        }
        for (k, vs) in bucket.versions.range(prefix.to_string()..) {
            if !k.starts_with(prefix) {
                break;
            }
            if let Some(v) = vs.iter().rev().find(|v| v.ts <= at) {
                match &v.obj {
                    Some(o) => {
                        out.insert(k.clone(), o.clone());
                    }
                    None => {
                        out.remove(k);
                    }
                }
            }
        }
    }

    /// Every visible object under `prefix`, in key order, as of `at` (or live).
    pub fn list(
        &self,
        bucket: &str,
        prefix: &str,
        at: Option<Ts>,
    ) -> Result<Vec<Listed>, StoreError> {
        let b = self.bucket(bucket)?;
        let mut out = BTreeMap::new();
        self.view_into(b, prefix, at.unwrap_or(Ts::MAX), &mut out);
        Ok(out
            .into_iter()
            .map(|(key, obj)| Listed { key, obj })
            .collect())
    }

    /// (object count, total bytes) of the live view.
    pub fn count(&self, bucket: &str) -> Result<(u64, u64), StoreError> {
        let all = self.list(bucket, "", None)?;
        Ok((
            all.len() as u64,
            all.iter().map(|l| l.obj.body.len() as u64).sum(),
        ))
    }

    /// Replaces a bucket's settings map (validated by the caller).
    pub fn settings_mut(&mut self, bucket: &str) -> Result<&mut Map<String, Value>, StoreError> {
        Ok(&mut self.bucket_mut(bucket)?.settings)
    }

    /// Switches a bucket between regular and snapshot-enabled.
    pub fn set_snapshot_enabled(&mut self, bucket: &str, enabled: bool) -> Result<(), StoreError> {
        let b = self.bucket_mut(bucket)?;
        if !enabled && (b.parent.is_some() || !b.children.is_empty()) {
            return Err(StoreError::Invalid(format!(
                "Bucket {bucket} is part of a fork tree and must stay snapshot-enabled"
            )));
        }
        b.snapshot_enabled = enabled;
        Ok(())
    }

    /// Starts a multipart upload; returns its id.
    pub fn create_upload(
        &mut self,
        bucket: &str,
        key: &str,
        content_type: String,
    ) -> Result<String, StoreError> {
        self.bucket(bucket)?;
        let id = format!("{:032x}", rand::random::<u128>());
        self.uploads.insert(
            id.clone(),
            Upload {
                bucket: bucket.to_string(),
                key: key.to_string(),
                content_type,
                parts: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    fn upload_mut(&mut self, bucket: &str, key: &str, id: &str) -> Result<&mut Upload, StoreError> {
        match self.uploads.get_mut(id) {
            Some(u) if u.bucket == bucket && u.key == key => Ok(u),
            _ => Err(StoreError::NoSuchUpload),
        }
    }

    /// Stores one part; returns its quoted ETag.
    pub fn put_part(
        &mut self,
        bucket: &str,
        key: &str,
        id: &str,
        number: u32,
        body: Arc<[u8]>,
    ) -> Result<String, StoreError> {
        if !(1..=10_000).contains(&number) {
            return Err(StoreError::Invalid(
                "Part number must be an integer between 1 and 10000, inclusive".into(),
            ));
        }
        let upload = self.upload_mut(bucket, key, id)?;
        let etag = format!("\"{}\"", hex::encode(Md5::digest(&body)));
        upload.parts.insert(number, (body, etag.clone()));
        Ok(etag)
    }

    /// Completes an upload from the listed `(part number, etag)` pairs.
    pub fn complete_upload(
        &mut self,
        bucket: &str,
        key: &str,
        id: &str,
        parts: &[(u32, String)],
    ) -> Result<(Arc<Object>, Change), StoreError> {
        let upload = self.upload_mut(bucket, key, id)?;
        if parts.is_empty() {
            return Err(StoreError::Invalid(
                "You must specify at least one part".into(),
            ));
        }
        let mut body = Vec::new();
        let mut md5s = Vec::new();
        let mut last = 0;
        for (n, etag) in parts {
            let (data, stored) = upload.parts.get(n).ok_or(StoreError::InvalidPart(*n))?;
            if *n <= last || stored.trim_matches('"') != etag.trim_matches('"') {
                return Err(StoreError::InvalidPart(*n));
            }
            last = *n;
            body.extend_from_slice(data);
            md5s.extend_from_slice(&Md5::digest(data));
        }
        let content_type = upload.content_type.clone();
        self.uploads.remove(id);
        let mut obj = Object::new(body.into(), content_type, Vec::new());
        obj.etag = format!("\"{}-{}\"", hex::encode(Md5::digest(&md5s)), parts.len());
        self.put(bucket, key, obj, "OBJECT_CREATED_MULTIPART")
    }

    /// Aborts an upload.
    pub fn abort_upload(&mut self, bucket: &str, key: &str, id: &str) -> Result<(), StoreError> {
        self.upload_mut(bucket, key, id)?;
        self.uploads.remove(id);
        Ok(())
    }

    /// Deletes objects whose bucket's TTL rule says so — older than `expiration.days` × `day_ns`,
    /// or any object once `expiration.date` (UTC midnight) has passed — oldest first. Returns the
    /// deletions for webhooks.
    pub fn expire(&mut self, day_ns: u64) -> Vec<Change> {
        let now = clock::now_ns();
        let mut doomed = Vec::new();
        for b in self.buckets.values() {
            for (prefix, expiry) in ttl_rules(&b.settings) {
                let cutoff = match expiry {
                    Expiry::Days(days) => now.saturating_sub(days.saturating_mul(day_ns)),
                    Expiry::Date(at) if now >= at => Ts::MAX,
                    Expiry::Date(_) => continue,
                };
                if let Ok(all) = self.list(&b.name, &prefix, None) {
                    doomed.extend(
                        all.into_iter()
                            .filter(|l| l.obj.last_modified <= cutoff)
                            .map(|l| (l.obj.last_modified, b.name.clone(), l.key)),
                    );
                }
            }
        }
        doomed.sort();
        doomed.dedup();
        doomed
            .into_iter()
            .filter_map(|(_, b, k)| self.delete(&b, &k).ok().flatten())
            .collect()
    }

    /// Removes every bucket and upload.
    pub fn clear(&mut self) {
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

/// When a TTL rule expires objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// This many "days" after the last modification.
    Days(u64),
    /// Everything, from this instant (ns) on.
    Date(Ts),
}

/// Enabled expiration rules of a settings map as `(prefix, expiry)`.
pub fn ttl_rules(settings: &Map<String, Value>) -> Vec<(String, Expiry)> {
    let Some(Value::Array(rules)) = settings.get("lifecycle_rules") else {
        return Vec::new();
    };
    rules
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_u64).unwrap_or(1) == 1)
        .filter_map(|r| {
            let exp = r.get("expiration")?;
            if exp.get("enabled").and_then(Value::as_bool) == Some(false) {
                return None;
            }
            let expiry = match (
                exp.get("days").and_then(Value::as_u64),
                exp.get("date").and_then(Value::as_str),
            ) {
                (Some(days), _) => Expiry::Days(days),
                (None, Some(date)) => Expiry::Date(clock::parse_date(date)?),
                (None, None) => return None,
            };
            let prefix = r
                .get("filter")
                .and_then(|f| f.get("prefix"))
                .and_then(Value::as_str)
                .unwrap_or("");
            Some((prefix.to_string(), expiry))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn obj(s: &str) -> Object {
        Object::new(Arc::from(s.as_bytes()), "text/plain".into(), Vec::new())
    }

    fn body(store: &Store, b: &str, k: &str, at: Option<Ts>) -> Option<String> {
        store
            .get(b, k, at)
            .ok()
            .map(|o| String::from_utf8_lossy(&o.body).into_owned())
    }

    fn snap_bucket(store: &mut Store, name: &str) {
        store.create_bucket(name, "root", true, false).unwrap();
    }

    #[test]
    fn fork_sees_snapshot_and_writes_are_isolated_both_ways() {
        let mut s = Store::new();
        snap_bucket(&mut s, "src");
        s.put("src", "a", obj("1"), "OBJECT_CREATED_PUT").unwrap();
        s.put("src", "b", obj("b"), "OBJECT_CREATED_PUT").unwrap();
        let v = s.snapshot("src", Some("first one".into())).unwrap();
        s.put("src", "a", obj("2"), "OBJECT_CREATED_PUT").unwrap();
        s.put("src", "c", obj("c"), "OBJECT_CREATED_PUT").unwrap();
        s.fork("fork", "root", "src", Some(v)).unwrap();
        assert_eq!(body(&s, "fork", "a", None).as_deref(), Some("1"));
        assert_eq!(body(&s, "fork", "c", None), None);
        s.put("fork", "a", obj("fork"), "OBJECT_CREATED_PUT")
            .unwrap();
        s.delete("fork", "b").unwrap();
        assert_eq!(body(&s, "src", "a", None).as_deref(), Some("2"));
        assert_eq!(body(&s, "src", "b", None).as_deref(), Some("b"));
        s.delete("src", "a").unwrap();
        assert_eq!(body(&s, "fork", "a", None).as_deref(), Some("fork"));
        assert_eq!(
            body(&s, "src", "a", Some(v)).as_deref(),
            Some("1"),
            "snapshot read survives a live delete"
        );
        let keys: Vec<String> = s
            .list("fork", "", None)
            .unwrap()
            .into_iter()
            .map(|l| l.key)
            .collect();
        assert_eq!(keys, vec!["a"]);
        // fork of a fork, from "now"
        s.fork("grandchild", "root", "fork", None).unwrap();
        s.put("fork", "z", obj("z"), "OBJECT_CREATED_PUT").unwrap();
        assert_eq!(body(&s, "grandchild", "a", None).as_deref(), Some("fork"));
        assert_eq!(body(&s, "grandchild", "z", None), None);
        assert_eq!(
            s.bucket("grandchild")
                .unwrap()
                .parent
                .as_ref()
                .unwrap()
                .bucket,
            "fork"
        );
    }

    #[test]
    fn parents_cannot_be_deleted_while_forks_exist() {
        let mut s = Store::new();
        snap_bucket(&mut s, "src");
        let v = s.snapshot("src", None).unwrap();
        let lone = s.snapshot("src", None).unwrap();
        s.fork("child", "root", "src", Some(v)).unwrap();
        assert!(matches!(
            s.delete_snapshot("src", v),
            Err(StoreError::BucketHasForks(..))
        ));
        s.delete_snapshot("src", lone).unwrap();
        assert_eq!(
            s.delete_snapshot("src", lone),
            Err(StoreError::NoSuchSnapshot("src".into(), lone))
        );
        assert_eq!(s.list_snapshots("src", 10, None).unwrap().0.len(), 1);
        assert!(
            matches!(s.delete_bucket("src", true), Err(StoreError::BucketHasForks(_, f)) if f == vec!["child"])
        );
        s.delete_bucket("child", true).unwrap();
        s.delete_bucket("src", true).unwrap();
    }

    #[test]
    fn delete_rules_and_name_conflicts() {
        let mut s = Store::new();
        s.create_bucket("plain", "root", false, false).unwrap();
        assert_eq!(
            s.create_bucket("plain", "root", false, false),
            Err(StoreError::BucketAlreadyOwnedByYou("plain".into()))
        );
        assert_eq!(
            s.create_bucket("plain", "other", false, false),
            Err(StoreError::BucketAlreadyExists("plain".into()))
        );
        assert!(matches!(
            s.create_bucket("Bad_Name", "root", false, false),
            Err(StoreError::Invalid(_))
        ));
        s.put("plain", "k", obj("v"), "OBJECT_CREATED_PUT").unwrap();
        assert_eq!(
            s.delete_bucket("plain", false),
            Err(StoreError::BucketNotEmpty("plain".into()))
        );
        assert_eq!(
            s.snapshot("plain", None),
            Err(StoreError::SnapshotsNotEnabled("plain".into()))
        );
        assert_eq!(
            s.fork("fff", "root", "plain", None),
            Err(StoreError::SnapshotsNotEnabled("plain".into()))
        );
        s.delete_bucket("plain", true).unwrap();
        assert!(s.bucket("plain").is_err());
    }

    #[test]
    fn snapshots_page_newest_first() {
        let mut s = Store::new();
        snap_bucket(&mut s, "bbb");
        let versions: Vec<Ts> = (0..5)
            .map(|i| {
                s.snapshot("bbb", (i % 2 == 0).then(|| format!("n{i}")))
                    .unwrap()
            })
            .collect();
        assert!(
            versions.windows(2).all(|w| w[0] < w[1]),
            "strictly increasing"
        );
        let (p1, t1) = s.list_snapshots("bbb", 2, None).unwrap();
        assert_eq!(
            p1.iter().map(|s| s.version).collect::<Vec<_>>(),
            vec![versions[4], versions[3]]
        );
        assert_eq!(p1[0].name.as_deref(), Some("n4"));
        assert_eq!(t1, Some(versions[3]));
        let (p2, t2) = s.list_snapshots("bbb", 2, t1).unwrap();
        assert_eq!(
            p2.iter().map(|s| s.version).collect::<Vec<_>>(),
            vec![versions[2], versions[1]]
        );
        let (p3, t3) = s.list_snapshots("bbb", 2, t2).unwrap();
        assert_eq!(
            p3.iter().map(|s| s.version).collect::<Vec<_>>(),
            vec![versions[0]]
        );
        assert_eq!(t3, None, "no token on the last page");
        let (all, none) = s.list_snapshots("bbb", 100, None).unwrap();
        assert_eq!((all.len(), none), (5, None));
    }

    #[test]
    fn forking_ten_thousand_objects_copies_no_body() {
        let mut s = Store::new();
        snap_bucket(&mut s, "big");
        for i in 0..10_000 {
            s.put(
                "big",
                &format!("k{i:05}"),
                obj(&format!("body {i}")),
                "OBJECT_CREATED_PUT",
            )
            .unwrap();
        }
        let v = s.snapshot("big", None).unwrap();
        for f in 0..100 {
            s.fork(&format!("fork-{f}"), "root", "big", Some(v))
                .unwrap();
        }
        assert_eq!(s.distinct_bodies(), 10_000);
        assert_eq!(
            s.own_versions("fork-7").unwrap(),
            0,
            "a fork holds no entries of its own"
        );
        let o = s.get("fork-99", "k00042", None).unwrap();
        let live = s.get("big", "k00042", None).unwrap();
        assert!(
            Arc::ptr_eq(&o.body, &live.body),
            "the fork reads the very same body"
        );
        // one Arc<Object> in the version chain + the two handles above; the body itself is held once
        assert_eq!(Arc::strong_count(&o.body), 1);
        assert_eq!(s.list("fork-3", "", None).unwrap().len(), 10_000);
        s.put("fork-3", "k00042", obj("changed"), "OBJECT_CREATED_PUT")
            .unwrap();
        assert_eq!(s.distinct_bodies(), 10_001);
    }

    #[test]
    fn multipart_assembles_in_order_and_checks_etags() {
        let mut s = Store::new();
        s.create_bucket("mpu", "root", false, false).unwrap();
        let id = s
            .create_upload("mpu", "big", "application/octet-stream".into())
            .unwrap();
        let e2 = s
            .put_part("mpu", "big", &id, 2, Arc::from(&b"world"[..]))
            .unwrap();
        let e1 = s
            .put_part("mpu", "big", &id, 1, Arc::from(&b"hello "[..]))
            .unwrap();
        assert_eq!(
            s.complete_upload("mpu", "big", &id, &[(1, "\"nope\"".into())])
                .unwrap_err(),
            StoreError::InvalidPart(1)
        );
        let (o, change) = s
            .complete_upload("mpu", "big", &id, &[(1, e1), (2, e2)])
            .unwrap();
        assert_eq!(&*o.body, b"hello world");
        assert!(o.etag.ends_with("-2\""));
        assert_eq!(change.event, "OBJECT_CREATED_MULTIPART");
        assert_eq!(
            s.abort_upload("mpu", "big", &id),
            Err(StoreError::NoSuchUpload)
        );
    }

    #[test]
    fn ttl_expires_old_objects_only() {
        let mut s = Store::new();
        s.create_bucket("ttl", "root", false, false).unwrap();
        s.put("ttl", "old", obj("o"), "OBJECT_CREATED_PUT").unwrap();
        s.settings_mut("ttl").unwrap().insert(
            "lifecycle_rules".into(),
            serde_json::json!([{"id":"r","expiration":{"days":1,"enabled":true},"status":1}]),
        );
        assert!(
            s.expire(3_600 * 1_000_000_000).is_empty(),
            "not a day old yet"
        );
        let gone = s.expire(1);
        assert_eq!(gone.len(), 1);
        s.put("ttl", "dated", obj("d"), "OBJECT_CREATED_PUT")
            .unwrap();
        let rules = |date: &str| serde_json::json!([{"id":"r","expiration":{"date":date,"enabled":true},"status":1}]);
        s.settings_mut("ttl")
            .unwrap()
            .insert("lifecycle_rules".into(), rules("2999-01-01"));
        assert!(s.expire(1).is_empty(), "the date is in the future");
        s.settings_mut("ttl")
            .unwrap()
            .insert("lifecycle_rules".into(), rules("2020-01-01"));
        assert_eq!(s.expire(1).len(), 1, "past the date everything goes");
        assert_eq!(gone[0].event, "OBJECT_DELETED");
        assert!(s.get("ttl", "old", None).is_err());
    }
}
