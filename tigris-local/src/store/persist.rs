//! Persistence (`--data-dir`): the store written through to an embedded transactional database
//! (redb), one transaction per acknowledged change set, so a write the server answered survives
//! `kill -9` and a write in flight is all there or not at all. redb locks the file: a second
//! server on the same directory is refused.
//!
//! Tables: `buckets` (name → metadata JSON), `chains` (`bucket\0key` → the key's version chain as
//! JSON, objects naming their body), `bodies` (body id → bytes; one row per distinct body, so
//! forks, snapshots, copies and merges stay copy-on-write on disk) and `meta` (store clock, keys).
//! In-progress multipart uploads are not persisted.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadableTable, TableDefinition};
use serde_json::{json, Map, Value};

use super::object::Version;
use super::{Acl, Bucket, BucketType, ForkParent, Object, Snapshot, Store, Ts};

const BUCKETS: TableDefinition<&str, &[u8]> = TableDefinition::new("buckets");
const CHAINS: TableDefinition<&str, &[u8]> = TableDefinition::new("chains");
const BODIES: TableDefinition<&str, &[u8]> = TableDefinition::new("bodies");
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// The database file inside the data directory.
const FILE: &str = "tigris-local.redb";

/// An open data directory.
pub struct Disk {
    db: Database,
}

impl std::fmt::Debug for Disk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Disk")
    }
}

/// What a data directory holds: the store and the opaque keys record.
pub struct Loaded {
    /// Buckets, objects, snapshots and forks, with the journal on.
    pub store: Store,
    /// The key store's record, as last saved.
    pub keys: Option<Value>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn chain_id(bucket: &str, key: &str) -> String {
    format!("{bucket}\0{key}")
}

/// A body's id: its ETag, length and CRC-32 (equal ids ⇒ equal bytes for every body this server
/// writes; the same body shared by versions, forks and copies is stored once).
fn body_id(o: &Object) -> String {
    format!(
        "{}-{}-{:08x}",
        o.etag.trim_matches('"'),
        o.body.len(),
        o.crc32
    )
}

impl Disk {
    /// Opens (or creates) `dir`; refused when another server has it open.
    pub fn open(dir: &Path) -> Result<Disk, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create data dir {}: {e}", dir.display()))?;
        let path = dir.join(FILE);
        let db = Database::create(&path).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => format!(
                "data dir {} is in use by another tigris-local; stop it or pick another --data-dir",
                dir.display()
            ),
            other => format!("cannot open {}: {other}", path.display()),
        })?;
        let tx = db.begin_write().map_err(err)?;
        for t in [BUCKETS, CHAINS, BODIES, META] {
            tx.open_table(t).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(Disk { db })
    }

    /// Reads everything back.
    pub fn load(&self) -> Result<Loaded, String> {
        let tx = self.db.begin_read().map_err(err)?;
        let meta = tx.open_table(META).map_err(err)?;
        let read_meta = |k: &str| -> Result<Option<Value>, String> {
            match meta.get(k).map_err(err)? {
                Some(v) => serde_json::from_slice(v.value()).map(Some).map_err(err),
                None => Ok(None),
            }
        };
        let last_ts = read_meta("last_ts")?.and_then(|v| v.as_u64()).unwrap_or(0);
        let keys = read_meta("keys")?;
        let bodies_t = tx.open_table(BODIES).map_err(err)?;
        let mut bodies: HashMap<String, Arc<[u8]>> = HashMap::new();
        let mut buckets: BTreeMap<String, Bucket> = BTreeMap::new();
        for row in tx.open_table(BUCKETS).map_err(err)?.iter().map_err(err)? {
            let (_, v) = row.map_err(err)?;
            let rec: Value = serde_json::from_slice(v.value()).map_err(err)?;
            let b = bucket_from(&rec).ok_or("a bucket record is unreadable")?;
            buckets.insert(b.name.clone(), b);
        }
        for row in tx.open_table(CHAINS).map_err(err)?.iter().map_err(err)? {
            let (k, v) = row.map_err(err)?;
            let Some((bucket, key)) = k.value().split_once('\0') else {
                continue;
            };
            let rec: Value = serde_json::from_slice(v.value()).map_err(err)?;
            let mut chain = Vec::new();
            for ver in rec.as_array().map(Vec::as_slice).unwrap_or(&[]) {
                let ts = ver.get("ts").and_then(Value::as_u64).unwrap_or(0);
                let obj = match ver.get("obj").filter(|o| !o.is_null()) {
                    None => None,
                    Some(o) => {
                        let id = o.get("body").and_then(Value::as_str).unwrap_or("");
                        let body = match bodies.get(id) {
                            Some(b) => b.clone(),
                            None => {
                                let bytes: Arc<[u8]> = bodies_t
                                    .get(id)
                                    .map_err(err)?
                                    .map(|g| Arc::from(g.value()))
                                    .ok_or_else(|| format!("body {id} is missing"))?;
                                bodies.insert(id.to_string(), bytes.clone());
                                bytes
                            }
                        };
                        Some(Arc::new(object_from(o, body)))
                    }
                };
                chain.push(Version { ts, obj });
            }
            if let Some(b) = buckets.get_mut(bucket) {
                b.versions.insert(key.to_string(), chain);
            }
        }
        Ok(Loaded {
            store: Store::restore(buckets.into_values().collect(), last_ts),
            keys,
        })
    }

    /// Writes the store's journal (and the keys record when given) in one transaction; nothing
    /// is written when there is nothing to write.
    pub fn flush(&self, store: &mut Store, keys: Option<Value>) -> Result<(), String> {
        let journal = store.take_journal();
        if journal.buckets.is_empty()
            && journal.keys.is_empty()
            && !journal.cleared
            && keys.is_none()
        {
            return Ok(());
        }
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut buckets_t = tx.open_table(BUCKETS).map_err(err)?;
            let mut chains_t = tx.open_table(CHAINS).map_err(err)?;
            let mut bodies_t = tx.open_table(BODIES).map_err(err)?;
            let mut meta_t = tx.open_table(META).map_err(err)?;
            if journal.cleared {
                buckets_t.retain(|_, _| false).map_err(err)?;
                chains_t.retain(|_, _| false).map_err(err)?;
                bodies_t.retain(|_, _| false).map_err(err)?;
            }
            for name in &journal.buckets {
                match store.buckets.get(name) {
                    Some(b) => {
                        buckets_t
                            .insert(name.as_str(), bucket_record(b).to_string().as_bytes())
                            .map_err(err)?;
                    }
                    None => {
                        buckets_t.remove(name.as_str()).map_err(err)?;
                        let prefix = format!("{name}\0");
                        chains_t
                            .retain(|k, _| !k.starts_with(&prefix))
                            .map_err(err)?;
                    }
                }
            }
            let mut written: BTreeSet<String> = BTreeSet::new();
            for (bucket, key) in &journal.keys {
                let id = chain_id(bucket, key);
                let chain = store.buckets.get(bucket).and_then(|b| b.versions.get(key));
                let Some(chain) = chain else {
                    chains_t.remove(id.as_str()).map_err(err)?;
                    continue;
                };
                let mut rec = Vec::new();
                for v in chain {
                    let obj = match &v.obj {
                        Some(o) => {
                            let bid = body_id(o);
                            if written.insert(bid.clone())
                                && bodies_t.get(bid.as_str()).map_err(err)?.is_none()
                            {
                                bodies_t.insert(bid.as_str(), &*o.body).map_err(err)?;
                            }
                            object_record(o, &bid)
                        }
                        None => Value::Null,
                    };
                    rec.push(json!({"ts": v.ts, "obj": obj}));
                }
                chains_t
                    .insert(id.as_str(), Value::Array(rec).to_string().as_bytes())
                    .map_err(err)?;
            }
            meta_t
                .insert("last_ts", json!(store.last_ts()).to_string().as_bytes())
                .map_err(err)?;
            if let Some(k) = keys {
                meta_t
                    .insert("keys", k.to_string().as_bytes())
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }
}

