//! Merge and rebase of a fork, both copy-on-write: they move `Arc` handles and snapshot pointers,
//! never object bodies.
//!
//! A fork's *changes* are the keys it holds versions of itself: every key it wrote or deleted
//! since it was made (reads of any other key fall through to its parent's snapshot).
//! - merge (base ← fork): each changed key takes the fork's live state in the base (a deletion
//!   deletes there); keys the fork did not touch keep the base's current state; then the base
//!   takes a new listed snapshot.
//! - rebase (fork onto its parent's present): the parent takes a new listed snapshot and the
//!   fork's point moves to it; the fork's changed keys keep the fork's state, every other key now
//!   reads the parent's.

use std::sync::Arc;

use super::{Object, Store, StoreError, Ts};

impl Store {
    /// Merges `fork` into `base`, which must be its direct parent; returns the version of the
    /// snapshot of `base` taken after the merge.
    pub fn merge(&mut self, base: &str, fork: &str) -> Result<Ts, StoreError> {
        self.bucket(base)?;
        let f = self.bucket(fork)?;
        if f.parent.as_ref().is_none_or(|p| p.bucket != base) {
            return Err(StoreError::NotADirectFork {
                fork: fork.to_string(),
                base: base.to_string(),
            });
        }
        let changed: Vec<(String, Option<Arc<Object>>)> = f
            .versions
            .iter()
            .filter_map(|(k, vs)| vs.last().map(|v| (k.clone(), v.obj.clone())))
            .collect();
        for (key, state) in changed {
            let exists_in_base = self.get(base, &key, None).is_ok();
            if state.is_none() && !exists_in_base {
                continue;
            }
            let ts = self.tick();
            self.write(base, &key, state, ts)?;
        }
        self.snapshot(base, None)
    }

    /// Rebases `fork` onto a new snapshot of its parent; returns that snapshot's version.
    pub fn rebase(&mut self, fork: &str) -> Result<Ts, StoreError> {
        let parent = self
            .bucket(fork)?
            .parent
            .as_ref()
            .map(|p| p.bucket.clone())
            .ok_or_else(|| StoreError::NotAFork(fork.to_string()))?;
        let version = self.snapshot(&parent, None)?;
        if let Some(p) = self.bucket_mut(fork)?.parent.as_mut() {
            p.snapshot = version;
        }
        Ok(version)
    }
}
