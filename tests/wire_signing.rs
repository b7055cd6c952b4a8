//! SigV4 golden vectors: the three Tigris vectors of docs/protocol.md §3.3 (canonical request + signature)
//! and a selection of the AWS SigV4 test suite shipped in aws-sigv4 (canonical request, string
//! to sign, signature), each checked both through our signer (`signing::sign_request`, and
//! `sigv4::Signer` for the suite's other regions and services) and an independent HMAC
//! implementation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "wire_support.rs"]
mod support;

use std::fs;
use std::path::PathBuf;

use support::*;
use tigris_agent_kit::runtime::HttpRequest;
use tigris_agent_kit::secret::{KeyPair, Secret};
use tigris_agent_kit::signing::sign_request;
use tigris_agent_kit::sigv4::{Credentials, Payload, Request, Scope, Signer, SigningTime};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keys() -> KeyPair {
    KeyPair::new(AKID, SECRET, None)
}

fn h(k: &str, v: &str) -> (String, String) {
    (k.into(), v.into())
}

fn check_tigris_vector(name: &str, mut request: HttpRequest) {
    let dir = vectors().join("tigris").join(name);
    let golden_creq = read(dir.join("canonical-request.txt"));
    let golden_sig = read(dir.join("signature.txt"));
    sign_request(&mut request, &keys(), T2026).unwrap();
    // No host header is handed to the runtime; host is signed from the URL.
    assert!(header(&request, "host").is_none());
    let (authz, creq) = verify(&request, SECRET);
    assert_eq!(creq, golden_creq, "{name}: canonical request");
    assert_eq!(authz.scope, "20260101/auto/s3/aws4_request");
    assert_eq!(authz.signature, golden_sig.trim());
}

#[test]
fn tigris_vector_1_metadata_get() {
    check_tigris_vector(
        "metadata-get",
        HttpRequest {
            method: "GET",
            url: "https://t3.storage.dev/my-bucket?metadata&with-size=true".into(),
            headers: vec![
                h("Content-Type", "application/json"),
                h("Accept", "application/json"),
            ],
            body: vec![],
        },
    );
}

#[test]
fn tigris_vector_2_patch() {
    check_tigris_vector(
        "patch-clear-notifications",
        HttpRequest {
            method: "PATCH",
            url: "https://t3.storage.dev/my-bucket".into(),
            headers: vec![h("Content-Type", "application/json")],
            body: b"{\"object_notifications\":{}}".to_vec(),
        },
    );
}

#[test]
fn tigris_vector_3_iam_delete() {
    check_tigris_vector(
        "iam-delete-access-key",
        HttpRequest {
            method: "POST",
            url: "https://iam.storageapi.dev/?Action=DeleteAccessKey".into(),
            headers: vec![
                h("Content-Type", "application/x-www-form-urlencoded"),
                h("Accept", "application/json"),
            ],
            body: b"Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=tid_EXAMPLE".to_vec(),
        },
    );
}

/// Minimal reader of the suite's `context.json` fields we need.
fn json_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let at = json.find(&format!("\"{key}\""))?;
    let rest = json[at + key.len() + 2..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    if let Some(s) = rest.strip_prefix('"') {
        Some(&s[..s.find('"')?])
    } else {
        Some(&rest[..rest.find([',', '\n', '}'])?])
    }
}

fn aws_vector(name: &str) {
    let dir = vectors().join("aws").join(name);
    let context = read(dir.join("context.json"));
    let raw = read(dir.join("request.txt"));
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap().to_string();
    let target = parts.next().unwrap();
    let mut host = String::new();
    let mut headers = Vec::new();
    for line in lines {
        let (k, v) = line.split_once(':').unwrap();
        if k.eq_ignore_ascii_case("host") {
            host = v.trim().to_string();
        } else {
            headers.push((k.to_string(), v.trim_start().to_string()));
        }
    }
    let method: &'static str = Box::leak(method.into_boxed_str());
    let mut request = HttpRequest {
        method,
        url: format!("https://{host}{target}"),
        headers,
        body: body.as_bytes().to_vec(),
    };
    let credentials = Credentials {
        access_key_id: json_field(&context, "access_key_id").unwrap(),
        secret_access_key: json_field(&context, "secret_access_key").unwrap(),
        session_token: json_field(&context, "token"),
    };
    let region = json_field(&context, "region").unwrap();
    let service = json_field(&context, "service").unwrap();
    let scope = Scope {
        region,
        service,
        s3_content_sha256: json_field(&context, "sign_body") == Some("true"),
    };
    assert_eq!(
        json_field(&context, "timestamp"),
        Some("2015-08-30T12:36:00Z")
    );
    let unsigned = Request {
        method,
        url: &request.url,
        headers: &request.headers,
        payload: Payload::Bytes(&request.body),
    };
    let time = SigningTime::from_unix_secs(1_440_938_160);
    let auth = Signer::new()
        .sign(&unsigned, &credentials, &scope, time)
        .unwrap();
    let golden_sig = read(dir.join("header-signature.txt"));
    assert_eq!(auth.signature(), golden_sig.trim(), "{name}: signature");
    auth.append_to(&mut request.headers);

    // Independent recomputation: canonical request and string to sign as in the golden files.
    let authz = parse_authz(header(&request, "authorization").unwrap());
    let payload = header(&request, "x-amz-content-sha256")
        .map(String::from)
        .unwrap_or_else(|| sha256_hex(&request.body));
    let creq = canonical_request(&request, &authz.signed, &payload);
    assert_eq!(
        creq,
        read(dir.join("header-canonical-request.txt")),
        "{name}: canonical request"
    );
    let sts = string_to_sign(header(&request, "x-amz-date").unwrap(), &authz.scope, &creq);
    assert_eq!(
        sts,
        read(dir.join("header-string-to-sign.txt")),
        "{name}: string to sign"
    );
    assert_eq!(
        signature(
            credentials.secret_access_key,
            &authz.date,
            region,
            service,
            &sts
        ),
        golden_sig.trim()
    );
}

#[test]
fn aws_suite_vectors() {
    for name in [
        "get-vanilla",
        "get-vanilla-query-order-key-case",
        "get-vanilla-query-unreserved",
        "get-vanilla-with-session-token",
        "get-header-value-trim",
        "post-vanilla-query",
        "post-x-www-form-urlencoded",
    ] {
        aws_vector(name);
    }
}

#[test]
fn session_token_is_signed_and_debug_masks_secrets() {
    let mut request = HttpRequest {
        method: "GET",
        url: "http://127.0.0.1:9/".into(),
        headers: vec![],
        body: vec![],
    };
    let keys = KeyPair {
        access_key_id: String::new(),
        secret_access_key: Secret::default(),
        session_token: Some("SESSIONTOKEN123".into()),
    };
    sign_request(&mut request, &keys, T2026).unwrap();
    let authz = parse_authz(header(&request, "authorization").unwrap());
    assert_eq!(authz.access_key, "");
    assert!(authz.signed.contains(&"x-amz-security-token".to_string()));
    assert_eq!(
        header(&request, "x-amz-security-token"),
        Some("SESSIONTOKEN123")
    );
    verify(&request, "");
    let dbg = format!("{keys:?} {:?}", self::keys());
    assert!(
        !dbg.contains("SESSIONTOKEN123") && !dbg.contains(SECRET),
        "{dbg}"
    );
}
