//! Bucket-level reads and settings: ListBuckets, snapshot listing, the `?metadata` JSON and the
//! PATCH merge.

use serde_json::{json, Map, Value};

use super::message::{bad_json, malformed_xml};
use super::{is_true, parse_version, ApiError, Reply, Request, S3_NS};
use crate::clock;
use crate::keys::{Access, Principal};
use crate::store::{Acl, Bucket, BucketType, Store};
use crate::xml;

/// The namespace that owns buckets made with the root key or a minted admin key.
const LOCAL_NAMESPACE: &str = "local";

/// Who owns a bucket created by this (admin) request: the `X-Tigris-Namespace` of a session-token
/// request, else the local namespace. Re-creating a bucket of the same owner answers
/// `BucketAlreadyOwnedByYou`, of another owner `BucketAlreadyExists`.
fn owner(req: &Request) -> &str {
    match (
        req.header("x-amz-security-token"),
        req.header("x-tigris-namespace"),
    ) {
        (Some(_), Some(ns)) if !ns.trim().is_empty() => ns.trim(),
        _ => LOCAL_NAMESPACE,
    }
}

pub(super) fn list_buckets(store: &Store, p: &Principal) -> Reply {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult xmlns=\"{S3_NS}\"><Owner><ID>local</ID><DisplayName>tigris-local</DisplayName></Owner><Buckets>");
    for b in store.buckets().filter(|b| p.allows(&Access::Read(&b.name))) {
        out.push_str(&format!(
            "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate></Bucket>",
            xml::escape(&b.name),
            clock::rfc3339_ms(b.created)
        ));
    }
    out.push_str("</Buckets></ListAllMyBucketsResult>");
    Reply::xml(200, out)
}

pub(super) fn list_snapshots(
    store: &Store,
    bucket: &str,
    max: Option<&str>,
    token: Option<&str>,
) -> Result<Reply, ApiError> {
    let max = page_size(max)?;
    let after = token
        .filter(|t| !t.is_empty())
        .map(|t| parse_version(t, "continuation-token"))
        .transpose()?;
    let (page, next) = store.list_snapshots(bucket, max, after)?;
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult xmlns=\"{S3_NS}\"><Owner><ID>local</ID><DisplayName>tigris-local</DisplayName></Owner><Buckets>");
    for s in page {
        let name = match &s.name {
            Some(n) => format!("{}; name={n}", s.version),
            None => s.version.to_string(),
        };
        out.push_str(&format!(
            "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate></Bucket>",
            xml::escape(&name),
            clock::rfc3339_ns(s.version)
        ));
    }
    out.push_str("</Buckets>");
    if let Some(t) = next {
        out.push_str(&format!("<ContinuationToken>{t}</ContinuationToken>"));
    }
    out.push_str("</ListAllMyBucketsResult>");
    Ok(Reply::xml(200, out))
}

/// A bucket's `ForkInfo`: whether forks depend on it and its direct parent (the bucket-info JSON
/// and the JSON bucket listing share it). A snapshot version is its creation time.
fn fork_info(b: &Bucket) -> Value {
    let parents: Vec<Value> = b
        .parent
        .iter()
        .map(|p| {
            json!({
                "BucketName": p.bucket,
                "ForkCreatedAt": clock::rfc3339_ns(p.created),
                "Snapshot": p.snapshot.to_string(),
                "SnapshotCreatedAt": clock::rfc3339_ns(p.snapshot),
            })
        })
        .collect();
    json!({"HasChildren": !b.children.is_empty(), "Parents": parents})
}

