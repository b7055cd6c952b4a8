//! Access keys minted through IAM and the role check that gates every request.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::clock;

/// A bucket role from `CreateAccessKeyWithBucketsRole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Read and write objects; snapshot the bucket.
    Editor,
    /// Read objects; list snapshots.
    ReadOnly,
    /// Admin (on bucket `*`).
    NamespaceAdmin,
}

impl Role {
    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "Editor" => Some(Role::Editor),
            "ReadOnly" => Some(Role::ReadOnly),
            "NamespaceAdmin" => Some(Role::NamespaceAdmin),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "Editor",
            Role::ReadOnly => "ReadOnly",
            Role::NamespaceAdmin => "NamespaceAdmin",
        }
    }
}

/// A secret whose `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("******")
    }
}

/// A minted key.
#[derive(Debug, Clone)]
pub struct AccessKey {
    /// `tid_…`.
    pub id: String,
    /// `tsec_…`.
    pub secret: Secret,
    /// The name given at creation.
    pub name: String,
    /// Per-bucket roles.
    pub roles: Vec<(String, Role)>,
    /// Creation time (ns).
    pub created: u64,
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The root key or a matching session token.
    Admin,
    /// A minted key with per-bucket roles.
    Scoped {
        /// Key id.
        id: String,
        /// Roles by bucket.
        roles: Vec<(String, Role)>,
    },
}

/// What a request wants to do, for the role check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access<'a> {
    /// Bucket creation/deletion, forks, IAM.
    Admin,
    /// ListBuckets (filtered to the caller's buckets).
    ListBuckets,
    /// Read objects or bucket info, list snapshots.
    Read(&'a str),
    /// Write objects or settings, take snapshots.
    Write(&'a str),
}

impl Principal {
    /// The role this principal holds on `bucket` (admins: `NamespaceAdmin`).
    pub fn role_on(&self, bucket: &str) -> Option<Role> {
        match self {
            Principal::Admin => Some(Role::NamespaceAdmin),
            Principal::Scoped { roles, .. } => {
                if roles
                    .iter()
                    .any(|(b, r)| b == "*" && *r == Role::NamespaceAdmin)
                {
                    return Some(Role::NamespaceAdmin);
                }
                roles
                    .iter()
                    .filter(|(b, _)| b == bucket)
                    .map(|(_, r)| *r)
                    .max_by_key(|r| match r {
                        Role::ReadOnly => 0,
                        Role::Editor => 1,
                        Role::NamespaceAdmin => 2,
                    })
            }
        }
    }

    /// Whether this principal may perform `access`.
    pub fn allows(&self, access: &Access<'_>) -> bool {
        match access {
            Access::ListBuckets => true,
            Access::Admin => self.role_on("*") == Some(Role::NamespaceAdmin),
            Access::Read(b) => self.role_on(b).is_some(),
            Access::Write(b) => {
                matches!(self.role_on(b), Some(Role::Editor | Role::NamespaceAdmin))
            }
        }
    }
}

/// All minted keys, plus the `req_uuid` → key id map for idempotent creation.
#[derive(Debug, Default)]
pub struct KeyStore {
    keys: BTreeMap<String, AccessKey>,
    by_uuid: HashMap<String, String>,
    generation: u64,
}

fn random_token(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| {
            char::from(
                ALPHABET
                    .get(rng.gen_range(0..ALPHABET.len()))
                    .copied()
                    .unwrap_or(b'a'),
            )
        })
        .collect()
}

impl KeyStore {
    /// Mints a key, or returns the one already minted for `req_uuid`.
    pub fn create(
        &mut self,
        req_uuid: Option<&str>,
        name: &str,
        roles: Vec<(String, Role)>,
    ) -> AccessKey {
        if let Some(existing) = req_uuid
            .and_then(|u| self.by_uuid.get(u))
            .and_then(|id| self.keys.get(id))
        {
            return existing.clone();
        }
        let key = AccessKey {
            id: format!("tid_{}", random_token(24)),
            secret: Secret(format!("tsec_{}", random_token(40))),
            name: name.to_string(),
            roles,
            created: clock::now_ns(),
        };
        if let Some(u) = req_uuid {
            self.by_uuid.insert(u.to_string(), key.id.clone());
        }
        self.keys.insert(key.id.clone(), key.clone());
        self.generation += 1;
        key
    }

