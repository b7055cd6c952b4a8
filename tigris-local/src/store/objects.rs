//! Reads and writes of keys: a read falls through the fork chain as of each parent's snapshot;
//! a write appends a version (or keeps only the live one where no snapshot can see history).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::object::Version;
use super::{Bucket, Change, Event, Listed, Object, Store, StoreError, Ts};

impl Store {
    /// The bucket's fork chain from itself up to its root, each with the time it is read at;
    /// walked in a loop (no recursion), so a chain of any depth costs no stack.
    fn chain<'a>(&'a self, bucket: &'a Bucket, at: Ts) -> Vec<(&'a Bucket, Ts)> {
        let mut out = vec![(bucket, at)];
        let (mut b, mut at) = (bucket, at);
        while let Some(p) = &b.parent {
            let Some(parent) = self.buckets.get(&p.bucket) else {
                break;
            };
            at = at.min(p.snapshot);
            b = parent;
            out.push((b, at));
        }
        out
    }

    fn lookup(&self, bucket: &Bucket, key: &str, at: Ts) -> Option<Arc<Object>> {
        self.chain(bucket, at).into_iter().find_map(|(b, at)| {
            b.versions
                .get(key)
                .and_then(|vs| vs.iter().rev().find(|v| v.ts <= at))
                .map(|v| v.obj.clone())
        })?
    }

    /// Reads `key` as of `at` (a snapshot version or any ns timestamp), or the live state.
    pub fn get(&self, bucket: &str, key: &str, at: Option<Ts>) -> Result<Arc<Object>, StoreError> {
        let b = self.bucket(bucket)?;
        self.lookup(b, key, at.unwrap_or(Ts::MAX))
            .ok_or_else(|| StoreError::NoSuchKey(key.to_string()))
    }

    pub(super) fn write(
        &mut self,
        bucket: &str,
        key: &str,
        obj: Option<Arc<Object>>,
        ts: Ts,
    ) -> Result<(), StoreError> {
        self.note_key(bucket, key);
        let b = self
            .buckets
            .get_mut(bucket)
            .ok_or_else(|| StoreError::NoSuchBucket(bucket.to_string()))?;
        // Buckets without snapshots or a fork parent need no history: keep only the live version.
        let keep_history = b.kind.has_snapshots() || !b.children.is_empty() || b.parent.is_some();
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
        event: Event,
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
            event: Event::Deleted,
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
        // Oldest ancestor first, so each fork's own versions override what it inherits.
        for (b, at) in self.chain(bucket, at).into_iter().rev() {
            for (k, vs) in b.versions.range(prefix.to_string()..) {
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
}