/// The JSON bucket listing (`GET /` with `Accept: application/json`, as `@tigrisdata/storage`
/// reads it): the caller's buckets in name order, or only the direct forks of `forks_of`
/// (`X-Tigris-Fork`; an unknown source lists nothing); `max-buckets` per page, the last listed
/// name as `ContinuationToken` when more remain. `ForkInfo` comes with `IncludeForkInfo=true`
/// and with `X-Tigris-Fork`.
pub(super) fn list_buckets_json(
    store: &Store,
    p: &Principal,
    forks_of: Option<&str>,
    params: &[(String, String)],
) -> Result<Reply, ApiError> {
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let max = page_size(param("max-buckets"))?;
    let after = param("continuation-token").filter(|t| !t.is_empty());
    let with_forks = forks_of.is_some() || is_true(param("IncludeForkInfo"));
    let mut page = store
        .buckets()
        .filter(|b| p.allows(&Access::Read(&b.name)))
        .filter(|b| forks_of.is_none_or(|src| b.parent.as_ref().is_some_and(|pa| pa.bucket == src)))
        .filter(|b| after.is_none_or(|t| b.name.as_str() > t));
    let mut listed = Vec::new();
    for b in page.by_ref().take(max) {
        let mut entry = Map::new();
        entry.insert("Name".into(), json!(b.name));
        entry.insert("CreationDate".into(), json!(clock::rfc3339_ms(b.created)));
        let kind = if b.kind.has_snapshots() {
            "Snapshot"
        } else {
            "Regular"
        };
        entry.insert("Type".into(), json!(kind));
        entry.insert(
            "Visibility".into(),
            json!({"IsPublic": b.acl == Acl::PublicRead}),
        );
        if with_forks {
            entry.insert("ForkInfo".into(), fork_info(b));
        }
        listed.push((b.name.clone(), Value::Object(entry)));
    }
    let mut out = Map::new();
    out.insert(
        "Owner".into(),
        json!({"ID": "local", "DisplayName": "tigris-local"}),
    );
    let more = page.next().is_some();
    if let (true, Some((last, _))) = (more, listed.last()) {
        out.insert("ContinuationToken".into(), json!(last));
    }
    let buckets: Vec<Value> = listed.into_iter().map(|(_, e)| e).collect();
    out.insert("Buckets".into(), json!({ "Bucket": buckets }));
    Ok(Reply::json(200, &Value::Object(out)))
}

/// `max-buckets`: a positive integer (capped at 10,000), default 1000.
fn page_size(max: Option<&str>) -> Result<usize, ApiError> {
    match max {
        Some(m) => Ok(m
            .parse::<usize>()
            .ok()
            .filter(|m| *m >= 1)
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "InvalidArgument",
                    "max-buckets must be a positive integer",
                )
            })?
            .min(10_000)),
        None => Ok(1000),
    }
}

/// The `GET /<bucket>?metadata` JSON (docs/protocol.md §5.6).
pub fn bucket_info(store: &Store, name: &str) -> Result<Value, ApiError> {
    let b = store.bucket(name)?;
    let (rows, size) = store.count(name)?;
    let mut info = Map::new();
    info.insert("name".into(), json!(b.name));
    info.insert("type".into(), json!(b.kind.code()));
    info.insert("created_at".into(), json!(clock::rfc3339_ms(b.created)));
    info.insert("object_regions".into(), json!(""));
    info.insert("storage_class".into(), json!("STANDARD"));
    info.insert("acl_settings".into(), json!({"allow_object_acl": false}));
    info.insert("md".into(), json!({"X-Amz-Acl": b.acl.as_str()}));
    info.insert("ForkInfo".into(), fork_info(b));
    info.insert("lifecycle_rules".into(), json!([]));
    info.insert("estimated_unique_rows".into(), json!(rows));
    info.insert("estimated_rows".into(), json!(rows));
    info.insert("estimated_size".into(), json!(size));
    for (k, v) in &b.settings {
        info.insert(k.clone(), v.clone());
    }
    Ok(Value::Object(info))
}

/// The settings a PATCH may set: those the official SDK sends (`updateBucket`, `setBucketTtl`,
/// `setBucketNotifications`, `setBucketCors`, `setBucketMigration`, `shareBucket`, the type
/// switch). Anything else, such as the fields `?metadata` computes, is refused.
const PATCH_SETTINGS: &[&str] = &[
    "type",
    "lifecycle_rules",
    "object_notifications",
    "cors",
    "acl_settings",
    "object_regions",
    "cache_control",
    "website",
    "storage_class",
    "protection",
    "soft_delete",
    "additional_http_headers",
    "shadow_bucket",
    "shares",
];

