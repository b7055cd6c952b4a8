//! The exact requests of every call against the captured requests of the official SDKs (docs/protocol.md Appendix A) (methods,
//! URLs, headers in order, bodies, signed-header lists, independently verified signatures), plus
//! response parsing, error mapping, config validation, session-token mode and retries, through a
//! scripted fake runtime.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "wire_support.rs"]
mod support;

use support::*;
use tigris_agent_kit::client::TigrisClient;
use tigris_agent_kit::config::{
    env_vars, ConfigInput, Environment, Lookup, NoEnvironment, Unreadable,
};
use tigris_agent_kit::ops::*;
use tigris_agent_kit::requests::{iam, s3, Endpoint};
use tigris_agent_kit::runtime::{HttpRequest, HttpResponse, TransportError};
use tigris_agent_kit::secret::{KeyPair, Secret};

const SECRET: &str = "secret-canary-8f3a";
const CREATE_BODY_SHA: &str = "fa8d07b7320af79cd236d6e55b7b2c80544716bf2b4087b10e4a14197ee7398f";
const EMPTY_SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn config(endpoint: &str) -> ConfigInput {
    ConfigInput {
        access_key_id: Some("AKIDTEST".into()),
        secret_access_key: Some(SECRET.into()),
        endpoint: Some(endpoint.into()),
        iam_endpoint: Some("http://127.0.0.1:9999".into()),
        ..ConfigInput::default()
    }
}

fn client(responses: Vec<Result<HttpResponse, TransportError>>) -> TigrisClient<FakeRuntime> {
    TigrisClient::new(
        config("http://s3.local.test:9999"),
        &NoEnvironment,
        FakeRuntime::with(responses),
    )
}

fn names(r: &HttpRequest) -> Vec<&str> {
    r.headers.iter().map(|(k, _)| k.as_str()).collect()
}

fn signed(r: &HttpRequest) -> String {
    verify(r, SECRET).0.signed.join(";")
}

fn only(c: &TigrisClient<FakeRuntime>) -> HttpRequest {
    let sent = c.runtime().requests();
    assert_eq!(
        sent.len(),
        1,
        "{:?}",
        sent.iter().map(|r| r.url.clone()).collect::<Vec<_>>()
    );
    sent[0].clone()
}

#[test]
fn create_bucket_public_with_snapshots_virtual_hosted() {
    let c = client(vec![]);
    let opts = CreateBucketOptions {
        access: Some(Access::Public),
        enable_snapshot: true,
        fork_of: None,
    };
    block_on(c.create_bucket("ws2-snap", &opts)).unwrap();
    let r = only(&c);
    assert_eq!(r.method, "PUT");
    assert_eq!(r.url, "http://ws2-snap.s3.local.test:9999/");
    assert_eq!(
        names(&r),
        [
            "x-amz-acl",
            "content-type",
            "X-Amz-Acl-Public-List-Objects-Enabled",
            "X-Tigris-Enable-Snapshot",
            "x-amz-date",
            "x-amz-content-sha256",
            "authorization"
        ]
    );
    assert_eq!(header(&r, "x-amz-acl"), Some("public-read"));
    assert_eq!(header(&r, "content-type"), Some("application/xml"));
    assert_eq!(
        header(&r, "X-Amz-Acl-Public-List-Objects-Enabled"),
        Some("false")
    );
    assert_eq!(header(&r, "X-Tigris-Enable-Snapshot"), Some("true"));
    assert_eq!(header(&r, "x-amz-date"), Some("20260101T000000Z"));
    assert_eq!(header(&r, "x-amz-content-sha256"), Some(CREATE_BODY_SHA));
    assert_eq!(r.body.len(), 186);
    assert_eq!(r.body, s3::CREATE_BUCKET_BODY.as_bytes());
    // Appendix A's list minus the SDK's amz-sdk-*, content-length and x-amz-user-agent.
    assert_eq!(
        signed(&r),
        "content-type;host;x-amz-acl;x-amz-acl-public-list-objects-enabled;x-amz-content-sha256;x-amz-date;x-tigris-enable-snapshot"
    );
    assert!(header(&r, "authorization")
        .unwrap()
        .starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/auto/s3/aws4_request, "));
    assert_eq!(c.runtime().sent.borrow()[0].1, 30_000, "deadline");
}

#[test]
fn create_bucket_path_style_on_ip_literal_and_private_sends_no_acl() {
    let c = TigrisClient::new(
        config("http://127.0.0.1:9999"),
        &NoEnvironment,
        FakeRuntime::new(),
    );
    let opts = CreateBucketOptions {
        access: Some(Access::Private),
        ..Default::default()
    };
    block_on(c.create_bucket("ws2-snap", &opts)).unwrap();
    let r = only(&c);
    assert_eq!(r.url, "http://127.0.0.1:9999/ws2-snap/");
    assert_eq!(header(&r, "x-amz-acl"), None);
    assert_eq!(
        signed(&r),
        "content-type;host;x-amz-acl-public-list-objects-enabled;x-amz-content-sha256;x-amz-date"
    );
    // Dotted names go path-style on a DNS host too.
    let c = client(vec![]);
    block_on(c.create_bucket("my.bucket", &CreateBucketOptions::default())).unwrap();
    assert_eq!(only(&c).url, "http://s3.local.test:9999/my.bucket/");
}

#[test]
fn create_fork_headers() {
    let c = client(vec![]);
    let fork = ForkSource {
        bucket: "ws2-snap".into(),
        snapshot: Some("1751631910196673425".into()),
    };
    block_on(c.create_bucket(
        "ws2-fork-0",
        &CreateBucketOptions {
            fork_of: Some(fork),
            ..Default::default()
        },
    ))
    .unwrap();
    let r = only(&c);
    assert_eq!(r.url, "http://ws2-fork-0.s3.local.test:9999/");
    assert_eq!(
        names(&r)[..4],
        [
            "content-type",
            "X-Amz-Acl-Public-List-Objects-Enabled",
            "X-Tigris-Fork-Source-Bucket",
            "X-Tigris-Fork-Source-Bucket-Snapshot"
        ]
    );
    assert_eq!(
        header(&r, "X-Tigris-Fork-Source-Bucket-Snapshot"),
        Some("1751631910196673425")
    );
    assert_eq!(
        signed(&r),
        "content-type;host;x-amz-acl-public-list-objects-enabled;x-amz-content-sha256;x-amz-date;x-tigris-fork-source-bucket;x-tigris-fork-source-bucket-snapshot"
    );
    // Empty snapshot id: fork from "now", no snapshot header.
    let c = client(vec![]);
    let fork = ForkSource {
        bucket: "ws2-snap".into(),
        snapshot: Some(String::new()),
    };
    block_on(c.create_bucket(
        "ws2-fork-1",
        &CreateBucketOptions {
            fork_of: Some(fork),
            ..Default::default()
        },
    ))
    .unwrap();
    assert_eq!(
        header(&only(&c), "X-Tigris-Fork-Source-Bucket-Snapshot"),
        None
    );
    // Snapshot without source: refused before any request.
    let c = client(vec![]);
    let fork = ForkSource {
        bucket: String::new(),
        snapshot: Some("1".into()),
    };
    let e = block_on(c.create_bucket(
        "x-y-z",
        &CreateBucketOptions {
            fork_of: Some(fork),
            ..Default::default()
        },
    ))
    .unwrap_err();
    assert_eq!(
        e.message,
        "sourceBucketName is required when sourceBucketSnapshot is provided"
    );
    assert!(c.runtime().requests().is_empty());
}

#[test]
fn create_snapshot_request_and_version() {
    let c = client(vec![Ok(resp(
        200,
        "OK",
        &[("x-tigris-snapshot-version", "1751631910196672425")],
        "",
    ))]);
    let v = block_on(c.create_snapshot("ws2-snap", Some("v1"))).unwrap();
    assert_eq!(v, "1751631910196672425");
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str()),
        ("PUT", "http://ws2-snap.s3.local.test:9999/")
    );
    assert_eq!(names(&r)[..2], ["content-type", "X-Tigris-Snapshot"]);
    assert_eq!(header(&r, "X-Tigris-Snapshot"), Some("true; name=v1"));
    assert_eq!(header(&r, "x-amz-content-sha256"), Some(CREATE_BODY_SHA));
    assert_eq!(
        signed(&r),
        "content-type;host;x-amz-content-sha256;x-amz-date;x-tigris-snapshot"
    );
    // No name, no version header: "" without error.
    let c = client(vec![]);
    assert_eq!(block_on(c.create_snapshot("ws2-snap", None)).unwrap(), "");
    assert_eq!(header(&only(&c), "X-Tigris-Snapshot"), Some("true"));
    // A header value fetch would refuse: error before any request.
    let c = client(vec![]);
    let e = block_on(c.create_snapshot("ws2-snap", Some("a\nb"))).unwrap_err();
    assert_eq!(e.message, "Unable to create bucket snapshot Invalid character in header content [\"X-Tigris-Snapshot\"]");
    assert!(c.runtime().requests().is_empty());
}