    /// Counts changes (create, delete, clear): a persisted key store is rewritten only when it
    /// moved.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every key with its secret and the `req_uuid` map, for the data directory (never logged).
    pub fn record(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self
            .keys
            .values()
            .map(|k| {
                serde_json::json!({
                    "id": k.id, "secret": k.secret.0, "name": k.name, "created": k.created,
                    "roles": k.roles.iter().map(|(b, r)| serde_json::json!([b, r.as_str()])).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({"keys": keys, "by_uuid": self.by_uuid})
    }

    /// Rebuilds the key store from [`KeyStore::record`]; unreadable entries are skipped.
    pub fn restore(v: &serde_json::Value) -> KeyStore {
        use serde_json::Value;
        let mut out = KeyStore::default();
        for k in v
            .get("keys")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let s = |f: &str| k.get(f).and_then(Value::as_str).map(str::to_string);
            let (Some(id), Some(secret), Some(name)) = (s("id"), s("secret"), s("name")) else {
                continue;
            };
            let roles = k
                .get("roles")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .filter_map(|r| {
                    let bucket = r.get(0)?.as_str()?.to_string();
                    Some((bucket, Role::parse(r.get(1)?.as_str()?)?))
                })
                .collect();
            let created = k.get("created").and_then(Value::as_u64).unwrap_or(0);
            out.keys.insert(
                id.clone(),
                AccessKey {
                    id,
                    secret: Secret(secret),
                    name,
                    roles,
                    created,
                },
            );
        }
        if let Some(m) = v.get("by_uuid").and_then(Value::as_object) {
            for (u, id) in m {
                if let Some(id) = id.as_str() {
                    out.by_uuid.insert(u.clone(), id.to_string());
                }
            }
        }
        out
    }

    /// Deletes a key; false when it did not exist.
    pub fn delete(&mut self, id: &str) -> bool {
        self.by_uuid.retain(|_, v| v != id);
        self.generation += 1;
        self.keys.remove(id).is_some()
    }

    /// Looks a key up.
    pub fn get(&self, id: &str) -> Option<&AccessKey> {
        self.keys.get(id)
    }

    /// All keys in id order.
    pub fn all(&self) -> impl Iterator<Item = &AccessKey> {
        self.keys.values()
    }

    /// Forgets every key.
    pub fn clear(&mut self) {
        self.keys.clear();
        self.by_uuid.clear();
        self.generation += 1;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn roles_gate_access() {
        let editor = Principal::Scoped {
            id: "e".into(),
            roles: vec![("a".into(), Role::Editor)],
        };
        let reader = Principal::Scoped {
            id: "r".into(),
            roles: vec![("a".into(), Role::ReadOnly)],
        };
        let admin_key = Principal::Scoped {
            id: "n".into(),
            roles: vec![("*".into(), Role::NamespaceAdmin)],
        };
        assert!(editor.allows(&Access::Write("a")) && editor.allows(&Access::Read("a")));
        assert!(!editor.allows(&Access::Read("b")) && !editor.allows(&Access::Write("b")));
        assert!(!editor.allows(&Access::Admin));
        assert!(reader.allows(&Access::Read("a")) && !reader.allows(&Access::Write("a")));
        assert!(!reader.allows(&Access::Admin));
        assert!(admin_key.allows(&Access::Admin) && admin_key.allows(&Access::Write("zzz")));
        assert!(Principal::Admin.allows(&Access::Admin));
    }

    #[test]
    fn req_uuid_is_idempotent_and_deletion_is_immediate() {
        let mut ks = KeyStore::default();
        let a = ks.create(Some("u1"), "k", vec![]);
        let b = ks.create(Some("u1"), "k", vec![]);
        assert_eq!(a.id, b.id);
        assert!(a.id.starts_with("tid_") && a.secret.0.starts_with("tsec_"));
        assert_eq!(format!("{:?}", a.secret), "******");
        let c = ks.create(Some("u2"), "k", vec![]);
        assert_ne!(a.id, c.id);
        assert!(ks.delete(&a.id));
        assert!(ks.get(&a.id).is_none());
        assert!(!ks.delete(&a.id));
    }
}
