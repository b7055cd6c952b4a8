//! Store unit tests: forks and snapshots, deletion rules, paging, copy-on-write counts,
//! multipart and TTL.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use std::sync::Arc;

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
    store
        .create_bucket(name, "root", BucketType::SnapshotEnabled, Acl::Private)
        .unwrap();
}

#[test]
fn fork_sees_snapshot_and_writes_are_isolated_both_ways() {
    let mut s = Store::new();
    snap_bucket(&mut s, "src");
    s.put("src", "a", obj("1"), Event::CreatedPut).unwrap();
    s.put("src", "b", obj("b"), Event::CreatedPut).unwrap();
    let v = s.snapshot("src", Some("first one".into())).unwrap();
    s.put("src", "a", obj("2"), Event::CreatedPut).unwrap();
    s.put("src", "c", obj("c"), Event::CreatedPut).unwrap();
    s.fork("fork", "root", "src", Some(v)).unwrap();
    assert_eq!(body(&s, "fork", "a", None).as_deref(), Some("1"));
    assert_eq!(body(&s, "fork", "c", None), None);
    s.put("fork", "a", obj("fork"), Event::CreatedPut).unwrap();
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
    s.put("fork", "z", obj("z"), Event::CreatedPut).unwrap();
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
    s.put("src", "k", obj("at v"), Event::CreatedPut).unwrap();
    let v = s.snapshot("src", None).unwrap();
    let lone = s.snapshot("src", None).unwrap();
    s.fork("child", "root", "src", Some(v)).unwrap();
    s.put("src", "k", obj("later"), Event::CreatedPut).unwrap();
    // deleting the snapshot a fork was made from unlists exactly it; the fork keeps its state
    s.delete_snapshot("src", v).unwrap();
    assert_eq!(body(&s, "child", "k", None).as_deref(), Some("at v"));
    s.delete_snapshot("src", lone).unwrap();
    assert_eq!(
        s.delete_snapshot("src", lone),
        Err(StoreError::NoSuchSnapshot("src".into(), lone))
    );
    assert_eq!(s.list_snapshots("src", 10, None).unwrap().0.len(), 0);
    assert!(
        matches!(s.delete_bucket("src", DeleteMode::Force), Err(StoreError::BucketHasForks(_, f)) if f == vec!["child"])
    );
    s.delete_bucket("child", DeleteMode::Force).unwrap();
    s.delete_bucket("src", DeleteMode::Force).unwrap();
}