#[test]
fn list_snapshots_request_and_parse() {
    let body = "<ListAllMyBucketsResult><Buckets><Bucket><Name>1751631910196672425; name=my first snapshot</Name><CreationDate>2025-07-04T12:25:10.19667705Z</CreationDate></Bucket></Buckets><ContinuationToken>1751631910196672425</ContinuationToken></ListAllMyBucketsResult>";
    let c = client(vec![Ok(resp(
        200,
        "OK",
        &[("content-type", "application/xml")],
        body,
    ))]);
    let page =
        block_on(c.list_snapshots("ws2-snap", Some(1), Some("1751631910196674425"))).unwrap();
    let r = only(&c);
    assert_eq!(r.method, "GET");
    assert_eq!(r.url, "http://s3.local.test:9999/?continuation-token=1751631910196674425&max-buckets=1&x-id=ListBuckets");
    assert_eq!(names(&r)[0], "X-Tigris-Snapshot");
    assert_eq!(header(&r, "X-Tigris-Snapshot"), Some("ws2-snap"));
    assert_eq!(header(&r, "x-amz-content-sha256"), Some(EMPTY_SHA));
    assert!(r.body.is_empty());
    assert_eq!(
        signed(&r),
        "host;x-amz-content-sha256;x-amz-date;x-tigris-snapshot"
    );
    assert_eq!(page.snapshots.len(), 1);
    assert_eq!(
        page.snapshots[0].version.as_deref(),
        Some("1751631910196672425")
    );
    assert_eq!(page.snapshots[0].name.as_deref(), Some("my first snapshot"));
    assert_eq!(page.snapshots[0].created_at_ms, Some(1_751_631_910_197.0));
    assert_eq!(
        page.continuation_token.as_deref(),
        Some("1751631910196672425")
    );

    let c = client(vec![Ok(resp(
        200,
        "OK",
        &[],
        "<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>",
    ))]);
    let page = block_on(c.list_snapshots("ws2-snap", None, None)).unwrap();
    assert_eq!(only(&c).url, "http://s3.local.test:9999/?x-id=ListBuckets");
    assert!(page.snapshots.is_empty() && page.continuation_token.is_none());
}