fn bucket_record(b: &Bucket) -> Value {
    json!({
        "name": b.name,
        "owner": b.owner,
        "created": b.created,
        "type": b.kind.code(),
        "public": b.acl == Acl::PublicRead,
        "parent": b.parent.as_ref().map(|p| json!({"bucket": p.bucket, "snapshot": p.snapshot, "created": p.created})),
        "children": b.children,
        "snapshots": b.snapshots.iter().map(|s| json!({"version": s.version, "name": s.name})).collect::<Vec<_>>(),
        "settings": b.settings,
    })
}

fn bucket_from(v: &Value) -> Option<Bucket> {
    let u = |k: &str| v.get(k).and_then(Value::as_u64);
    let parent = v.get("parent").filter(|p| !p.is_null()).and_then(|p| {
        Some(ForkParent {
            bucket: p.get("bucket")?.as_str()?.to_string(),
            snapshot: p.get("snapshot")?.as_u64()?,
            created: p.get("created")?.as_u64()?,
        })
    });
    Some(Bucket {
        name: v.get("name")?.as_str()?.to_string(),
        owner: v.get("owner")?.as_str()?.to_string(),
        created: u("created")?,
        kind: if u("type") == Some(1) {
            BucketType::SnapshotEnabled
        } else {
            BucketType::Regular
        },
        acl: if v.get("public").and_then(Value::as_bool) == Some(true) {
            Acl::PublicRead
        } else {
            Acl::Private
        },
        parent,
        children: v
            .get("children")?
            .as_array()?
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
        snapshots: v
            .get("snapshots")?
            .as_array()?
            .iter()
            .filter_map(|s| {
                Some(Snapshot {
                    version: s.get("version")?.as_u64()?,
                    name: s.get("name").and_then(Value::as_str).map(str::to_string),
                })
            })
            .collect(),
        settings: v
            .get("settings")?
            .as_object()
            .cloned()
            .unwrap_or_else(Map::new),
        versions: BTreeMap::new(),
    })
}