/// Largest PATCH body: the settings above fit many times over.
const MAX_PATCH_BYTES: usize = 64 * 1024;

/// Validates and merges a PATCH body into the bucket settings.
pub(super) fn patch_bucket(store: &mut Store, name: &str, body: &[u8]) -> Result<(), ApiError> {
    let bucket = store.bucket(name)?;
    if body.len() > MAX_PATCH_BYTES {
        return Err(bad_json(format!(
            "Bucket settings are limited to {MAX_PATCH_BYTES} bytes of JSON"
        )));
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            400,
            "MalformedJSON",
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    let Value::Object(patch) = v else {
        return Err(ApiError::new(
            400,
            "MalformedJSON",
            "The request body must be a JSON object",
        ));
    };
    if let Some(unknown) = patch.keys().find(|k| !PATCH_SETTINGS.contains(&k.as_str())) {
        return Err(bad_json(format!("Unknown bucket setting {unknown:?}")));
    }
    let mut kind = bucket.kind;
    if let Some(t) = patch.get("type") {
        kind = match t.as_u64() {
            Some(0) => BucketType::Regular,
            Some(1) => BucketType::SnapshotEnabled,
            _ => return Err(bad_json("type must be 0 (regular) or 1 (snapshot-enabled)")),
        };
    }
    let rules = patch
        .get("lifecycle_rules")
        .or(bucket.settings.get("lifecycle_rules"));
    if let Some(rules) = patch.get("lifecycle_rules") {
        let arr = rules
            .as_array()
            .ok_or_else(|| bad_json("lifecycle_rules must be an array"))?;
        if arr.len() > 10 {
            return Err(bad_json("A bucket can have at most 10 lifecycle rules"));
        }
        for r in arr {
            if let Some(days) = r.get("expiration").and_then(|e| e.get("days")) {
                if days.as_u64().is_none_or(|d| d == 0) {
                    return Err(bad_json("expiration.days must be a positive integer"));
                }
            }
            if let Some(date) = r.get("expiration").and_then(|e| e.get("date")) {
                if date.as_str().and_then(crate::clock::parse_date).is_none() {
                    return Err(bad_json("expiration.date must be a YYYY-MM-DD date"));
                }
            }
        }
    }
    let has_ttl = rules
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if kind.has_snapshots() && has_ttl {
        return Err(ApiError::new(
            400,
            "InvalidRequest",
            format!("TTL and lifecycle rules are not supported on snapshot-enabled bucket {name}"),
        ));
    }
    let mut remove_notifications = false;
    if let Some(n) = patch.get("object_notifications") {
        let obj = n
            .as_object()
            .ok_or_else(|| bad_json("object_notifications must be an object"))?;
        if obj.is_empty() {
            remove_notifications = true;
        } else {
            let url = obj.get("web_hook").and_then(Value::as_str).unwrap_or("");
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(bad_json(
                    "object_notifications.web_hook must be an http(s) URL",
                ));
            }
            crate::webhook::check_config(n).map_err(bad_json)?;
            let filter = obj.get("filter").and_then(Value::as_str).unwrap_or("");
            crate::filter::parse(filter)
                .map_err(|e| bad_json(format!("Invalid notification filter: {e}")))?;
        }
    }
    if kind != bucket.kind {
        store.set_type(name, kind)?;
    }
    let settings = store.settings_mut(name)?;
    for (k, v) in patch {
        if k == "type" {
            continue;
        }
        if k == "object_notifications" && remove_notifications {
            settings.remove(&k);
        } else {
            settings.insert(k, v);
        }
    }
    Ok(())
}