#[test]
fn remove_bucket_force() {
    let c = client(vec![Ok(resp(204, "No Content", &[], ""))]);
    block_on(c.remove_bucket("ws2-fork-0")).unwrap();
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str()),
        ("DELETE", "http://ws2-fork-0.s3.local.test:9999/")
    );
    assert_eq!(names(&r)[0], "Tigris-Force-Delete");
    assert_eq!(header(&r, "Tigris-Force-Delete"), Some("true"));
    assert_eq!(
        signed(&r),
        "host;tigris-force-delete;x-amz-content-sha256;x-amz-date"
    );
    let c = TigrisClient::new(
        config("http://127.0.0.1:9999"),
        &NoEnvironment,
        FakeRuntime::new(),
    );
    block_on(c.remove_bucket("ws2-fork-0")).unwrap();
    assert_eq!(only(&c).url, "http://127.0.0.1:9999/ws2-fork-0/");
}

fn json_ok(body: &str) -> Result<HttpResponse, TransportError> {
    Ok(resp(
        200,
        "OK",
        &[("content-type", "application/json")],
        body,
    ))
}

#[test]
fn set_notifications_get_then_patch() {
    let c = client(vec![
        json_ok(r#"{"name":"ws2-plain","type":0}"#),
        json_ok(r#"{"status":"success"}"#),
    ]);
    let cfg = NotificationConfig {
        url: "https://example.com/webhook".into(),
        filter: "WHERE `key` REGEXP \"^results/\"".into(),
        auth: Some(WebhookAuth::Token("test-secret-token".into())),
    };
    block_on(c.set_notifications("ws2-plain", &cfg)).unwrap();
    let sent = c.runtime().requests();
    assert_eq!(sent.len(), 2);
    let get = &sent[0];
    assert_eq!(
        (get.method, get.url.as_str()),
        (
            "GET",
            "http://s3.local.test:9999/ws2-plain?metadata&with-size=true"
        )
    );
    assert_eq!(
        names(get),
        [
            "Content-Type",
            "Accept",
            "x-amz-date",
            "x-amz-content-sha256",
            "authorization"
        ]
    );
    assert_eq!(header(get, "Content-Type"), Some("application/json"));
    assert_eq!(header(get, "Accept"), Some("application/json"));
    assert_eq!(
        signed(get),
        "accept;content-type;host;x-amz-content-sha256;x-amz-date"
    );
    let patch = &sent[1];
    assert_eq!(
        (patch.method, patch.url.as_str()),
        ("PATCH", "http://s3.local.test:9999/ws2-plain")
    );
    assert_eq!(names(patch)[0], "Content-Type");
    assert_eq!(
        String::from_utf8(patch.body.clone()).unwrap(),
        r#"{"object_notifications":{"enabled":true,"web_hook":"https://example.com/webhook","filter":"WHERE `key` REGEXP \"^results/\"","auth":{"token":"test-secret-token"}}}"#
    );
    assert_eq!(patch.body.len(), 163);
    assert_eq!(
        header(patch, "x-amz-content-sha256"),
        Some("99583fd60e8da0095cd5cbb4abba65781e17ba74d39e837cf04c7d4921de8775")
    );
    assert_eq!(
        signed(patch),
        "content-type;host;x-amz-content-sha256;x-amz-date"
    );
    // Re-signed at its own time.
    assert_eq!(header(patch, "x-amz-date"), Some("20260101T000001Z"));
}

#[test]
fn clear_notifications_is_one_patch() {
    let c = client(vec![json_ok(r#"{"status":"success"}"#)]);
    block_on(c.clear_notifications("ws2-plain")).unwrap();
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str()),
        ("PATCH", "http://s3.local.test:9999/ws2-plain")
    );
    assert_eq!(r.body, br#"{"object_notifications":{}}"#);
    assert_eq!(
        header(&r, "x-amz-content-sha256"),
        Some("517d9dbce443a9c40a1e156fd3a627fc1f4f38723ad7d098580ec3231f959c79")
    );
}

#[test]
fn set_ttl_get_then_patch_with_random_uuid() {
    let c = client(vec![
        json_ok(r#"{"lifecycle_rules":[]}"#),
        Ok(resp(204, "No Content", &[], "")),
    ]);
    block_on(c.set_bucket_ttl("ws-plain", std::num::NonZeroU32::new(1).unwrap())).unwrap();
    let sent = c.runtime().requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].url,
        "http://s3.local.test:9999/ws-plain?metadata&with-size=true"
    );
    let body = String::from_utf8(sent[1].body.clone()).unwrap();
    let id = body.strip_prefix(r#"{"lifecycle_rules":[{"id":""#).unwrap();
    let (uuid, rest) = id.split_at(36);
    assert_eq!(
        rest,
        r#"","expiration":{"days":1,"enabled":true},"status":1}]}"#
    );
    let b = uuid.as_bytes();
    assert!(b[8] == b'-' && b[13] == b'-' && b[14] == b'4' && b[18] == b'-' && b[23] == b'-');
    assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'));
    // An existing TTL rule keeps its id.
    let c = client(vec![json_ok(
        r#"{"lifecycle_rules":[{"id":"keep-me","expiration":{"days":3,"enabled":true},"status":1}]}"#,
    )]);
    block_on(c.set_bucket_ttl("ws-plain", std::num::NonZeroU32::new(2).unwrap())).unwrap();
    assert_eq!(
        c.runtime().requests()[1].body,
        br#"{"lifecycle_rules":[{"id":"keep-me","expiration":{"days":2,"enabled":true},"status":1}]}"#
    );
}

#[test]
fn create_access_key_request_matches_capture() {
    let endpoint = Endpoint::parse("http://127.0.0.1:9999").unwrap();
    let r = iam::create_access_key(
        &endpoint,
        "ecb69519-2abd-400b-a32e-d69da21a6c8d",
        "ws2-plain-key",
        "ws2-plain",
        Role::Editor,
    );
    assert_eq!(
        (r.method, r.url.as_str()),
        (
            "POST",
            "http://127.0.0.1:9999/?Action=CreateAccessKeyWithBucketsRole"
        )
    );
    assert_eq!(
        r.headers,
        [
            (
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string()
            ),
            ("Accept".into(), "application/json".into())
        ]
    );
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        "Req=%7B%22req_uuid%22%3A%22ecb69519-2abd-400b-a32e-d69da21a6c8d%22%2C%22name%22%3A%22ws2-plain-key%22%2C%22buckets_role%22%3A%5B%7B%22bucket%22%3A%22ws2-plain%22%2C%22role%22%3A%22Editor%22%7D%5D%7D"
    );
    assert_eq!(r.body.len(), 198);
    assert_eq!(
        sha256_hex(&r.body),
        "0dc845daf2e85380cda51968e789848e69c0a73db7da8fe82dcf1c7b26d0e925"
    );

    let key = r#"{"CreateAccessKeyResult":{"AccessKey":{"AccessKeyId":"tid_x","SecretAccessKey":"tsec_y","UserName":"ws2-plain-key"}}}"#;
    let c = client(vec![json_ok(key)]);
    let k = block_on(c.create_access_key("ws2-plain-key", "ws2-plain", Role::ReadOnly)).unwrap();
    assert_eq!(
        (k.id.as_str(), k.secret.as_ref().map(Secret::expose)),
        ("tid_x", Some("tsec_y"))
    );
    assert!(!format!("{k:?}").contains("tsec_y"));
    let r = only(&c);
    assert_eq!(
        r.url,
        "http://127.0.0.1:9999/?Action=CreateAccessKeyWithBucketsRole"
    );
    assert_eq!(
        signed(&r),
        "accept;content-type;host;x-amz-content-sha256;x-amz-date"
    );
    assert!(String::from_utf8(r.body)
        .unwrap()
        .contains("%22role%22%3A%22ReadOnly%22"));
    // Not JSON / no AccessKey.
    let c = client(vec![Ok(resp(
        200,
        "OK",
        &[("content-type", "text/plain")],
        "ok",
    ))]);
    assert_eq!(
        block_on(c.create_access_key("k", "b-b", Role::Editor))
            .unwrap_err()
            .message,
        "Unable to create access key"
    );
}

#[test]
fn remove_access_key_request() {
    let c = client(vec![]);
    block_on(c.remove_access_key("tid_EXAMPLE")).unwrap();
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str()),
        ("POST", "http://127.0.0.1:9999/?Action=DeleteAccessKey")
    );
    assert_eq!(
        r.body,
        b"Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=tid_EXAMPLE"
    );
    assert_eq!(
        signed(&r),
        "accept;content-type;host;x-amz-content-sha256;x-amz-date"
    );
}

#[test]
fn session_token_modes() {
    let cfg = ConfigInput {
        session_token: Some("SESSIONTOKEN123".into()),
        organization_id: Some("org_abc".into()),
        endpoint: Some("http://127.0.0.1:9999".into()),
        ..ConfigInput::default()
    };
    // HTTP transport: no signature, token + namespace headers.
    let c = TigrisClient::new(
        cfg.clone(),
        &NoEnvironment,
        FakeRuntime::with(vec![json_ok("{}")]),
    );
    block_on(c.clear_notifications("sess-b")).unwrap();
    let r = only(&c);
    assert_eq!(
        r.headers,
        [
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-amz-security-token".into(), "SESSIONTOKEN123".into()),
            ("X-Tigris-Namespace".into(), "org_abc".into())
        ]
    );
    // S3 transport: signed with an empty key id, token and namespace signed.
    let c = TigrisClient::new(cfg, &NoEnvironment, FakeRuntime::new());
    block_on(c.create_bucket("sess-b", &CreateBucketOptions::default())).unwrap();
    let r = only(&c);
    let (authz, _) = verify(&r, "");
    assert_eq!(authz.access_key, "");
    assert_eq!(authz.scope, "20260101/auto/s3/aws4_request");
    assert_eq!(
        authz.signed.join(";"),
        "content-type;host;x-amz-acl-public-list-objects-enabled;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-tigris-namespace"
    );
    // Token without org on the HTTP transport.
    let cfg = ConfigInput {
        session_token: Some("SESSIONTOKEN123".into()),
        ..ConfigInput::default()
    };
    let c = TigrisClient::new(cfg, &NoEnvironment, FakeRuntime::new());
    let e = block_on(c.clear_notifications("b-b-b")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::InvalidArgument, "Organization ID is required")
    );
    // ... and on the S3 transport the key checks apply.
    let e = block_on(c.remove_bucket("b-b-b")).unwrap_err();
    assert_eq!(e.message, "Tigris Config incomplete: accessKeyId is missing. Set TIGRIS_STORAGE_ACCESS_KEY_ID in environment or pass it as an option.");
    assert!(c.runtime().requests().is_empty());
}

