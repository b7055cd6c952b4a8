//! End-to-end over HTTP on 127.0.0.1: requests signed by the independent `aws-sigv4` crate (as the
//! Rust client in this repo signs them) against an in-process server. Covers role enforcement,
//! IAM idempotency, ListObjectsV2 paging and the error formats of each route family.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::net::SocketAddr;
use std::time::SystemTime;

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
use tigris_local::server;

#[derive(Clone)]
struct Client {
    addr: SocketAddr,
    key: String,
    secret: String,
}

impl Client {
    async fn send(&self, method: &str, target: &str, extra: &[(&str, &str)], body: &str) -> Resp {
        let host = self.addr.to_string();
        let mut headers: Vec<(String, String)> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        headers.push(("host".into(), host.clone()));
        let identity = Credentials::new(&self.key, &self.secret, None, None, "test").into();
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("auto")
            .name("s3")
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let url = format!("http://{host}{target}");
        let signable = SignableRequest::new(
            method,
            url.as_str(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        for (k, v) in instructions.headers() {
            headers.push((k.to_string(), v.to_string()));
        }
        raw(self.addr, method, target, &headers, body.as_bytes()).await
    }
}

async fn start() -> Client {
    let (addr, _) = server::spawn(Config::for_tests()).await.unwrap();
    Client {
        addr,
        key: "tid_local".into(),
        secret: "tsec_local".into(),
    }
}

async fn mint(root: &Client, name: &str, roles: &str, uuid: &str) -> Client {
    let req = format!(r#"{{"req_uuid":"{uuid}","name":"{name}","buckets_role":{roles}}}"#);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("Req", &req)
        .finish();
    let r = root
        .send(
            "POST",
            "/?Action=CreateAccessKeyWithBucketsRole",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("accept", "application/json"),
            ],
            &body,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let k = &v["CreateAccessKeyResult"]["AccessKey"];
    Client {
        addr: root.addr,
        key: k["AccessKeyId"].as_str().unwrap().into(),
        secret: k["SecretAccessKey"].as_str().unwrap().into(),
    }
}

#[tokio::test]
async fn roles_are_enforced_per_bucket_and_operation() {
    let root = start().await;
    assert_eq!(
        root.send(
            "PUT",
            "/alpha/",
            &[("x-tigris-enable-snapshot", "true")],
            ""
        )
        .await
        .status,
        200
    );
    assert_eq!(root.send("PUT", "/bravo/", &[], "").await.status, 200);
    assert_eq!(
        root.send("PUT", "/alpha/seed", &[], "seed").await.status,
        200
    );
    let editor = mint(
        &root,
        "ed",
        r#"[{"bucket":"alpha","role":"Editor"}]"#,
        "u-ed",
    )
    .await;
    let again = mint(
        &root,
        "ed",
        r#"[{"bucket":"alpha","role":"Editor"}]"#,
        "u-ed",
    )
    .await;
    assert_eq!(
        again.key, editor.key,
        "a repeated req_uuid returns the same key"
    );
    let reader = mint(
        &root,
        "ro",
        r#"[{"bucket":"alpha","role":"ReadOnly"}]"#,
        "u-ro",
    )
    .await;

    // Editor
    assert_eq!(
        editor.send("PUT", "/alpha/e.txt", &[], "e").await.status,
        200
    );
    assert_eq!(
        editor.send("GET", "/alpha/seed", &[], "").await.body,
        "seed"
    );
    assert_eq!(
        editor.send("DELETE", "/alpha/e.txt", &[], "").await.status,
        204
    );
    let r = editor.send("PUT", "/bravo/x", &[], "x").await;
    assert_eq!((r.status, r.code()), (403, "AccessDenied".into()));
    assert_eq!(
        editor.send("GET", "/bravo/x", &[], "").await.code(),
        "AccessDenied"
    );
    assert_eq!(
        editor.send("PUT", "/charlie/", &[], "").await.code(),
        "AccessDenied"
    );
    assert_eq!(
        editor
            .send("DELETE", "/alpha/", &[("tigris-force-delete", "true")], "")
            .await
            .code(),
        "AccessDenied"
    );
    let snap = editor
        .send(
            "PUT",
            "/alpha/",
            &[("x-tigris-snapshot", "true; name=by editor")],
            "",
        )
        .await;
    assert_eq!(snap.status, 200);
    let version = snap
        .header("x-tigris-snapshot-version")
        .unwrap()
        .to_string();
    assert_eq!(
        editor
            .send(
                "PUT",
                "/fork1/",
                &[("x-tigris-fork-source-bucket", "alpha")],
                ""
            )
            .await
            .code(),
        "AccessDenied"
    );
    let iam = editor
        .send(
            "POST",
            "/?Action=DeleteAccessKey",
            &[("content-type", "application/x-www-form-urlencoded")],
            "Action=DeleteAccessKey&AccessKeyId=x",
        )
        .await;
    assert_eq!(iam.status, 403);
    assert!(
        iam.header("content-type").unwrap().contains("json"),
        "IAM errors are JSON"
    );
    let steal = editor
        .send(
            "PUT",
            "/alpha/stolen",
            &[("x-amz-copy-source", "/bravo/anything")],
            "",
        )
        .await;
    assert_eq!(
        steal.code(),
        "AccessDenied",
        "copying needs read access to the source bucket"
    );
    let listed = editor.send("GET", "/?x-id=ListBuckets", &[], "").await;
    assert!(
        listed.body.contains("<Name>alpha</Name>") && !listed.body.contains("bravo"),
        "{}",
        listed.body
    );
    assert_eq!(
        editor.send("GET", "/bravo?metadata", &[], "").await.code(),
        "AccessDenied"
    );

    // ReadOnly
    assert_eq!(reader.send("GET", "/alpha/seed", &[], "").await.status, 200);
    assert_eq!(
        reader.send("HEAD", "/alpha/seed", &[], "").await.status,
        200
    );
    assert_eq!(
        reader
            .send("PUT", "/alpha/seed", &[], "overwrite")
            .await
            .code(),
        "AccessDenied"
    );
    assert_eq!(
        reader.send("DELETE", "/alpha/seed", &[], "").await.code(),
        "AccessDenied"
    );
    assert_eq!(
        reader
            .send("PUT", "/alpha/", &[("x-tigris-snapshot", "true")], "")
            .await
            .code(),
        "AccessDenied"
    );
    let snaps = reader
        .send(
            "GET",
            "/?x-id=ListBuckets",
            &[("x-tigris-snapshot", "alpha")],
            "",
        )
        .await;
    assert!(
        snaps
            .body
            .contains(&format!("<Name>{version}; name=by editor</Name>")),
        "{}",
        snaps.body
    );
    assert_eq!(
        reader
            .send(
                "PATCH",
                "/alpha",
                &[("content-type", "application/json")],
                "{}"
            )
            .await
            .code(),
        "AccessDenied"
    );

    // root can fork; a deleted key is refused on the very next request
    assert_eq!(
        root.send(
            "PUT",
            "/fork1/",
            &[
                ("x-tigris-fork-source-bucket", "alpha"),
                ("x-tigris-fork-source-bucket-snapshot", &version)
            ],
            ""
        )
        .await
        .status,
        200
    );
    let del = root
        .send(
            "POST",
            "/?Action=DeleteAccessKey",
            &[("content-type", "application/x-www-form-urlencoded")],
            &format!(
                "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId={}",
                editor.key
            ),
        )
        .await;
    assert_eq!(del.status, 200);
    assert_eq!(
        editor.send("GET", "/alpha/seed", &[], "").await.code(),
        "InvalidAccessKeyId"
    );
    assert_eq!(
        root.send("GET", "/alpha/seed", &[], "").await.body,
        "seed",
        "nothing lost"
    );
}

#[tokio::test]
async fn list_objects_v2_pages_with_prefix_and_delimiter() {
    let root = start().await;
    assert_eq!(root.send("PUT", "/listing/", &[], "").await.status, 200);
    for k in ["a/1", "a/2", "b/1", "c", "d", "e/x/y"] {
        assert_eq!(
            root.send("PUT", &format!("/listing/{k}"), &[], k)
                .await
                .status,
            200
        );
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let q = match &token {
            Some(t) => format!(
                "/listing?list-type=2&delimiter=%2F&max-keys=2&continuation-token={}",
                tigris_local::sigv4::uri_encode(t)
            ),
            None => "/listing?list-type=2&delimiter=%2F&max-keys=2".to_string(),
        };
        let r = root.send("GET", &q, &[], "").await;
        assert_eq!(r.status, 200, "{}", r.body);
        for part in r
            .body
            .split("<Key>")
            .skip(1)
            .chain(r.body.split("<Prefix>").skip(2))
        {
            seen.push(part.split('<').next().unwrap().to_string());
        }
        token = r
            .body
            .split("<NextContinuationToken>")
            .nth(1)
            .map(|t| t.split('<').next().unwrap().to_string());
        if token.is_none() {
            assert!(r.body.contains("<IsTruncated>false</IsTruncated>"));
            break;
        }
    }
    seen.sort();
    assert_eq!(seen, vec!["a/", "b/", "c", "d", "e/"]);
    let prefixed = root
        .send("GET", "/listing?list-type=2&prefix=a%2F", &[], "")
        .await;
    assert!(
        prefixed.body.contains("<Key>a/1</Key>")
            && prefixed.body.contains("<Key>a/2</Key>")
            && !prefixed.body.contains("b/1")
    );
    assert!(prefixed.body.contains("<KeyCount>2</KeyCount>"));
}

#[tokio::test]
async fn error_formats_follow_the_route_family() {
    let root = start().await;
    let s3 = root.send("GET", "/missing-bucket/key", &[], "").await;
    assert_eq!((s3.status, s3.code()), (404, "NoSuchBucket".into()));
    assert!(s3.header("content-type").unwrap().contains("xml"));
    let json = root
        .send(
            "GET",
            "/missing-bucket?metadata&with-size=true",
            &[("accept", "application/json")],
            "",
        )
        .await;
    assert_eq!((json.status, json.code()), (404, "NoSuchBucket".into()));
    assert!(json
        .header("content-type")
        .unwrap()
        .contains("application/json"));
    assert_eq!(root.send("PUT", "/plain-one/", &[], "").await.status, 200);
    let snap = root
        .send("PUT", "/plain-one/", &[("x-tigris-snapshot", "true")], "")
        .await;
    assert_eq!(snap.status, 400);
    assert!(
        snap.body
            .contains("<Message>Snapshots are not enabled on bucket plain-one</Message>"),
        "{}",
        snap.body
    );
    let patch = root
        .send(
            "PATCH",
            "/plain-one",
            &[("content-type", "application/json")],
            r#"{"website":{"domain_name":"a.example"}}"#,
        )
        .await;
    assert_eq!(
        (patch.status, patch.body.as_str()),
        (200, r#"{"status":"success"}"#)
    );
    let info: Value =
        serde_json::from_str(&root.send("GET", "/plain-one?metadata", &[], "").await.body).unwrap();
    assert_eq!(info["website"]["domain_name"], "a.example");
    assert_eq!(info["type"], 0);
    let unsigned = raw(root.addr, "GET", "/", &[], b"").await;
    assert_eq!(
        (unsigned.status, unsigned.code()),
        (403, "AccessDenied".into())
    );
    assert_eq!(
        unsigned.header("access-control-expose-headers"),
        Some("X-Tigris-Snapshot-Version, ETag")
    );
}

#[tokio::test]
async fn delete_objects_copy_and_ranges() {
    let root = start().await;
    assert_eq!(root.send("PUT", "/multi/", &[], "").await.status, 200);
    for k in ["a", "b", "c"] {
        assert_eq!(
            root.send(
                "PUT",
                &format!("/multi/{k}"),
                &[("content-type", "text/plain")],
                "0123456789"
            )
            .await
            .status,
            200
        );
    }
    let r = root
        .send(
            "POST",
            "/multi?delete",
            &[],
            "<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<Deleted><Key>a</Key></Deleted>"));
    assert_eq!(
        root.send("GET", "/multi/a", &[], "").await.code(),
        "NoSuchKey"
    );
    assert_eq!(
        root.send("POST", "/multi?delete", &[], "<Delete><Object>")
            .await
            .code(),
        "MalformedXML"
    );
    let copy = root
        .send(
            "PUT",
            "/multi/copied",
            &[("x-amz-copy-source", "/multi/c")],
            "",
        )
        .await;
    assert!(copy.body.contains("<CopyObjectResult>"), "{}", copy.body);
    let part = root
        .send("GET", "/multi/copied", &[("range", "bytes=2-4")], "")
        .await;
    assert_eq!((part.status, part.body.as_str()), (206, "234"));
    assert_eq!(part.header("content-range"), Some("bytes 2-4/10"));
    let head = root.send("HEAD", "/multi/copied", &[], "").await;
    assert_eq!(head.header("content-length"), Some("10"));
    assert_eq!(head.header("content-type"), Some("text/plain"));
}

/// A bucket named `name` created by `root`.
async fn bucket(root: &Client, name: &str, snapshots: bool) {
    let headers: &[(&str, &str)] = if snapshots {
        &[("x-tigris-enable-snapshot", "true")]
    } else {
        &[]
    };
    let r = root.send("PUT", &format!("/{name}/"), headers, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// A JSON `PATCH` of `path` with `body` that must answer 400 `InvalidArgument`.
async fn patch_refused(root: &Client, path: &str, body: &str) {
    let r = root
        .send("PATCH", path, &[("content-type", "application/json")], body)
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "InvalidArgument"),
        "{body}: {}",
        r.body
    );
}

#[tokio::test]
async fn webhook_configs_that_would_inject_headers_or_call_this_server_are_refused() {
    let root = start().await;
    bucket(&root, "hooked", false).await;
    let json = [("content-type", "application/json")];
    for cfg in [
        r#"{"object_notifications":{"web_hook":"http://127.0.0.1:9/h\r\nX-Injected: 1"}}"#,
        r#"{"object_notifications":{"web_hook":"http://127.0.0.1:9/h","auth":{"token":"t\r\nX-Injected: 1"}}}"#,
    ] {
        patch_refused(&root, "/hooked", cfg).await;
    }
    let info = root
        .send(
            "GET",
            "/hooked?metadata",
            &[("accept", "application/json")],
            "",
        )
        .await;
    assert!(!info.body.contains("X-Injected"), "{}", info.body);

    // A webhook at this server's own test hooks is accepted as a config but never delivered.
    let own = format!(
        r#"{{"object_notifications":{{"web_hook":"http://{}/_local/reset"}}}}"#,
        root.addr
    );
    assert_eq!(root.send("PATCH", "/hooked", &json, &own).await.status, 200);
    assert_eq!(root.send("PUT", "/hooked/k", &[], "v").await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let got = root.send("GET", "/hooked/k", &[], "").await;
    assert_eq!(
        (got.status, got.body.as_str()),
        (200, "v"),
        "the reset never ran"
    );
}

#[tokio::test]
async fn test_hooks_answer_only_same_origin_loopback_requests_and_never_cors() {
    let root = start().await;
    let a = root.addr;
    let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let own_origin = format!("http://{a}");
    let ok = raw(
        a,
        "GET",
        "/_local/requests",
        &h(&[("origin", &own_origin)]),
        b"",
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.header("access-control-allow-origin"), None);
    let rebound = format!("rebind.example:{}", a.port());
    for (method, path, headers) in [
        (
            "GET",
            "/_local/requests",
            h(&[("origin", "http://evil.example")]),
        ),
        ("POST", "/_local/reset", h(&[("origin", "null")])),
        (
            "POST",
            "/_local/reset",
            h(&[("sec-fetch-site", "cross-site")]),
        ),
        (
            "OPTIONS",
            "/_local/reset",
            h(&[("origin", "http://evil.example")]),
        ),
        ("GET", "/_local/state", h(&[("host", &rebound)])),
    ] {
        let r = raw(a, method, path, &headers, b"").await;
        assert_eq!(
            (r.status, r.code().as_str()),
            (403, "AccessDenied"),
            "{method} {path} {headers:?}"
        );
        assert_eq!(
            r.header("access-control-allow-origin"),
            None,
            "{method} {path}"
        );
    }
    // The S3 routes keep their CORS.
    let s3 = raw(
        a,
        "OPTIONS",
        "/b/k",
        &h(&[("origin", "http://app.example")]),
        b"",
    )
    .await;
    assert_eq!(s3.status, 204);
    assert_eq!(
        s3.header("access-control-allow-origin"),
        Some("http://app.example")
    );
}

#[tokio::test]
async fn webhook_secrets_in_bucket_info_are_masked_for_keys_other_than_admin() {
    let root = start().await;
    bucket(&root, "secretive", false).await;
    let cfg = r#"{"object_notifications":{"web_hook":"http://u:hunter2@127.0.0.1:9/h?sig=qv-secret","auth":{"token":"tok-secret"}},"shadow_bucket":{"name":"s","secret_key":"shadow-secret"}}"#;
    let r = root
        .send(
            "PATCH",
            "/secretive",
            &[("content-type", "application/json")],
            cfg,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let reader = mint(
        &root,
        "reader",
        r#"[{"bucket":"secretive","role":"ReadOnly"}]"#,
        "u-reader",
    )
    .await;
    let accept = [("accept", "application/json")];
    let seen = reader.send("GET", "/secretive?metadata", &accept, "").await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    for secret in ["hunter2", "qv-secret", "tok-secret", "shadow-secret"] {
        assert!(!seen.body.contains(secret), "{secret} shown: {}", seen.body);
    }
    let v: Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(v["object_notifications"]["auth"]["token"], "******");
    // The root key reads them back whole (the SDK merges settings by read-modify-write).
    let full = root.send("GET", "/secretive?metadata", &accept, "").await;
    for secret in ["hunter2", "qv-secret", "tok-secret", "shadow-secret"] {
        assert!(
            full.body.contains(secret),
            "{secret} missing: {}",
            full.body
        );
    }
}

#[tokio::test]
async fn patch_accepts_only_the_documented_settings_and_bounded() {
    let root = start().await;
    bucket(&root, "settled", false).await;
    let json = [("content-type", "application/json")];
    let junk = format!(r#"{{"cache_control":"{}"}}"#, "x".repeat(70 * 1024));
    for body in [
        r#"{"name":"other"}"#.to_string(),
        r#"{"estimated_size":1}"#.to_string(),
        r#"{"ForkInfo":{"HasChildren":true}}"#.to_string(),
        junk,
    ] {
        patch_refused(&root, "/settled", &body).await;
    }
    let ok = root
        .send(
            "PATCH",
            "/settled",
            &json,
            r#"{"cache_control":"no-cache"}"#,
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let info = root
        .send(
            "GET",
            "/settled?metadata",
            &[("accept", "application/json")],
            "",
        )
        .await;
    let v: Value = serde_json::from_str(&info.body).unwrap();
    assert_eq!(
        (v["name"].as_str(), v["cache_control"].as_str()),
        (Some("settled"), Some("no-cache"))
    );
    assert_eq!(v["ForkInfo"]["HasChildren"], false);
}

#[tokio::test]
async fn clients_that_never_finish_their_headers_are_closed_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = Config::for_tests();
    config.header_timeout_ms = 300;
    config.max_connections = 4;
    let (addr, _) = server::spawn(config).await.unwrap();
    // Four slow sockets take every connection slot.
    let mut slow = Vec::new();
    for _ in 0..4 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nx-slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    // A normal client is served once the slow ones are cut off.
    let served = raw(addr, "GET", "/", &[], b"").await;
    assert_eq!(served.status, 403, "{}", served.body);
    for mut s in slow {
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("closed by the server")
            .unwrap_or(0);
        let head = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || head.starts_with("HTTP/1.1 408"), "{head}");
    }
}

#[tokio::test]
async fn large_bodies_are_refused_before_they_are_read_unless_signed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let root = start().await;
    bucket(&root, "uploads", false).await;
    // Heads only: the server answers without waiting for the 64 MiB (or 2 GiB) announced.
    for (length, auth, status) in [
        (64u64 << 20, "", 403),
        (
            64 << 20,
            "authorization: AWS4-HMAC-SHA256 Credential=tid_local/20260101/auto/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\nx-amz-date: 20260101T000000Z\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n",
            403,
        ),
        (2 << 30, "", 413),
    ] {
        let mut s = tokio::net::TcpStream::connect(root.addr).await.unwrap();
        let head = format!(
            "PUT /uploads/big HTTP/1.1\r\nhost: {}\r\n{auth}content-length: {length}\r\n\r\n",
            root.addr
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("answered before the body")
            .unwrap();
        let line = String::from_utf8_lossy(&buf[..n]);
        assert!(line.starts_with(&format!("HTTP/1.1 {status}")), "{length}: {line}");
    }
    // A signed large body is still accepted.
    let body = "x".repeat(3 << 20);
    let put = root.send("PUT", "/uploads/big", &[], &body).await;
    assert_eq!(put.status, 200, "{}", put.body);
    let got = root.send("HEAD", "/uploads/big", &[], "").await;
    assert_eq!(got.header("content-length"), Some("3145728"));
}

#[tokio::test]
async fn deeply_nested_xml_bodies_are_malformed_xml_and_the_server_lives_on() {
    let root = start().await;
    bucket(&root, "nested", false).await;
    let depth = 50_000;
    let deep = format!("{}{}", "<Delete>".repeat(depth), "</Delete>".repeat(depth));
    let r = root.send("POST", "/nested?delete", &[], &deep).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "MalformedXML"),
        "{}",
        r.body
    );
    let upload = root.send("POST", "/nested/k?uploads", &[], "").await;
    let id = upload
        .body
        .split("<UploadId>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let deep = format!(
        "{}{}",
        "<CompleteMultipartUpload>".repeat(depth),
        "</CompleteMultipartUpload>".repeat(depth)
    );
    let r = root
        .send("POST", &format!("/nested/k?uploadId={id}"), &[], &deep)
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "MalformedXML"),
        "{}",
        r.body
    );
    assert_eq!(
        root.send("HEAD", "/nested/", &[], "").await.status,
        200,
        "still serving"
    );
}