/// `PUT` bucket with `X-Tigris-Snapshot: true[; name=…]`: takes a snapshot, answers its version.
pub(super) fn take_snapshot(req: &Request, store: &mut Store, b: &str) -> Result<Reply, ApiError> {
    store.bucket(b)?;
    let value = req.header("x-tigris-snapshot").unwrap_or("");
    let mut parts = value.splitn(2, ';');
    if !is_true(parts.next()) {
        return Err(ApiError::new(
            400,
            "InvalidArgument",
            format!("X-Tigris-Snapshot must be 'true' or 'true; name=<name>', got {value:?}"),
        ));
    }
    // the name is stored verbatim, as the JS SDK sends it
    let name = parts
        .next()
        .and_then(|r| r.trim_start().strip_prefix("name="))
        .map(str::to_string);
    let version = store.snapshot(b, name)?;
    Ok(Reply::new(200).with("X-Tigris-Snapshot-Version", version.to_string()))
}

/// `PUT` bucket: creates it (`X-Tigris-Enable-Snapshot`, `x-amz-acl`) or forks it from
/// `X-Tigris-Fork-Source-Bucket` (at `X-Tigris-Fork-Source-Bucket-Snapshot`, else "now").
/// A body, when present, must be a CreateBucketConfiguration.
pub(super) fn create_bucket(req: &Request, store: &mut Store, b: &str) -> Result<Reply, ApiError> {
    if !req.body.is_empty() {
        let doc =
            std::str::from_utf8(&req.body).map_err(|_| malformed_xml("the body is not UTF-8"))?;
        let el = xml::parse(doc).map_err(|e| malformed_xml(&e))?;
        if el.name != "CreateBucketConfiguration" {
            return Err(malformed_xml("expected CreateBucketConfiguration"));
        }
    }
    match req.header("x-tigris-fork-source-bucket") {
        Some(src) => {
            let snap = req
                .header("x-tigris-fork-source-bucket-snapshot")
                .filter(|s| !s.trim().is_empty())
                .map(|s| parse_version(s, "X-Tigris-Fork-Source-Bucket-Snapshot"))
                .transpose()?;
            store.fork(b, owner(req), src.trim(), snap)?;
        }
        None => {
            let acl = match req.header("x-amz-acl") {
                Some("public-read" | "public-read-write") => Acl::PublicRead,
                _ => Acl::Private,
            };
            let kind = if is_true(req.header("x-tigris-enable-snapshot")) {
                BucketType::SnapshotEnabled
            } else {
                BucketType::Regular
            };
            store.create_bucket(b, owner(req), kind, acl)?;
        }
    }
    Ok(Reply::new(200).with("Location", format!("/{b}")))
}

/// HeadBucket: 200 with the Tigris fork headers, or a bodiless 404.
pub(super) fn head_bucket(store: &Store, b: &str) -> Result<Reply, ApiError> {
    let bucket = store.bucket(b)?;
    let mut r = Reply::new(200).with(
        "X-Tigris-Enable-Snapshot",
        bucket.kind.has_snapshots().to_string(),
    );
    if let Some(parent) = &bucket.parent {
        r = r
            .with("X-Tigris-Fork-Source-Bucket", parent.bucket.clone())
            .with(
                "X-Tigris-Fork-Source-Bucket-Snapshot",
                parent.snapshot.to_string(),
            );
    }
    if !bucket.children.is_empty() {
        r = r.with("X-Tigris-Is-Fork-Parent", "true");
    }
    Ok(r)
}

/// `PUT /<base>` with `X-Tigris-Merge-Source-Bucket: <fork>`: merges the fork into its parent and
/// answers the version of the snapshot taken after the merge.
pub(super) fn merge_fork(store: &mut Store, base: &str, fork: &str) -> Result<Reply, ApiError> {
    let version = store.merge(base, fork.trim())?;
    Ok(Reply::new(200).with("X-Tigris-Snapshot-Version", version.to_string()))
}

/// `PUT /<fork>` with `X-Tigris-Rebase: true`: moves the fork onto a new snapshot of its parent
/// and answers that snapshot's version.
pub(super) fn rebase_fork(req: &Request, store: &mut Store, fork: &str) -> Result<Reply, ApiError> {
    if !is_true(req.header("x-tigris-rebase")) {
        return Err(ApiError::new(
            400,
            "InvalidArgument",
            "X-Tigris-Rebase must be 'true'",
        ));
    }
    let version = store.rebase(fork)?;
    Ok(Reply::new(200).with("X-Tigris-Snapshot-Version", version.to_string()))
}