struct MapEnv(Vec<(&'static str, &'static str)>);
impl Environment for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn config_errors_before_any_request() {
    let c = TigrisClient::new(ConfigInput::default(), &NoEnvironment, FakeRuntime::new());
    let e = block_on(c.create_bucket("abc", &CreateBucketOptions::default())).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    assert_eq!(e.message, "Tigris Config incomplete: accessKeyId is missing. Set TIGRIS_STORAGE_ACCESS_KEY_ID in environment or pass it as an option.");
    let e = block_on(c.set_bucket_ttl("abc", std::num::NonZeroU32::new(1).unwrap())).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::InvalidArgument,
            "Session token or credentials are required"
        )
    );
    let e = block_on(c.create_access_key("k", "abc", Role::Editor)).unwrap_err();
    assert_eq!(e.message, "Session token or credentials are required");
    let only_key = ConfigInput {
        access_key_id: Some("AK".into()),
        ..ConfigInput::default()
    };
    let c = TigrisClient::new(only_key, &NoEnvironment, FakeRuntime::new());
    let e = block_on(c.list_snapshots("abc", None, None)).unwrap_err();
    assert_eq!(e.message, "Tigris Config incomplete: secretAccessKey is missing. Set TIGRIS_STORAGE_SECRET_ACCESS_KEY in environment or pass it as an option.");
    let mut empty_endpoint = config("");
    empty_endpoint.endpoint = Some(String::new());
    let c = TigrisClient::new(empty_endpoint, &NoEnvironment, FakeRuntime::new());
    let e = block_on(c.remove_bucket("abc")).unwrap_err();
    assert_eq!(e.message, "Tigris Config incomplete: endpoint is missing. Set TIGRIS_STORAGE_ENDPOINT in environment or pass it as an option.");
    assert!(c.runtime().requests().is_empty());
}