fn object_record(o: &Object, body: &str) -> Value {
    json!({
        "body": body,
        "etag": o.etag,
        "content_type": o.content_type,
        "last_modified": o.last_modified,
        "crc32": o.crc32,
        "headers": o.headers,
    })
}

fn object_from(v: &Value, body: Arc<[u8]>) -> Object {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    Object {
        body,
        etag: s("etag"),
        content_type: s("content_type"),
        last_modified: v.get("last_modified").and_then(Value::as_u64).unwrap_or(0) as Ts,
        crc32: v
            .get("crc32")
            .and_then(Value::as_u64)
            .and_then(|c| u32::try_from(c).ok())
            .unwrap_or(0),
        headers: v
            .get("headers")
            .and_then(|h| serde_json::from_value(h.clone()).ok())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::store::{DeleteMode, Event};

    fn obj(s: &str) -> Object {
        Object::new(Arc::from(s.as_bytes()), "text/plain".into(), Vec::new())
    }

    fn body_rows(disk: &Disk) -> usize {
        let tx = disk.db.begin_read().unwrap();
        tx.open_table(BODIES).unwrap().iter().unwrap().count()
    }

    #[test]
    fn round_trip_is_copy_on_write_on_disk_and_the_dir_is_locked() {
        let dir = std::env::temp_dir().join(format!("tigris-local-persist-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let disk = Disk::open(&dir).unwrap();
        assert!(Disk::open(&dir)
            .unwrap_err()
            .contains("in use by another tigris-local"));
        let mut s = disk.load().unwrap().store;
        s.create_bucket("base", "root", BucketType::SnapshotEnabled, Acl::PublicRead)
            .unwrap();
        for i in 0..50 {
            s.put(
                "base",
                &format!("k{i}"),
                obj(&format!("body {i}")),
                Event::CreatedPut,
            )
            .unwrap();
        }
        let v = s.snapshot("base", Some("named".into())).unwrap();
        s.fork("fork", "root", "base", Some(v)).unwrap();
        s.put("fork", "k1", obj("fork 1"), Event::CreatedPut)
            .unwrap();
        s.delete("fork", "k2").unwrap();
        s.merge("base", "fork").unwrap();
        s.create_bucket("gone", "root", BucketType::Regular, Acl::Private)
            .unwrap();
        s.put("gone", "x", obj("x"), Event::CreatedPut).unwrap();
        s.delete_bucket("gone", DeleteMode::Force).unwrap();
        disk.flush(&mut s, Some(json!({"keys": []}))).unwrap();
        assert_eq!(
            body_rows(&disk),
            51,
            "50 + the fork's one; the fork and the merge add none"
        );
        assert_eq!(
            s.take_journal(),
            Default::default(),
            "the journal was taken"
        );
        drop(disk);

        let disk = Disk::open(&dir).unwrap();
        let loaded = disk.load().unwrap();
        let r = loaded.store;
        assert_eq!(loaded.keys, Some(json!({"keys": []})));
        assert!(r.bucket("gone").is_err());
        let base = r.bucket("base").unwrap();
        assert_eq!((base.acl, base.snapshots.len()), (Acl::PublicRead, 2));
        assert_eq!(base.snapshots[0].name.as_deref(), Some("named"));
        assert_eq!(&*r.get("base", "k1", None).unwrap().body, b"fork 1");
        assert!(r.get("base", "k2", None).is_err());
        assert_eq!(&*r.get("base", "k1", Some(v)).unwrap().body, b"body 1");
        assert_eq!(&*r.get("fork", "k3", None).unwrap().body, b"body 3");
        assert_eq!(
            r.bucket("fork").unwrap().parent.as_ref().unwrap().snapshot,
            v
        );
        assert!(r.bucket("base").unwrap().children.contains("fork"));
        assert!(Arc::ptr_eq(
            &r.get("base", "k1", None).unwrap().body,
            &r.get("fork", "k1", None).unwrap().body
        ));
        assert_eq!(
            r.distinct_bodies(),
            51,
            "bodies are shared again after loading"
        );
        assert!(r.last_ts() >= v);
        drop(disk);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
