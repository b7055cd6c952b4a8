//! The derived-signing-key cache: deriving a SigV4 key costs four HMACs (16 SHA-256
//! compressions), more than the rest of a signature, and it only changes with the credential,
//! the day, the region and the service.
//!
//! At most [`KEY_CACHE_CAPACITY`] entries, least recently used evicted (so rotating temporary credentials
//! cannot grow it). An entry holds the access key id, a SHA-256 digest of the secret (never the
//! secret itself), the date, region and service, and the derived key; nothing of it is ever
//! formatted (no `Debug`).

use sha2::{Digest, Sha256};

/// Most signing keys kept at once.
pub const KEY_CACHE_CAPACITY: usize = 8;

/// What a derived key depends on, borrowed from the signature being made.
pub(crate) struct KeyScope<'a> {
    /// Access key id.
    pub access_key_id: &'a str,
    /// Secret access key (only its digest is kept).
    pub secret: &'a str,
    /// `YYYYMMDD`.
    pub date: &'a str,
    /// SigV4 region.
    pub region: &'a str,
    /// SigV4 service.
    pub service: &'a str,
}

/// One cached key.
struct Entry {
    access_key_id: String,
    secret_digest: [u8; 32],
    date: [u8; 8],
    region: String,
    service: String,
    key: [u8; 32],
}

impl Entry {
    fn matches(&self, scope: &KeyScope<'_>, secret_digest: &[u8; 32]) -> bool {
        self.secret_digest == *secret_digest
            && self.date.as_slice() == scope.date.as_bytes()
            && self.access_key_id == scope.access_key_id
            && self.region == scope.region
            && self.service == scope.service
    }
}

/// The cache: entries ordered from least to most recently used.
#[derive(Default)]
pub(crate) struct KeyCache {
    entries: Vec<Entry>,
}

impl KeyCache {
    /// An empty cache (no allocation until the first key).
    pub const fn new() -> KeyCache {
        KeyCache {
            entries: Vec::new(),
        }
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The key for `scope`: the cached one (now most recently used), or `derive()`'s, cached in
    /// place of the least recently used entry when full. `None` when `derive` fails (nothing
    /// cached).
    pub fn get_or_derive(
        &mut self,
        scope: &KeyScope<'_>,
        derive: impl FnOnce() -> Option<[u8; 32]>,
    ) -> Option<[u8; 32]> {
        let digest: [u8; 32] = Sha256::digest(scope.secret.as_bytes()).into();
        if let Some(at) = self.entries.iter().position(|e| e.matches(scope, &digest)) {
            if let Some(entry) = self.entries.get(at) {
                let key = entry.key;
                if at + 1 != self.entries.len() {
                    let entry = self.entries.remove(at);
                    self.entries.push(entry);
                }
                return Some(key);
            }
        }
        let key = derive()?;
        let mut date = [0u8; 8];
        for (slot, b) in date.iter_mut().zip(scope.date.bytes()) {
            *slot = b;
        }
        if self.entries.len() >= KEY_CACHE_CAPACITY {
            self.entries.remove(0);
        }
        if self.entries.capacity() == 0 {
            self.entries.reserve_exact(KEY_CACHE_CAPACITY);
        }
        self.entries.push(Entry {
            access_key_id: scope.access_key_id.to_owned(),
            secret_digest: digest,
            date,
            region: scope.region.to_owned(),
            service: scope.service.to_owned(),
            key,
        });
        Some(key)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn scope<'a>(akid: &'a str, secret: &'a str, date: &'a str) -> KeyScope<'a> {
        KeyScope {
            access_key_id: akid,
            secret,
            date,
            region: "auto",
            service: "s3",
        }
    }

    /// Looks `s` up, deriving a key numbered by the derivation count.
    fn get(cache: &mut KeyCache, s: &KeyScope<'_>, derived: &Cell<u8>) -> [u8; 32] {
        cache
            .get_or_derive(s, || {
                derived.set(derived.get() + 1);
                Some([derived.get(); 32])
            })
            .unwrap()
    }

    #[test]
    fn one_derivation_per_credential_and_day() {
        let mut cache = KeyCache::new();
        let n = Cell::new(0);
        let a = get(&mut cache, &scope("AK", "secret", "20260101"), &n);
        let b = get(&mut cache, &scope("AK", "secret", "20260101"), &n);
        assert_eq!((a, b, n.get()), ([1; 32], [1; 32], 1));
        get(&mut cache, &scope("AK", "secret", "20260102"), &n);
        assert_eq!(n.get(), 2, "a new day derives again");
        get(&mut cache, &scope("AK", "other", "20260102"), &n);
        assert_eq!(n.get(), 3, "a new secret derives again");
        get(&mut cache, &scope("AK2", "other", "20260102"), &n);
        assert_eq!(n.get(), 4, "a new access key id derives again");
        let mut other_region = scope("AK", "secret", "20260101");
        other_region.region = "us-east-1";
        get(&mut cache, &other_region, &n);
        assert_eq!(n.get(), 5, "a new region derives again");
        get(&mut cache, &scope("AK", "secret", "20260101"), &n);
        assert_eq!(n.get(), 5);
    }

    #[test]
    fn ninth_entry_evicts_the_least_recently_used() {
        let mut cache = KeyCache::new();
        let n = Cell::new(0);
        let days: Vec<String> = (1..=9).map(|d| format!("202601{d:02}")).collect();
        for day in &days[..8] {
            get(&mut cache, &scope("AK", "s", day), &n);
        }
        assert_eq!((cache.len(), n.get()), (8, 8));
        // Day 1 used again: day 2 is now the least recently used.
        get(&mut cache, &scope("AK", "s", &days[0]), &n);
        assert_eq!(n.get(), 8);
        get(&mut cache, &scope("AK", "s", &days[8]), &n);
        assert_eq!((cache.len(), n.get()), (8, 9));
        get(&mut cache, &scope("AK", "s", &days[0]), &n);
        assert_eq!(n.get(), 9, "day 1 was kept");
        get(&mut cache, &scope("AK", "s", &days[1]), &n);
        assert_eq!(n.get(), 10, "day 2 was evicted");
        assert_eq!(cache.len(), 8);
    }

    #[test]
    fn failed_derivation_caches_nothing() {
        let mut cache = KeyCache::new();
        assert!(cache
            .get_or_derive(&scope("AK", "s", "20260101"), || None)
            .is_none());
        assert_eq!(cache.len(), 0);
    }
}