/// An environment that cannot read some variables, as Deno without the permission or a Worker.
struct UnreadableEnv(Unreadable);
impl Environment for UnreadableEnv {
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
    fn lookup(&self, name: &str) -> Lookup {
        if name == env_vars::ACCESS_KEY_ID || name == env_vars::SECRET_ACCESS_KEY {
            Lookup::Unreadable(self.0)
        } else {
            Lookup::Unset
        }
    }
}

#[test]
fn missing_keys_name_why_the_environment_gave_none() {
    let original = "Tigris Config incomplete: accessKeyId is missing. Set TIGRIS_STORAGE_ACCESS_KEY_ID in environment or pass it as an option.";
    for (why, hint) in [
        (
            Unreadable::NotPermitted,
            " (Deno: the env permission for TIGRIS_STORAGE_ACCESS_KEY_ID is not granted)",
        ),
        (
            Unreadable::NoEnvironment,
            " (this runtime has no environment: pass config.accessKeyId)",
        ),
    ] {
        let c = TigrisClient::new(
            ConfigInput::default(),
            &UnreadableEnv(why),
            FakeRuntime::new(),
        );
        let e = block_on(c.remove_bucket("abc")).unwrap_err();
        assert_eq!(e.message, format!("{original}{hint}"));
        let with_key = ConfigInput {
            access_key_id: Some("AK".into()),
            ..ConfigInput::default()
        };
        let c = TigrisClient::new(with_key, &UnreadableEnv(why), FakeRuntime::new());
        let e = block_on(c.remove_bucket("abc")).unwrap_err();
        assert!(
            e.message.ends_with(&why_hint(
                why,
                "secretAccessKey",
                env_vars::SECRET_ACCESS_KEY
            )),
            "{}",
            e.message
        );
        assert!(c.runtime().requests().is_empty());
    }
}

/// The expected hint, written out independently of the code under test.
fn why_hint(why: Unreadable, field: &str, var: &str) -> String {
    match why {
        Unreadable::NotPermitted => format!(" (Deno: the env permission for {var} is not granted)"),
        Unreadable::NoEnvironment => {
            format!(" (this runtime has no environment: pass config.{field})")
        }
    }
}

#[test]
fn config_precedence_explicit_env_default() {
    let env = MapEnv(vec![
        ("TIGRIS_STORAGE_ACCESS_KEY_ID", "ENVKEY"),
        ("TIGRIS_STORAGE_SECRET_ACCESS_KEY", "env-secret-canary"),
        ("TIGRIS_STORAGE_ENDPOINT", "http://env.example:1"),
    ]);
    // Environment used when nothing explicit; IAM endpoint from its default.
    let c = TigrisClient::new(ConfigInput::default(), &env, FakeRuntime::new());
    block_on(c.remove_bucket("abc")).unwrap();
    block_on(c.remove_access_key("tid")).unwrap();
    let sent = c.runtime().requests();
    assert_eq!(sent[0].url, "http://abc.env.example:1/");
    assert!(header(&sent[0], "authorization")
        .unwrap()
        .contains("Credential=ENVKEY/"));
    assert_eq!(
        sent[1].url,
        "https://iam.storageapi.dev/?Action=DeleteAccessKey"
    );
    // Explicit wins; an explicit empty string wins too (and is "missing").
    let explicit = ConfigInput {
        access_key_id: Some(String::new()),
        endpoint: Some("https://x.example".into()),
        ..ConfigInput::default()
    };
    let c = TigrisClient::new(explicit, &env, FakeRuntime::new());
    let e = block_on(c.remove_bucket("abc")).unwrap_err();
    assert!(e.message.contains("accessKeyId is missing"), "{e}");
    // Defaults.
    let c = TigrisClient::new(config("http://unused"), &NoEnvironment, FakeRuntime::new());
    let rc = tigris_agent_kit::config::resolve(&ConfigInput::default(), &NoEnvironment);
    assert_eq!(rc.endpoint.value.as_deref(), Some("https://t3.storage.dev"));
    assert_eq!(
        rc.iam_endpoint.value.as_deref(),
        Some("https://iam.storageapi.dev")
    );
    assert_eq!(
        rc.mgmt_endpoint.value.as_deref(),
        Some("https://mgmt.storageapi.dev")
    );
    let dbg = format!(
        "{:?} {:?} {c:?}",
        tigris_agent_kit::config::resolve(&ConfigInput::default(), &env),
        config("x")
    );
    assert!(
        !dbg.contains("env-secret-canary") && !dbg.contains(SECRET),
        "{dbg}"
    );
}