#[test]
fn delete_rules_and_name_conflicts() {
    let mut s = Store::new();
    s.create_bucket("plain", "root", BucketType::Regular, Acl::Private)
        .unwrap();
    assert_eq!(
        s.create_bucket("plain", "root", BucketType::Regular, Acl::Private),
        Err(StoreError::BucketAlreadyOwnedByYou("plain".into()))
    );
    assert_eq!(
        s.create_bucket("plain", "other", BucketType::Regular, Acl::Private),
        Err(StoreError::BucketAlreadyExists("plain".into()))
    );
    assert!(matches!(
        s.create_bucket("Bad_Name", "root", BucketType::Regular, Acl::Private),
        Err(StoreError::Invalid(_))
    ));
    s.put("plain", "k", obj("v"), Event::CreatedPut).unwrap();
    assert_eq!(
        s.delete_bucket("plain", DeleteMode::IfEmpty),
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
    s.delete_bucket("plain", DeleteMode::Force).unwrap();
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
            Event::CreatedPut,
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
    s.put("fork-3", "k00042", obj("changed"), Event::CreatedPut)
        .unwrap();
    assert_eq!(s.distinct_bodies(), 10_001);
}

#[test]
fn multipart_assembles_in_order_and_checks_etags() {
    let mut s = Store::new();
    s.create_bucket("mpu", "root", BucketType::Regular, Acl::Private)
        .unwrap();
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
    assert_eq!(change.event, Event::CreatedMultipart);
    assert_eq!(
        s.abort_upload("mpu", "big", &id),
        Err(StoreError::NoSuchUpload)
    );
}

#[test]
fn ttl_expires_old_objects_only() {
    let mut s = Store::new();
    s.create_bucket("ttl", "root", BucketType::Regular, Acl::Private)
        .unwrap();
    s.put("ttl", "old", obj("o"), Event::CreatedPut).unwrap();
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
    s.put("ttl", "dated", obj("d"), Event::CreatedPut).unwrap();
    let rules = |date: &str| serde_json::json!([{"id":"r","expiration":{"date":date,"enabled":true},"status":1}]);
    s.settings_mut("ttl")
        .unwrap()
        .insert("lifecycle_rules".into(), rules("2999-01-01"));
    assert!(s.expire(1).is_empty(), "the date is in the future");
    s.settings_mut("ttl")
        .unwrap()
        .insert("lifecycle_rules".into(), rules("2020-01-01"));
    assert_eq!(s.expire(1).len(), 1, "past the date everything goes");
    assert_eq!(gone[0].event, Event::Deleted);
    assert!(s.get("ttl", "old", None).is_err());
}

#[test]
fn merge_applies_the_forks_changes_and_copies_no_body() {
    let mut s = Store::new();
    snap_bucket(&mut s, "base");
    for i in 0..100 {
        s.put(
            "base",
            &format!("k{i:03}"),
            obj(&format!("base {i}")),
            Event::CreatedPut,
        )
        .unwrap();
    }
    let v = s.snapshot("base", None).unwrap();
    s.fork("fork", "root", "base", Some(v)).unwrap();
    s.put("fork", "k001", obj("fork 1"), Event::CreatedPut)
        .unwrap();
    s.put("fork", "new", obj("fork new"), Event::CreatedPut)
        .unwrap();
    s.delete("fork", "k002").unwrap();
    s.put("fork", "tmp", obj("gone again"), Event::CreatedPut)
        .unwrap();
    s.delete("fork", "tmp").unwrap();
    s.put("base", "k003", obj("base moved on"), Event::CreatedPut)
        .unwrap();
    let bodies = s.distinct_bodies();
    let merged = s.merge("base", "fork").unwrap();
    assert_eq!(s.distinct_bodies(), bodies, "merge copies no body");
    assert_eq!(body(&s, "base", "k001", None).as_deref(), Some("fork 1"));
    assert_eq!(body(&s, "base", "new", None).as_deref(), Some("fork new"));
    assert_eq!(body(&s, "base", "k002", None), None, "the fork's deletion");
    assert_eq!(body(&s, "base", "tmp", None), None);
    assert_eq!(
        body(&s, "base", "k003", None).as_deref(),
        Some("base moved on"),
        "untouched by the fork"
    );
    assert!(Arc::ptr_eq(
        &s.get("base", "k001", None).unwrap().body,
        &s.get("fork", "k001", None).unwrap().body
    ));
    let listed = s.list_snapshots("base", 10, None).unwrap().0;
    assert_eq!(
        listed.first().map(|x| x.version),
        Some(merged),
        "a new listed snapshot"
    );
    assert_eq!(
        body(&s, "base", "k001", Some(v)).as_deref(),
        Some("base 1"),
        "older snapshots keep their state"
    );
    assert_eq!(
        body(&s, "base", "k001", Some(merged)).as_deref(),
        Some("fork 1")
    );
    // only direct forks merge
    s.fork("grandchild", "root", "fork", None).unwrap();
    assert!(matches!(
        s.merge("base", "grandchild"),
        Err(StoreError::NotADirectFork { .. })
    ));
    assert!(matches!(
        s.merge("fork", "base"),
        Err(StoreError::NotADirectFork { .. })
    ));
}

#[test]
fn rebase_moves_the_fork_point_and_keeps_the_forks_changes() {
    let mut s = Store::new();
    snap_bucket(&mut s, "base");
    s.put("base", "a", obj("a0"), Event::CreatedPut).unwrap();
    s.put("base", "b", obj("b0"), Event::CreatedPut).unwrap();
    s.fork("fork", "root", "base", None).unwrap();
    s.put("fork", "a", obj("fork a"), Event::CreatedPut)
        .unwrap();
    s.put("base", "a", obj("a1"), Event::CreatedPut).unwrap();
    s.put("base", "b", obj("b1"), Event::CreatedPut).unwrap();
    s.put("base", "c", obj("c1"), Event::CreatedPut).unwrap();
    assert_eq!(body(&s, "fork", "b", None).as_deref(), Some("b0"));
    let bodies = s.distinct_bodies();
    let v = s.rebase("fork").unwrap();
    assert_eq!(s.distinct_bodies(), bodies, "rebase copies no body");
    assert_eq!(
        s.bucket("fork").unwrap().parent.as_ref().unwrap().snapshot,
        v
    );
    assert_eq!(s.list_snapshots("base", 10, None).unwrap().0[0].version, v);
    assert_eq!(
        body(&s, "fork", "a", None).as_deref(),
        Some("fork a"),
        "the fork's change stays"
    );
    assert_eq!(body(&s, "fork", "b", None).as_deref(), Some("b1"));
    assert_eq!(body(&s, "fork", "c", None).as_deref(), Some("c1"));
    assert_eq!(s.rebase("base"), Err(StoreError::NotAFork("base".into())));
}

#[test]
fn a_fork_chain_ten_thousand_deep_reads_and_lists_on_a_small_stack() {
    let mut s = Store::new();
    snap_bucket(&mut s, "chain-0");
    s.put("chain-0", "root-key", obj("deep"), Event::CreatedPut)
        .unwrap();
    for i in 1..10_000 {
        s.fork(
            &format!("chain-{i}"),
            "root",
            &format!("chain-{}", i - 1),
            None,
        )
        .unwrap();
    }
    // 256 KiB of stack: a recursive walk of the chain would overflow it.
    let read = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            (
                body(&s, "chain-9999", "root-key", None),
                s.list("chain-9999", "", None).unwrap().len(),
            )
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(read, (Some("deep".to_string()), 1));
}

#[test]
fn snapshots_cannot_be_turned_off_while_a_snapshot_is_listed() {
    let mut s = Store::new();
    snap_bucket(&mut s, "snapped");
    s.put("snapped", "k", obj("old"), Event::CreatedPut)
        .unwrap();
    let v = s.snapshot("snapped", None).unwrap();
    let refused = s.set_type("snapped", BucketType::Regular).unwrap_err();
    assert!(
        matches!(&refused, StoreError::Invalid(m) if m.contains("has snapshots")),
        "{refused:?}"
    );
    s.put("snapped", "k", obj("new"), Event::CreatedPut)
        .unwrap();
    s.set_type("snapped", BucketType::SnapshotEnabled).unwrap();
    assert_eq!(body(&s, "snapped", "k", Some(v)).as_deref(), Some("old"));
    s.fork("from-snap", "root", "snapped", Some(v)).unwrap();
    assert_eq!(body(&s, "from-snap", "k", None).as_deref(), Some("old"));
    // With its snapshots deleted (and no forks) the switch is allowed.
    snap_bucket(&mut s, "unsnapped");
    let w = s.snapshot("unsnapped", None).unwrap();
    s.delete_snapshot("unsnapped", w).unwrap();
    s.set_type("unsnapped", BucketType::Regular).unwrap();
}
