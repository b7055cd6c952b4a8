//! Authentication and authorisation matrix over HTTP on 127.0.0.1: every route of
//! tigris-local refuses a wrong signature, a signature over other headers (or another body) than
//! sent, a date outside the ±15 min skew window, an unknown key, a deleted key (on the very next
//! request), an Editor key on another bucket, a ReadOnly key writing, and a scoped key calling IAM
//! or creating/deleting/forking buckets. Each refusal is checked for its status and error code and
//! for having changed nothing (state, object listings and object bodies identical before and
//! after). Positive controls prove every route is real: the same request signed correctly by an
//! allowed principal succeeds.
//!
//! Requests are signed by the independent `aws-sigv4` crate, as in `tests/http.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use serde_json::Value;

mod support;

use support::{raw, Resp};
use tigris_local::config::Config;
use tigris_local::server::{self, Server};

/// How a request is (mis)signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tamper {
    /// Signed correctly.
    None,
    /// The last hex digit of the signature flipped.
    WrongSignature,
    /// `x-amz-meta-probe: signed` signed, `x-amz-meta-probe: sent` sent.
    SignedHeaderChanged,
    /// `x-amz-meta-probe` listed in SignedHeaders but not sent.
    SignedHeaderOmitted,
    /// `x-amz-date` (always signed) moved by one second after signing.
    RouteHeaderChanged,
    /// Another body than the one whose hash was signed.
    BodyChanged,
    /// Signed 16 minutes in the past.
    DatePast,
    /// Signed 16 minutes in the future.
    DateFuture,
    /// The signature is computed with service `sqs` (a scope the server refuses).
    WrongService,
    /// The signature is computed with service `iam` (accepted on the IAM actions only).
    IamService,
    /// Signed this many seconds away from now (positive = future), otherwise correct.
    Shift(i64),
    /// Signed correctly, then this header (name, value) added unsigned.
    AddedAfterSigning(&'static str, &'static str),
}

#[derive(Clone)]
struct Signer {
    addr: SocketAddr,
    key: String,
    secret: String,
}