#[test]
fn credential_provider_is_honoured_for_s3_and_iam() {
    let cfg = ConfigInput {
        has_credential_provider: true,
        iam_endpoint: Some("http://127.0.0.1:9".into()),
        ..ConfigInput::default()
    };
    let rt = FakeRuntime::new();
    *rt.provider.borrow_mut() = Some(Ok(KeyPair {
        access_key_id: "PROVKEY".into(),
        secret_access_key: "prov-secret-canary".into(),
        session_token: None,
    }));
    let c = TigrisClient::new(cfg.clone(), &NoEnvironment, rt);
    block_on(c.create_bucket("abc", &CreateBucketOptions::default())).unwrap();
    block_on(c.remove_access_key("tid")).unwrap();
    let sent = c.runtime().requests();
    for r in &sent {
        let (authz, _) = verify(r, "prov-secret-canary");
        assert_eq!(authz.access_key, "PROVKEY");
        assert_eq!(header(r, "X-Tigris-Namespace"), None);
    }
    assert_eq!(sent[0].url, "https://abc.t3.storage.dev/");
    assert_eq!(c.runtime().provider_calls.get(), 2);
    // Provider failure: no request.
    let rt = FakeRuntime::new();
    *rt.provider.borrow_mut() = Some(Err("token expired".into()));
    let c = TigrisClient::new(cfg, &NoEnvironment, rt);
    let e = block_on(c.create_bucket("abc", &CreateBucketOptions::default())).unwrap_err();
    assert_eq!(e.message, "Unable to create bucket token expired");
    assert!(c.runtime().requests().is_empty());
}

#[test]
fn error_messages_and_kinds() {
    let cases: Vec<(HttpResponse, ErrorCode, &str)> = vec![
        (
            s3_error(
                409,
                "BucketAlreadyExists",
                "The requested bucket name is not available.",
            ),
            ErrorCode::BucketAlreadyExists,
            "Unable to create bucket The requested bucket name is not available.",
        ),
        (
            s3_error(403, "AccessDenied", "Access Denied."),
            ErrorCode::AccessDenied,
            "Unable to create bucket Access Denied.",
        ),
        (
            s3_error(400, "InvalidBucketName", "bad"),
            ErrorCode::InvalidArgument,
            "Unable to create bucket bad",
        ),
        (
            s3_error(409, "BucketAlreadyOwnedByYou", "yours"),
            ErrorCode::BucketAlreadyExists,
            "Unable to create bucket yours",
        ),
    ];
    for (response, kind, message) in cases {
        let c = client(vec![Ok(response)]);
        let e = block_on(c.create_bucket("abc", &CreateBucketOptions::default())).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (kind, message));
        assert_eq!(c.runtime().requests().len(), 1);
    }
    let c = client(vec![Ok(s3_error(
        400,
        "InvalidRequest",
        "Snapshots are not enabled on bucket abc",
    ))]);
    let e = block_on(c.create_snapshot("abc", None)).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::SnapshotsNotEnabled,
            "Unable to create bucket snapshot Snapshots are not enabled on bucket abc"
        )
    );
    let c = client(vec![Ok(resp(409, "Conflict", &[], ""))]);
    let e = block_on(c.remove_bucket("abc")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::Conflict, "Unable to remove bucket UnknownError")
    );
    let c = client(vec![Ok(s3_error(
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
    ))]);
    let e = block_on(c.list_snapshots("abc", None, None)).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::NotFound,
            "Unable to list bucket snapshots The specified bucket does not exist"
        )
    );
    // JSON routes: no prefix, published-SDK message rules.
    let c = client(vec![Ok(resp(
        404,
        "Not Found",
        &[("content-type", "application/xml")],
        "<Error><Code>NoSuchBucket</Code></Error>",
    ))]);
    let e = block_on(c.set_bucket_ttl("abc", std::num::NonZeroU32::new(1).unwrap())).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::NotFound, "Not Found")
    );
    assert_eq!(
        c.runtime().requests().len(),
        1,
        "no PATCH after a failed GET"
    );
    let c = client(vec![Ok(resp(
        403,
        "Forbidden",
        &[("content-type", "application/json")],
        r#"{"Code":"AccessDenied","Message":"Access Denied json"}"#,
    ))]);
    let e = block_on(c.clear_notifications("abc")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::AccessDenied, "Access Denied json")
    );
    let c = client(vec![json_ok(
        r#"{"status":"error","message":"TTL is not supported on snapshot buckets"}"#,
    )]);
    let e = block_on(c.clear_notifications("abc")).unwrap_err();
    assert_eq!(e.message, "TTL is not supported on snapshot buckets");
    let c = client(vec![Ok(resp(400, "", &[], ""))]);
    assert_eq!(
        block_on(c.remove_access_key("k")).unwrap_err().message,
        "Unknown error"
    );
}

