//! The API layer: routing, authentication and the S3 / Tigris JSON / IAM operations on top of the
//! store. Independent of hyper: a [`Request`] goes in, a [`Reply`] (plus webhook work) comes out.
//!
//! `ops` resolves each request once into an [`Op`] whose row in [`Op::rule`] gives its access
//! rule and error format; `routing` splits the address, checks access and runs the handler;
//! `auth` checks the caller; `buckets`, `objects`, `iam` and `presign` hold the handlers; `message` holds
//! the request/reply/error types shared by all of them.

use std::sync::{Mutex, MutexGuard};

use crate::keys::KeyStore;
use crate::store::{Change, Disk, Store, Ts};
use crate::webhook::Target;

mod auth;
mod buckets;
mod iam;
mod message;
mod objects;
mod ops;
mod presign;
mod routing;

pub use buckets::bucket_info;
pub use message::{ApiError, Reply, Request};
pub use ops::{ErrorFormat, Op};
pub use routing::Addressed;

/// Server-wide settings the API needs.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Root access key id.
    pub root_key_id: String,
    /// Root secret.
    pub root_secret: crate::keys::Secret,
    /// Session token accepted as admin (docs/protocol.md §3.4).
    pub session_token: Option<crate::keys::Secret>,
    /// Host suffix for virtual-hosted addressing.
    pub base_host: String,
}

/// Mutable server data behind one lock.
#[derive(Debug, Default)]
pub struct Data {
    /// Buckets and objects.
    pub store: Store,
    /// Minted keys.
    pub keys: KeyStore,
    /// The key store's generation as last written to the data directory.
    saved_keys: u64,
}

/// The API: configuration plus shared data.
#[derive(Debug)]
pub struct Api {
    /// Settings.
    pub config: ApiConfig,
    data: Mutex<Data>,
    disk: Option<Disk>,
}

/// Webhook work produced by a write: the bucket's target and the change.
pub type Notification = (Target, Change);

/// What a handled request produced.
pub struct Outcome {
    /// The reply.
    pub reply: Reply,
    /// Webhooks to deliver after replying.
    pub notifications: Vec<Notification>,
}

/// The S3 XML namespace.
const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// Whether a header value is `true` (case-insensitive).
fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Parses a nanosecond snapshot version from a header or query value.
fn parse_version(v: &str, what: &str) -> Result<Ts, ApiError> {
    v.trim().parse().map_err(|_| {
        ApiError::new(
            400,
            "InvalidArgument",
            format!("{what} must be a nanosecond timestamp, got {v:?}"),
        )
    })
}

impl Api {
    /// A fresh API with an empty in-memory store.
    pub fn new(config: ApiConfig) -> Api {
        Api {
            config,
            data: Mutex::new(Data::default()),
            disk: None,
        }
    }

    /// An API whose data lives in `dir` (loaded now, written through on every change); refused
    /// when another server has the directory open.
    pub fn open(config: ApiConfig, dir: &std::path::Path) -> Result<Api, String> {
        let disk = Disk::open(dir)?;
        let loaded = disk.load()?;
        let keys = loaded
            .keys
            .as_ref()
            .map(KeyStore::restore)
            .unwrap_or_default();
        let saved_keys = keys.generation();
        Ok(Api {
            config,
            data: Mutex::new(Data {
                store: loaded.store,
                keys,
                saved_keys,
            }),
            disk: Some(disk),
        })
    }

    /// Writes what changed to the data directory (no-op in memory); called before a change is
    /// acknowledged, so an answered write survives a crash.
    pub fn persist(&self) -> Result<(), ApiError> {
        let Some(disk) = &self.disk else {
            return Ok(());
        };
        let mut data = self.data();
        let generation = data.keys.generation();
        let changed = (generation != data.saved_keys).then(|| data.keys.record());
        disk.flush(&mut data.store, changed).map_err(|e| {
            crate::log!("cannot persist: {e}");
            ApiError::new(
                500,
                "InternalError",
                "tigris-local could not write the change to its data directory",
            )
        })?;
        data.saved_keys = generation;
        Ok(())
    }

    /// Locks the data (a panicked handler never poisons the server).
    pub fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues the bucket's webhook for `change` when its filter matches.
    fn notify(&self, store: &Store, change: &Change, notes: &mut Vec<Notification>) {
        let Ok(bucket) = store.bucket(&change.bucket) else {
            return;
        };
        let Some(cfg) = bucket.settings.get("object_notifications") else {
            return;
        };
        match Target::from_settings(cfg) {
            Some(Ok(t)) if t.wants(change) => notes.push((t, change.clone())),
            Some(Err(why)) => {
                crate::log!("bucket {} has an unusable webhook: {why}", change.bucket)
            }
            _ => {}
        }
    }

    /// Runs TTL expiry; returns webhook work for the deletions.
    pub fn expire(&self, day_ns: u64) -> Vec<Notification> {
        let mut data = self.data();
        let changes = data.store.expire(day_ns);
        drop(data);
        if let Err(e) = self.persist() {
            crate::log!("TTL expiry not persisted: {}", e.message);
        }
        let data = self.data();
        let mut notes = Vec::new();
        for c in &changes {
            self.notify(&data.store, c, &mut notes);
        }
        notes
    }
}