impl Signer {
    fn headers(&self, r: &Route, tamper: Tamper) -> (Vec<(String, String)>, Vec<u8>) {
        let host = self.addr.to_string();
        let mut headers: Vec<(String, String)> = r.headers.clone();
        headers.push(("host".into(), host.clone()));
        let probe = matches!(
            tamper,
            Tamper::SignedHeaderChanged | Tamper::SignedHeaderOmitted
        );
        if probe {
            headers.push(("x-amz-meta-probe".into(), "signed".into()));
        }
        let identity = Credentials::new(&self.key, &self.secret, None, None, "test").into();
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let time = match tamper {
            Tamper::DatePast => SystemTime::now() - Duration::from_secs(16 * 60),
            Tamper::DateFuture => SystemTime::now() + Duration::from_secs(16 * 60),
            Tamper::Shift(secs) if secs < 0 => {
                SystemTime::now() - Duration::from_secs(secs.unsigned_abs())
            }
            Tamper::Shift(secs) => SystemTime::now() + Duration::from_secs(secs.unsigned_abs()),
            _ => SystemTime::now(),
        };
        let service = match tamper {
            Tamper::WrongService => "sqs",
            Tamper::IamService => "iam",
            _ => "s3",
        };
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("auto")
            .name(service)
            .time(time)
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let url = format!("http://{host}{}", r.target);
        let signable = SignableRequest::new(
            r.method,
            url.as_str(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(r.body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        for (k, v) in instructions.headers() {
            headers.push((k.to_string(), v.to_string()));
        }
        let mut body = r.body.clone().into_bytes();
        match tamper {
            Tamper::WrongSignature => {
                let auth = headers
                    .iter_mut()
                    .find(|(k, _)| k == "authorization")
                    .unwrap();
                let last = auth.1.pop().unwrap();
                auth.1.push(if last == '0' { '1' } else { '0' });
            }
            Tamper::SignedHeaderChanged => {
                headers
                    .iter_mut()
                    .find(|(k, _)| k == "x-amz-meta-probe")
                    .unwrap()
                    .1 = "sent".into();
            }
            Tamper::SignedHeaderOmitted => headers.retain(|(k, _)| k != "x-amz-meta-probe"),
            Tamper::RouteHeaderChanged => {
                // The date header is always signed; move it by one second.
                let date = headers.iter_mut().find(|(k, _)| k == "x-amz-date").unwrap();
                let secs: u32 = date.1[13..15].parse().unwrap();
                let moved = format!("{:02}", (secs + 1) % 60);
                date.1.replace_range(13..15, &moved);
            }
            Tamper::BodyChanged => body.extend_from_slice(b"-tampered"),
            Tamper::AddedAfterSigning(name, value) => headers.push((name.into(), value.into())),
            _ => {}
        }
        (headers, body)
    }

    async fn send(&self, r: &Route, tamper: Tamper) -> Resp {
        let (headers, body) = self.headers(r, tamper);
        raw(self.addr, r.method, &r.target, &headers, &body).await
    }

    async fn ok(
        &self,
        method: &'static str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Resp {
        let r = Route {
            name: "setup",
            method,
            target: target.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
            need: Need::Admin,
        };
        let resp = self.send(&r, Tamper::None).await;
        assert!(
            resp.status < 300,
            "{method} {target}: {} {}",
            resp.status,
            resp.body
        );
        resp
    }
}

/// What a route needs from the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// Any authenticated caller (ListBuckets shows scoped keys their own buckets).
    Any,
    /// A role on the bucket.
    Read,
    /// Editor on the bucket.
    Write,
    /// Root or NamespaceAdmin (bucket create/delete/fork, IAM).
    Admin,
}

#[derive(Clone, Debug)]
struct Route {
    name: &'static str,
    method: &'static str,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
    need: Need,
}

fn route(
    name: &'static str,
    method: &'static str,
    target: String,
    headers: &[(&str, &str)],
    body: &str,
    need: Need,
) -> Route {
    Route {
        name,
        method,
        target,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_string(),
        need,
    }
}

/// Every route family of tigris-local, aimed at bucket `b` (which holds `seed` and a snapshot
/// `version`). `victim` is an existing key id (for DeleteAccessKey).
fn routes(b: &str, version: &str, victim: &str) -> Vec<Route> {
    let iam_req = format!(
        r#"{{"req_uuid":"matrix-{b}","name":"matrix-key","buckets_role":[{{"bucket":"{b}","role":"Editor"}}]}}"#
    );
    let iam_body = form_urlencoded::Serializer::new(String::new())
        .append_pair("Req", &iam_req)
        .finish();
    let form = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("accept", "application/json"),
    ];
    vec![
        route(
            "ListBuckets",
            "GET",
            "/?x-id=ListBuckets".into(),
            &[],
            "",
            Need::Any,
        ),
        route(
            "ListSnapshots",
            "GET",
            "/?x-id=ListBuckets".into(),
            &[("x-tigris-snapshot", b)],
            "",
            Need::Read,
        ),
        route(
            "CreateBucket",
            "PUT",
            "/matrix-new/".into(),
            &[],
            "",
            Need::Admin,
        ),
        route(
            "CreateSnapshotBucket",
            "PUT",
            "/matrix-snap/".into(),
            &[("x-tigris-enable-snapshot", "true")],
            "",
            Need::Admin,
        ),
        route(
            "Fork",
            "PUT",
            "/matrix-fork/".into(),
            &[
                ("x-tigris-fork-source-bucket", b),
                ("x-tigris-fork-source-bucket-snapshot", version),
            ],
            "",
            Need::Admin,
        ),
        route(
            "TakeSnapshot",
            "PUT",
            format!("/{b}/"),
            &[("x-tigris-snapshot", "true; name=matrix")],
            "",
            Need::Write,
        ),
        route(
            "DeleteBucket",
            "DELETE",
            format!("/{b}/"),
            &[("tigris-force-delete", "true")],
            "",
            Need::Admin,
        ),
        route(
            "DeleteSnapshot",
            "DELETE",
            format!("/{b}/"),
            &[("x-tigris-snapshot-version", version)],
            "",
            Need::Admin,
        ),
        route("HeadBucket", "HEAD", format!("/{b}/"), &[], "", Need::Read),
        route(
            "BucketInfo",
            "GET",
            format!("/{b}?metadata&with-size=true"),
            &[("accept", "application/json")],
            "",
            Need::Read,
        ),
        route(
            "Location",
            "GET",
            format!("/{b}/?location"),
            &[],
            "",
            Need::Read,
        ),
        route(
            "ListObjectsV2",
            "GET",
            format!("/{b}/?list-type=2"),
            &[],
            "",
            Need::Read,
        ),
        route(
            "PatchSettings",
            "PATCH",
            format!("/{b}"),
            &[("content-type", "application/json")],
            r#"{"object_notifications":{}}"#,
            Need::Write,
        ),
        route(
            "DeleteObjects",
            "POST",
            format!("/{b}/?delete"),
            &[("content-type", "application/xml")],
            "<Delete><Object><Key>seed</Key></Object></Delete>",
            Need::Write,
        ),
        route(
            "PutObject",
            "PUT",
            format!("/{b}/matrix-new.txt?x-id=PutObject"),
            &[],
            "new body",
            Need::Write,
        ),
        route(
            "PutObjectOverwrite",
            "PUT",
            format!("/{b}/seed"),
            &[],
            "overwritten",
            Need::Write,
        ),
        route(
            "CopyObject",
            "PUT",
            format!("/{b}/matrix-copy"),
            &[("x-amz-copy-source", &format!("/{b}/seed"))],
            "",
            Need::Write,
        ),
        route(
            "GetObject",
            "GET",
            format!("/{b}/seed?x-id=GetObject"),
            &[],
            "",
            Need::Read,
        ),
        route(
            "GetObjectAtSnapshot",
            "GET",
            format!("/{b}/seed"),
            &[("x-tigris-snapshot-version", version)],
            "",
            Need::Read,
        ),
        route(
            "HeadObject",
            "HEAD",
            format!("/{b}/seed"),
            &[],
            "",
            Need::Read,
        ),
        route(
            "DeleteObject",
            "DELETE",
            format!("/{b}/seed"),
            &[],
            "",
            Need::Write,
        ),
        route(
            "CreateMultipartUpload",
            "POST",
            format!("/{b}/matrix-mp?uploads"),
            &[],
            "",
            Need::Write,
        ),
        route(
            "IamCreateAccessKey",
            "POST",
            "/?Action=CreateAccessKeyWithBucketsRole".into(),
            &form,
            &iam_body,
            Need::Admin,
        ),
        route(
            "IamDeleteAccessKey",
            "POST",
            "/?Action=DeleteAccessKey".into(),
            &form,
            &format!("Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId={victim}"),
            Need::Admin,
        ),
    ]
}

struct World {
    server: Arc<Server>,
    root: Signer,
    editor: Signer,
    reader: Signer,
    /// alpha's snapshot version, bravo's snapshot version.
    versions: (String, String),
    victim: String,
}

async fn mint(root: &Signer, name: &str, roles: &str) -> Signer {
    let req = format!(r#"{{"req_uuid":"uuid-{name}","name":"{name}","buckets_role":{roles}}}"#);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("Req", &req)
        .finish();
    let r = root
        .ok(
            "POST",
            "/?Action=CreateAccessKeyWithBucketsRole",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("accept", "application/json"),
            ],
            &body,
        )
        .await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let k = &v["CreateAccessKeyResult"]["AccessKey"];
    Signer {
        addr: root.addr,
        key: k["AccessKeyId"].as_str().unwrap().into(),
        secret: k["SecretAccessKey"].as_str().unwrap().into(),
    }
}

async fn delete_key(root: &Signer, id: &str) {
    root.ok(
        "POST",
        "/?Action=DeleteAccessKey",
        &[("content-type", "application/x-www-form-urlencoded")],
        &format!("Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId={id}"),
    )
    .await;
}

/// A fresh server: snapshot buckets alpha and bravo, each with `seed` and one snapshot; an Editor
/// and a ReadOnly key on alpha; one spare key (the DeleteAccessKey target).
async fn world() -> World {
    let (addr, server) = server::spawn(Config::for_tests()).await.unwrap();
    let root = Signer {
        addr,
        key: "tid_local".into(),
        secret: "tsec_local".into(),
    };
    let mut versions = Vec::new();
    for b in ["alpha", "bravo"] {
        root.ok(
            "PUT",
            &format!("/{b}/"),
            &[("x-tigris-enable-snapshot", "true")],
            "",
        )
        .await;
        root.ok("PUT", &format!("/{b}/seed"), &[], &format!("seed of {b}"))
            .await;
        let snap = root
            .ok(
                "PUT",
                &format!("/{b}/"),
                &[("x-tigris-snapshot", "true")],
                "",
            )
            .await;
        versions.push(
            snap.header("x-tigris-snapshot-version")
                .unwrap()
                .to_string(),
        );
    }
    let editor = mint(&root, "editor", r#"[{"bucket":"alpha","role":"Editor"}]"#).await;
    let reader = mint(&root, "reader", r#"[{"bucket":"alpha","role":"ReadOnly"}]"#).await;
    let victim = mint(&root, "victim", r#"[{"bucket":"bravo","role":"ReadOnly"}]"#)
        .await
        .key;
    World {
        server,
        root,
        editor,
        reader,
        versions: (versions.remove(0), versions.remove(0)),
        victim,
    }
}

impl World {
    fn routes(&self, b: &str) -> Vec<Route> {
        let version = if b == "alpha" {
            &self.versions.0
        } else {
            &self.versions.1
        };
        routes(b, version, &self.victim)
    }

    /// Everything a refused request could have changed: buckets, snapshots, keys, settings,
    /// object counts, every object's listing entry and both seeds' bodies.
    async fn fingerprint(&self) -> String {
        let mut out = self.server.state().to_string();
        for b in ["alpha", "bravo"] {
            for target in [
                format!("/{b}/?list-type=2"),
                format!("/{b}/seed"),
                format!("/{b}?metadata"),
            ] {
                let r = route("fp", "GET", target, &[], "", Need::Read);
                let resp = self.root.send(&r, Tamper::None).await;
                out.push_str(&format!("\n{} {}", resp.status, resp.body));
            }
        }
        out
    }
}

/// Sends `r` as `who` with `tamper` and asserts it is refused with one of `codes` (status 403, or
/// 400 for the malformed/payload family) and changed nothing.
async fn refused(w: &World, who: &Signer, r: &Route, tamper: Tamper, codes: &[&str], what: &str) {
    let before = w.fingerprint().await;
    let resp = who.send(r, tamper).await;
    let context = format!(
        "{what}: {} {} {} ({tamper:?}) answered {} {}",
        r.name, r.method, r.target, resp.status, resp.body
    );
    assert!(resp.status == 403 || resp.status == 400, "{context}");
    if r.method != "HEAD" {
        let code = resp.code();
        assert!(
            codes.contains(&code.as_str()),
            "{context}: code {code:?} not in {codes:?}"
        );
    }
    let after = w.fingerprint().await;
    assert_eq!(
        before, after,
        "{context}: the refused request changed something"
    );
}

const SIG_MISMATCH: &[&str] = &["SignatureDoesNotMatch"];

#[tokio::test]
async fn every_route_works_for_an_allowed_principal() {
    // Positive controls: each route, signed correctly by root, succeeds on a fresh world; each
    // route a scoped key may use succeeds for it on its own bucket.
    let probe = world().await;
    let count = probe.routes("alpha").len();
    for i in 0..count {
        for who in ["root", "editor", "reader"] {
            let w = world().await;
            let r = w.routes("alpha").swap_remove(i);
            let (signer, allowed) = match who {
                "root" => (&w.root, true),
                "editor" => (&w.editor, r.need != Need::Admin),
                _ => (&w.reader, matches!(r.need, Need::Any | Need::Read)),
            };
            if !allowed {
                continue;
            }
            let resp = signer.send(&r, Tamper::None).await;
            assert!(
                resp.status < 300,
                "{who}: {} {} {}: {} {}",
                r.name,
                r.method,
                r.target,
                resp.status,
                resp.body
            );
        }
    }
}

#[tokio::test]
async fn every_route_refuses_bad_signatures_dates_and_unknown_keys() {
    let w = world().await;
    let unknown = Signer {
        addr: w.root.addr,
        key: "tid_nosuchkey0000".into(),
        secret: "tsec_whatever".into(),
    };
    let wrong_secret = Signer {
        addr: w.root.addr,
        key: "tid_local".into(),
        secret: "tsec_not_the_secret".into(),
    };
    let mut checked = 0;
    for r in w.routes("alpha") {
        refused(
            &w,
            &w.root,
            &r,
            Tamper::WrongSignature,
            SIG_MISMATCH,
            "wrong signature",
        )
        .await;
        refused(
            &w,
            &wrong_secret,
            &r,
            Tamper::None,
            SIG_MISMATCH,
            "wrong secret",
        )
        .await;
        refused(
            &w,
            &w.root,
            &r,
            Tamper::SignedHeaderChanged,
            SIG_MISMATCH,
            "signed header changed",
        )
        .await;
        refused(
            &w,
            &w.root,
            &r,
            Tamper::SignedHeaderOmitted,
            SIG_MISMATCH,
            "signed header omitted",
        )
        .await;
        refused(
            &w,
            &w.root,
            &r,
            Tamper::RouteHeaderChanged,
            SIG_MISMATCH,
            "x-amz-date changed after signing",
        )
        .await;
        refused(
            &w,
            &w.root,
            &r,
            Tamper::BodyChanged,
            &["XAmzContentSHA256Mismatch"],
            "body changed",
        )
        .await;
        refused(
            &w,
            &w.root,
            &r,
            Tamper::DatePast,
            &["RequestTimeTooSkewed"],
            "date 16 min in the past",
        )
        .await;
        refused(
            &w,
            &w.root,
            &r,
            Tamper::DateFuture,
            &["RequestTimeTooSkewed"],
            "date 16 min in the future",
        )
        .await;
        refused(
            &w,
            &w.root,
            &r,
            Tamper::WrongService,
            &["AuthorizationHeaderMalformed"],
            "service sqs",
        )
        .await;
        refused(
            &w,
            &unknown,
            &r,
            Tamper::None,
            &["InvalidAccessKeyId"],
            "unknown key",
        )
        .await;
        if !r.target.contains("Action=") {
            refused(
                &w,
                &w.root,
                &r,
                Tamper::IamService,
                &["AuthorizationHeaderMalformed"],
                "service iam on an S3 route",
            )
            .await;
        }
        for (name, value) in [
            ("x-amz-copy-source", "/alpha/seed.txt"),
            ("x-amz-acl", "public-read"),
            ("x-tigris-fork-source-bucket", "alpha"),
            ("tigris-force-delete", "true"),
        ] {
            if r.headers.iter().any(|(n, _)| n == name) {
                continue; // signed by this route already: a second value is a mismatch
            }
            refused(
                &w,
                &w.root,
                &r,
                Tamper::AddedAfterSigning(name, value),
                &["AccessDenied"],
                name,
            )
            .await;
        }
        // A scoped key's signature mis-signed the same ways.
        refused(
            &w,
            &w.editor,
            &r,
            Tamper::WrongSignature,
            SIG_MISMATCH,
            "editor, wrong signature",
        )
        .await;
        refused(
            &w,
            &w.editor,
            &r,
            Tamper::DatePast,
            &["RequestTimeTooSkewed"],
            "editor, skewed",
        )
        .await;
        // Unsigned.
        let before = w.fingerprint().await;
        let resp = raw(
            w.root.addr,
            r.method,
            &r.target,
            &[("host".into(), w.root.addr.to_string())],
            r.body.as_bytes(),
        )
        .await;
        assert_eq!(resp.status, 403, "unsigned {}: {}", r.name, resp.body);
        assert_eq!(
            before,
            w.fingerprint().await,
            "unsigned {} changed something",
            r.name
        );
        checked += 1;
    }
    assert_eq!(checked, w.routes("alpha").len());
}

#[tokio::test]
async fn a_deleted_key_is_refused_on_its_very_next_request_on_every_route() {
    let w = world().await;
    for r in w.routes("alpha") {
        for roles in [
            r#"[{"bucket":"*","role":"NamespaceAdmin"}]"#,
            r#"[{"bucket":"alpha","role":"Editor"}]"#,
        ] {
            let key = mint(
                &w.root,
                &format!("doomed-{}-{}", r.name, roles.len()),
                roles,
            )
            .await;
            // It works…
            let list = route(
                "ListBuckets",
                "GET",
                "/?x-id=ListBuckets".into(),
                &[],
                "",
                Need::Any,
            );
            assert_eq!(key.send(&list, Tamper::None).await.status, 200);
            // …until deleted: the very next request fails.
            delete_key(&w.root, &key.key).await;
            refused(
                &w,
                &key,
                &r,
                Tamper::None,
                &["InvalidAccessKeyId"],
                "deleted key",
            )
            .await;
        }
    }
}

#[tokio::test]
async fn scoped_keys_stay_inside_their_role_and_bucket() {
    let w = world().await;
    // An Editor key on alpha, aimed at bravo: every bucket or object route is refused.
    for r in w.routes("bravo") {
        if r.need == Need::Any {
            continue;
        }
        refused(
            &w,
            &w.editor,
            &r,
            Tamper::None,
            &["AccessDenied"],
            "Editor key on another bucket",
        )
        .await;
        refused(
            &w,
            &w.reader,
            &r,
            Tamper::None,
            &["AccessDenied"],
            "ReadOnly key on another bucket",
        )
        .await;
    }
    for r in w.routes("alpha") {
        // A ReadOnly key never writes, even on its own bucket.
        if matches!(r.need, Need::Write | Need::Admin) {
            refused(
                &w,
                &w.reader,
                &r,
                Tamper::None,
                &["AccessDenied"],
                "ReadOnly key writing",
            )
            .await;
        }
        // No scoped key calls IAM, creates, forks or deletes buckets or snapshots.
        if r.need == Need::Admin {
            refused(
                &w,
                &w.editor,
                &r,
                Tamper::None,
                &["AccessDenied"],
                "Editor key on an admin route",
            )
            .await;
        }
    }
    // ListBuckets shows a scoped key only its own bucket.
    let list = route(
        "ListBuckets",
        "GET",
        "/?x-id=ListBuckets".into(),
        &[],
        "",
        Need::Any,
    );
    for key in [&w.editor, &w.reader] {
        let body = key.send(&list, Tamper::None).await.body;
        assert!(
            body.contains("<Name>alpha</Name>") && !body.contains("bravo"),
            "{body}"
        );
    }
    // A key minted with IAM by root can itself not mint a broader key (IAM is admin only).
    let wide = r#"[{"bucket":"*","role":"NamespaceAdmin"}]"#;
    let req = format!(r#"{{"req_uuid":"escalate","name":"escalate","buckets_role":{wide}}}"#);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("Req", &req)
        .finish();
    let escalate = route(
        "Escalate",
        "POST",
        "/?Action=CreateAccessKeyWithBucketsRole".into(),
        &[("content-type", "application/x-www-form-urlencoded")],
        &body,
        Need::Admin,
    );
    refused(
        &w,
        &w.editor,
        &escalate,
        Tamper::None,
        &["AccessDenied"],
        "privilege escalation",
    )
    .await;
}

#[tokio::test]
async fn the_skew_window_is_fifteen_minutes_each_way() {
    let w = world().await;
    let list = route(
        "ListBuckets",
        "GET",
        "/?x-id=ListBuckets".into(),
        &[],
        "",
        Need::Any,
    );
    for secs in [-14 * 60, -60, 60, 14 * 60] {
        let resp = w.root.send(&list, Tamper::Shift(secs)).await;
        assert_eq!(resp.status, 200, "signed {secs} s away: {}", resp.body);
    }
    for secs in [-16 * 60, 16 * 60, -24 * 3600, 365 * 24 * 3600] {
        let resp = w.root.send(&list, Tamper::Shift(secs)).await;
        assert_eq!(
            (resp.status, resp.code()),
            (403, "RequestTimeTooSkewed".to_string()),
            "signed {secs} s away"
        );
    }
}