#[test]
fn transient_failures_are_retried_and_resigned() {
    let boom = || Ok(s3_error(500, "InternalError", "boom"));
    let c = client(vec![boom(), boom(), boom(), boom(), boom()]);
    let e = block_on(c.create_bucket("abc", &CreateBucketOptions::default())).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::ServerError, "Unable to create bucket boom")
    );
    let sent = c.runtime().requests();
    assert_eq!(sent.len(), 4);
    assert_eq!(c.runtime().sleeps.borrow().len(), 3);
    assert!(c
        .runtime()
        .sleeps
        .borrow()
        .iter()
        .zip([100, 200, 400])
        .all(|(s, cap)| *s <= cap));
    let dates: Vec<&str> = sent
        .iter()
        .map(|r| header(r, "x-amz-date").unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "20260101T000000Z",
            "20260101T000001Z",
            "20260101T000002Z",
            "20260101T000003Z"
        ]
    );
    for r in &sent {
        verify(r, SECRET);
    }
    // 503 then success; 429 then success.
    let c = client(vec![
        Ok(resp(503, "Service Unavailable", &[], "")),
        Ok(resp(429, "", &[], "")),
        json_ok("{}"),
    ]);
    block_on(c.clear_notifications("abc")).unwrap();
    assert_eq!(c.runtime().requests().len(), 3);
    // Network errors and timeouts to the end: NetworkError / Timeout with the transport message.
    let c = client(vec![Err(TransportError::Network("fetch failed".into())); 4]);
    let e = block_on(c.remove_bucket("abc")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::NetworkError,
            "Unable to remove bucket fetch failed"
        )
    );
    let c = client(vec![Err(TransportError::Timeout); 4]);
    let e = block_on(c.remove_access_key("k")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::Timeout, "Request timed out")
    );
    // Non-transient statuses are not retried.
    let c = client(vec![Ok(s3_error(403, "AccessDenied", "no"))]);
    assert!(block_on(c.remove_bucket("abc")).is_err());
    assert_eq!(c.runtime().requests().len(), 1);
}

#[test]
fn retries_never_create_twice() {
    // Lost response, then BucketAlreadyOwnedByYou: success.
    let c = client(vec![
        Err(TransportError::Timeout),
        Ok(s3_error(409, "BucketAlreadyOwnedByYou", "yours")),
    ]);
    block_on(c.create_bucket("abc", &CreateBucketOptions::default())).unwrap();
    assert_eq!(c.runtime().requests().len(), 2);
    // Key create: one req_uuid across attempts.
    let key = r#"{"CreateAccessKeyResult":{"AccessKey":{"AccessKeyId":"tid_x","SecretAccessKey":"tsec_y"}}}"#;
    let c = client(vec![
        Err(TransportError::Network("reset".into())),
        Ok(resp(502, "", &[], "")),
        json_ok(key),
    ]);
    block_on(c.create_access_key("k", "abc", Role::Editor)).unwrap();
    let bodies: Vec<Vec<u8>> = c.runtime().requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.iter().all(|b| *b == bodies[0]));
    // Retried DELETEs answered 404 are done; a first-attempt 404 is an error.
    let c = client(vec![
        Ok(resp(500, "", &[], "")),
        Ok(s3_error(404, "NoSuchBucket", "gone")),
    ]);
    block_on(c.remove_bucket("abc")).unwrap();
    let c = client(vec![Ok(s3_error(404, "NoSuchBucket", "gone"))]);
    let e = block_on(c.remove_bucket("abc")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::NotFound, "Unable to remove bucket gone")
    );
    let c = client(vec![
        Err(TransportError::Timeout),
        Ok(resp(404, "Not Found", &[], "")),
    ]);
    block_on(c.remove_access_key("tid")).unwrap();
    let c = client(vec![Ok(resp(404, "Not Found", &[], ""))]);
    assert_eq!(
        block_on(c.remove_access_key("tid")).unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[test]
fn secrets_never_in_messages_or_debug() {
    let echo = format!("<Error><Code>X</Code><Message>bad key {SECRET}</Message></Error>");
    let c = client(vec![Ok(resp(400, "", &[], &echo))]);
    let e = block_on(c.create_bucket("abc", &CreateBucketOptions::default())).unwrap_err();
    assert!(!e.message.contains(SECRET), "{e}");
    let c = client(vec![
        json_ok("{}"),
        Ok(resp(
            400,
            "Bad Request",
            &[("content-type", "application/json")],
            r#"{"Message":"hook tok-canary-77 refused"}"#,
        )),
    ]);
    let cfg = NotificationConfig {
        url: "https://h.example/x".into(),
        filter: String::new(),
        auth: Some(WebhookAuth::Token("tok-canary-77".into())),
    };
    let e = block_on(c.set_notifications("abc", &cfg)).unwrap_err();
    assert!(!e.message.contains("tok-canary-77"), "{e}");
    let dbg = format!("{c:?} {:?} {cfg:?}", config("x"));
    assert!(
        !dbg.contains(SECRET) && !dbg.contains("tok-canary-77"),
        "{dbg}"
    );
    for r in c.runtime().requests() {
        assert!(!format!("{:?}", r.url).contains(SECRET));
    }
}

#[test]
fn request_timeout_applies_to_every_attempt() {
    let c = TigrisClient::new(
        ConfigInput {
            request_timeout_ms: Some(250),
            ..config("http://s3.local.test:9999")
        },
        &NoEnvironment,
        FakeRuntime::with(vec![Err(TransportError::Timeout), Ok(ok())]),
    );
    block_on(c.create_snapshot("b", None)).unwrap();
    let deadlines: Vec<u32> = c.runtime().sent.borrow().iter().map(|(_, d)| *d).collect();
    assert_eq!(
        deadlines,
        vec![250, 250],
        "the timed-out attempt is retried with the same deadline"
    );
}

#[test]
fn delete_snapshot_request_and_retry() {
    let c = client(vec![Ok(resp(204, "No Content", &[], ""))]);
    block_on(c.delete_snapshot("ws2-base", "1751631910196672425")).unwrap();
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str(), r.body.len()),
        ("DELETE", "http://ws2-base.s3.local.test:9999/", 0)
    );
    assert_eq!(names(&r)[0], "X-Tigris-Snapshot-Version");
    assert_eq!(
        header(&r, "X-Tigris-Snapshot-Version"),
        Some("1751631910196672425")
    );
    assert_eq!(
        signed(&r),
        "host;x-amz-content-sha256;x-amz-date;x-tigris-snapshot-version"
    );
    // A 404 after a lost attempt is that attempt's success; on a first attempt it is an error.
    let c = client(vec![
        Err(TransportError::Timeout),
        Ok(s3_error(404, "NoSuchSnapshot", "no such snapshot")),
    ]);
    block_on(c.delete_snapshot("ws2-base", "17")).unwrap();
    let c = client(vec![Ok(s3_error(
        404,
        "NoSuchSnapshot",
        "no such snapshot",
    ))]);
    let e = block_on(c.delete_snapshot("ws2-base", "17")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::NotFound,
            "Unable to delete bucket snapshot no such snapshot"
        )
    );
    // Empty arguments are refused before any request, with the SDK's text.
    let c = client(vec![]);
    let e = block_on(c.delete_snapshot("ws2-base", "")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::InvalidArgument,
            "Source bucket name and snapshot version are required"
        )
    );
    assert!(c.runtime().requests().is_empty());
}

#[test]
fn list_buckets_requests_and_prefix() {
    let listing = r#"{"Buckets":{"Bucket":[{"Name":"fk-0","CreationDate":"2026-01-02T03:04:05.678Z","ForkInfo":{"HasChildren":false,"Parents":[{"BucketName":"base","Snapshot":"17","ForkCreatedAt":"2026-01-02T03:04:05.000000001Z"}]}}]},"ContinuationToken":"fk-0"}"#;
    let c = client(vec![json_ok(listing)]);
    let forks_of = BucketListing::ForksOf {
        base: "base",
        limit: Some(10),
    };
    let page = block_on(c.list_buckets(forks_of, Some("a b"))).unwrap();
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str()),
        (
            "GET",
            "http://s3.local.test:9999/?continuation-token=a%20b&max-buckets=10"
        )
    );
    assert_eq!(names(&r)[..3], ["Content-Type", "Accept", "X-Tigris-Fork"]);
    assert_eq!(header(&r, "X-Tigris-Fork"), Some("base"));
    assert_eq!(
        signed(&r),
        "accept;content-type;host;x-amz-content-sha256;x-amz-date;x-tigris-fork"
    );
    assert_eq!(page.continuation_token.as_deref(), Some("fk-0"));
    assert_eq!(
        page.buckets,
        [ListedBucket {
            name: "fk-0".into(),
            created_at_ms: Some(1_767_323_045_678.0),
            parents: Some(vec![ForkParent {
                bucket: "base".into(),
                snapshot: "17".into(),
                forked_at_ms: Some(1_767_323_045_000.0),
            }]),
        }]
    );
    // The fallback listing: no fork header, no limit; failures keep the plain message.
    let c = client(vec![Ok(resp(409, "Conflict", &[], ""))]);
    let e = block_on(c.list_buckets(BucketListing::WithForkInfo, None)).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::Conflict, "Conflict")
    );
    let r = &c.runtime().requests()[0];
    assert_eq!(r.url, "http://s3.local.test:9999/?IncludeForkInfo=true");
    assert_eq!(names(r)[..3], ["Content-Type", "Accept", "x-amz-date"]);
    // The fork listing's failures carry the SDK's `Unable to list buckets ` prefix.
    let c = client(vec![Ok(resp(
        403,
        "Forbidden",
        &[("content-type", "application/json")],
        r#"{"Code":"AccessDenied","Message":"no"}"#,
    ))]);
    let forks_of = BucketListing::ForksOf {
        base: "base",
        limit: None,
    };
    let e = block_on(c.list_buckets(forks_of, None)).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::AccessDenied, "Unable to list buckets no")
    );
    assert_eq!(only(&c).url, "http://s3.local.test:9999/?");
}

#[test]
fn merge_and_rebase_requests_and_snapshot() {
    let snapshot = |v: &str| Ok(resp(200, "OK", &[("X-Tigris-Snapshot-Version", v)], ""));
    let c = client(vec![snapshot("42")]);
    assert_eq!(block_on(c.merge_fork("fk-0", "base")).unwrap(), "42");
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str(), r.body.len()),
        ("PUT", "http://s3.local.test:9999/base", 0)
    );
    assert_eq!(
        names(&r)[..2],
        ["Content-Type", "X-Tigris-Merge-Source-Bucket"]
    );
    assert_eq!(header(&r, "X-Tigris-Merge-Source-Bucket"), Some("fk-0"));
    assert_eq!(
        signed(&r),
        "content-type;host;x-amz-content-sha256;x-amz-date;x-tigris-merge-source-bucket"
    );
    let c = client(vec![Ok(resp(200, "OK", &[], ""))]);
    assert_eq!(
        block_on(c.rebase_fork("fk-0")).unwrap(),
        "",
        "no header: empty"
    );
    let r = only(&c);
    assert_eq!(
        (r.method, r.url.as_str()),
        ("PUT", "http://s3.local.test:9999/fk-0")
    );
    assert_eq!(header(&r, "X-Tigris-Rebase"), Some("true"));
    // Refusals read as every Tigris HTTP-transport error; a lost answer is sent again.
    let c = client(vec![Ok(resp(
        400,
        "Bad Request",
        &[("content-type", "application/json")],
        r#"{"Code":"InvalidArgument","Message":"Bucket x is not a direct fork of bucket base"}"#,
    ))]);
    let e = block_on(c.merge_fork("x", "base")).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::InvalidArgument,
            "Bucket x is not a direct fork of bucket base"
        )
    );
    let c = client(vec![Err(TransportError::Timeout), snapshot("43")]);
    assert_eq!(block_on(c.rebase_fork("fk-0")).unwrap(), "43");
    assert_eq!(c.runtime().requests().len(), 2);
}
