//! Random-request fuzzer: thousands of malformed requests — raw garbage, broken request
//! lines, broken and oversized headers, lying `content-length`/chunked framing, malformed
//! `Authorization` headers, and correctly signed requests carrying random methods, paths, queries,
//! headers and bodies (garbage JSON/XML/form bodies for PATCH, IAM, DeleteObjects, multipart) —
//! against an in-process server. Bounded in count (`FUZZ_REQUESTS`, default 3,000) and time
//! (`FUZZ_SECONDS`, default 60 s); the seed is printed and can be replayed with `FUZZ_SEED`.
//!
//! Asserted: nothing panics anywhere in the process (a panic hook counts them), the server keeps
//! answering, and the data stored before the run (buckets, snapshots, a fork, keys, settings,
//! object bodies, also read at a snapshot and through the fork) is byte-for-byte intact after it.
//! Signed requests that could legitimately mutate only ever target scratch buckets (`fz-*`);
//! protected buckets only get reads and requests that must fail authentication.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use tigris_local::config::Config;
use tigris_local::server;
use tigris_local::sigv4;

#[path = "support/signer.rs"]
mod signer;
use signer::{amz_now, Connection};

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// A root-signed request that closes the connection after the answer.
fn signed(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<u8> {
    signer::signed(
        &addr.to_string(),
        method,
        target,
        headers,
        body,
        Connection::Close,
    )
}

/// Writes `bytes` and reads the answer. With `patience`, a request the server is still waiting
/// on (e.g. a body shorter than its `content-length`) gets its write side closed after that long,
/// so the server sees EOF; the server may answer 4xx, close, or time out: all fine, as long as
/// nothing panics.
async fn exchange(addr: SocketAddr, bytes: &[u8], patience: Option<Duration>) -> Vec<u8> {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return Vec::new();
    };
    // The server may close early (e.g. 431 on a huge head) while we still write: ignore.
    let _ = tokio::time::timeout(Duration::from_secs(5), s.write_all(bytes)).await;
    let mut out = Vec::new();
    match patience {
        None => {
            let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out)).await;
        }
        Some(p) => {
            let _ = tokio::time::timeout(p, s.read_to_end(&mut out)).await;
            if out.is_empty() {
                let _ = s.shutdown().await;
                let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut out)).await;
            }
        }
    }
    out
}

fn status_of(resp: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(resp.get(..resp.len().min(64)).unwrap_or(&[])).into_owned();
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

fn body_of(resp: &[u8]) -> Vec<u8> {
    match resp.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => resp.get(i + 4..).unwrap_or(&[]).to_vec(),
        None => Vec::new(),
    }
}

async fn root(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let hs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let resp = exchange(addr, &signed(addr, method, target, &hs, body), None).await;
    (status_of(&resp).unwrap_or(0), body_of(&resp))
}

async fn must(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let (status, body_out) = root(addr, method, target, headers, body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {target}: {status} {}",
        String::from_utf8_lossy(&body_out)
    );
    body_out
}

const PROTECTED: [&str; 3] = ["keep-alpha", "keep-bravo", "keep-fork"];

struct Stored {
    snapshot: String,
    /// (bucket, key, body)
    objects: Vec<(String, String, Vec<u8>)>,
}

/// Data stored before the fuzzing: two buckets with text and binary objects (one 300 KiB), a
/// snapshot, a fork of it, a scoped key, notification and TTL settings.
async fn store_data(addr: SocketAddr, rng: &mut StdRng) -> Stored {
    must(
        addr,
        "PUT",
        "/keep-alpha/",
        &[("x-tigris-enable-snapshot", "true")],
        b"",
    )
    .await;
    must(addr, "PUT", "/keep-bravo/", &[], b"").await;
    let mut objects = Vec::new();
    for i in 0..20 {
        let bucket = if i % 2 == 0 {
            "keep-alpha"
        } else {
            "keep-bravo"
        };
        let len = if i == 0 {
            300 * 1024
        } else {
            rng.gen_range(0..4096)
        };
        let body: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let key = format!("dir/obj-{i}.bin");
        must(addr, "PUT", &format!("/{bucket}/{key}"), &[], &body).await;
        objects.push((bucket.to_string(), key, body));
    }
    let (status, _) = root(
        addr,
        "PUT",
        "/keep-alpha/",
        &[("x-tigris-snapshot", "true; name=before-fuzz")],
        b"",
    )
    .await;
    assert_eq!(status, 200);
    let listing = String::from_utf8(
        must(
            addr,
            "GET",
            "/?x-id=ListBuckets",
            &[("x-tigris-snapshot", "keep-alpha")],
            b"",
        )
        .await,
    )
    .unwrap();
    let snapshot = listing
        .split("<Name>")
        .nth(1)
        .and_then(|s| s.split(';').next())
        .unwrap()
        .to_string();
    must(
        addr,
        "PUT",
        "/keep-fork/",
        &[
            ("x-tigris-fork-source-bucket", "keep-alpha"),
            ("x-tigris-fork-source-bucket-snapshot", &snapshot),
        ],
        b"",
    )
    .await;
    must(addr, "PATCH", "/keep-bravo", &[("content-type", "application/json")], br#"{"object_notifications":{"enabled":true,"web_hook":"http://127.0.0.1:9/hook","filter":""},"lifecycle_rules":[{"id":"r","enabled":true,"expiration":{"days":30,"enabled":true}}]}"#).await;
    let req = r#"{"req_uuid":"keep-key","name":"keep-key","buckets_role":[{"bucket":"keep-alpha","role":"Editor"}]}"#;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("Req", req)
        .finish();
    must(
        addr,
        "POST",
        "/?Action=CreateAccessKeyWithBucketsRole",
        &[("content-type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
    .await;
    Stored { snapshot, objects }
}

/// Everything stored: the server state plus every object's body (live, at the snapshot, and
/// through the fork), listings, settings and snapshot lists.
async fn fingerprint(addr: SocketAddr, server: &server::Server, stored: &Stored) -> Vec<String> {
    // Only the protected part of the state: scratch buckets and keys come and go while fuzzing.
    let mut state = server.state();
    if let Some(buckets) = state["buckets"].as_array_mut() {
        buckets.retain(|b| PROTECTED.contains(&b["name"].as_str().unwrap_or("")));
    }
    if let Some(keys) = state["keys"].as_array_mut() {
        keys.retain(|k| k["name"] == "keep-key");
    }
    assert_eq!(
        state["buckets"].as_array().map(Vec::len),
        Some(PROTECTED.len()),
        "a protected bucket is gone"
    );
    assert_eq!(
        state["keys"].as_array().map(Vec::len),
        Some(1),
        "the protected key is gone"
    );
    let mut out = vec![state.to_string()];
    for (bucket, key, body) in &stored.objects {
        let got = must(addr, "GET", &format!("/{bucket}/{key}"), &[], b"").await;
        assert!(
            got == *body,
            "{bucket}/{key}: body changed ({} bytes, expected {})",
            got.len(),
            body.len()
        );
        if bucket == "keep-alpha" {
            let at = must(
                addr,
                "GET",
                &format!("/{bucket}/{key}"),
                &[("x-tigris-snapshot-version", &stored.snapshot)],
                b"",
            )
            .await;
            assert!(at == *body, "{bucket}/{key} at the snapshot changed");
            let forked = must(addr, "GET", &format!("/keep-fork/{key}"), &[], b"").await;
            assert!(forked == *body, "keep-fork/{key} changed");
        }
    }
    for b in PROTECTED {
        for target in [format!("/{b}/?list-type=2"), format!("/{b}?metadata")] {
            out.push(
                String::from_utf8_lossy(&must(addr, "GET", &target, &[], b"").await).into_owned(),
            );
        }
        out.push(
            String::from_utf8_lossy(
                &must(
                    addr,
                    "GET",
                    "/?x-id=ListBuckets",
                    &[("x-tigris-snapshot", b)],
                    b"",
                )
                .await,
            )
            .into_owned(),
        );
    }
    out
}

fn pick<'a, T: ?Sized>(rng: &mut StdRng, items: &[&'a T]) -> &'a T {
    items[rng.gen_range(0..items.len())]
}

fn random_ascii(rng: &mut StdRng, max: usize) -> String {
    let len = rng.gen_range(0..=max);
    (0..len)
        .map(|_| rng.gen_range(0x20u8..0x7f) as char)
        .collect()
}

fn random_bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    let len = rng.gen_range(0..=max);
    (0..len).map(|_| rng.gen()).collect()
}

const METHODS: [&str; 14] = [
    "GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT", "get",
    "PROPFIND", "", "G\u{e9}T", "PUT PUT",
];

/// A request target: mostly plausible (scratch or protected bucket, object, root, IAM), mutated
/// with encodings, traversal, unicode, NULs and huge lengths.
fn random_target(rng: &mut StdRng, mutating: bool) -> String {
    let bucket = if mutating {
        format!("fz-{}", rng.gen_range(0..6))
    } else {
        pick(
            rng,
            &["keep-alpha", "keep-bravo", "keep-fork", "fz-0", "nosuch"],
        )
        .to_string()
    };
    let key = pick(
        rng,
        &[
            "k",
            "dir/obj-1.bin",
            "a%2Fb",
            "%00",
            "..%2F..%2Fetc",
            "%E2%82%AC",
            "%ZZ",
            "%",
            "a b",
            "~",
            "x?y",
            "\u{00e9}",
        ],
    )
    .to_string();
    let query = pick(
        rng,
        &[
            "",
            "?",
            "?metadata",
            "?metadata&with-size=true",
            "?uploads",
            "?uploadId=nosuch",
            "?uploadId=x&partNumber=-1",
            "?partNumber=99999999999999999999&uploadId=1",
            "?delete",
            "?list-type=2&max-keys=-5",
            "?list-type=2&max-keys=abc",
            "?list-type=2&continuation-token=%ZZ",
            "?x-id=ListBuckets&max-buckets=0",
            "?max-buckets=18446744073709551616",
            "?continuation-token=",
            "?location",
            "?acl",
            "?versions",
            "?Action=CreateAccessKeyWithBucketsRole",
            "?Action=DeleteAccessKey",
            "?Action=Nope",
            "?&&&=&=",
            "?a=%",
            "?a=%F0%9F",
        ],
    )
    .to_string();
    let base = match rng.gen_range(0..8) {
        0 => "/".to_string(),
        1 => format!("/{bucket}"),
        2 => format!("/{bucket}/"),
        3 | 4 => format!("/{bucket}/{key}"),
        5 => format!("/{bucket}/{}", "k".repeat(rng.gen_range(0..5000))),
        6 => format!("//{bucket}//{key}"),
        _ => format!(
            "/{bucket}/{}",
            random_ascii(rng, 40).replace([' ', '?', '#'], "_")
        ),
    };
    format!("{base}{query}")
}

fn random_headers(rng: &mut StdRng, mutating: bool) -> Vec<(String, String)> {
    let source = if mutating { "fz-1" } else { "keep-alpha" };
    let pool: Vec<(&str, String)> = vec![
        ("x-tigris-snapshot", "true".into()),
        (
            "x-tigris-snapshot",
            format!("true; name={}", random_ascii(rng, 30)),
        ),
        ("x-tigris-snapshot", source.into()),
        (
            "x-tigris-snapshot-version",
            pick(rng, &["1", "0", "-1", "abc", "99999999999999999999999", ""]).into(),
        ),
        (
            "x-tigris-enable-snapshot",
            pick(rng, &["true", "false", "yes", ""]).into(),
        ),
        (
            "x-tigris-fork-source-bucket",
            pick(rng, &[source, "nosuch", "", "fz-0"]).into(),
        ),
        (
            "x-tigris-fork-source-bucket-snapshot",
            pick(rng, &["1", "abc", "", "18446744073709551616"]).into(),
        ),
        ("tigris-force-delete", "true".into()),
        (
            "x-amz-copy-source",
            pick(
                rng,
                &[
                    "/keep-alpha/dir/obj-0.bin",
                    "/nosuch/x",
                    "keep-bravo/dir/obj-1.bin",
                    "%ZZ",
                    "/",
                    "",
                ],
            )
            .into(),
        ),
        (
            "range",
            pick(
                rng,
                &[
                    "bytes=0-10",
                    "bytes=-5",
                    "bytes=10-0",
                    "bytes=99999999-",
                    "bytes=a-b",
                    "bytes=0-1,2-3",
                    "items=1-2",
                ],
            )
            .into(),
        ),
        (
            "content-type",
            pick(
                rng,
                &[
                    "application/json",
                    "application/xml",
                    "application/x-www-form-urlencoded",
                    "text/plain; charset=\u{1}",
                ],
            )
            .into(),
        ),
        (
            "x-amz-acl",
            pick(rng, &["public-read", "private", "bogus"]).into(),
        ),
        (
            "x-amz-checksum-crc32",
            pick(rng, &["AAAAAA==", "not base64", ""]).into(),
        ),
        ("if-match", "\"x\"".into()),
        ("x-amz-meta-a", random_ascii(rng, 200)),
        ("expect", "100-continue".into()),
        ("accept", "application/json".into()),
    ];
    let n = rng.gen_range(0..5);
    (0..n)
        .map(|_| {
            let (k, v) = &pool[rng.gen_range(0..pool.len())];
            (k.to_string(), v.clone())
        })
        .filter(|(k, _)| {
            mutating
                || !(k.starts_with("x-tigris")
                    || k == "tigris-force-delete"
                    || k == "x-amz-copy-source")
        })
        .collect()
}

fn random_body(rng: &mut StdRng) -> Vec<u8> {
    let iam_reqs = [
        r#"{"req_uuid":"u","name":"n","buckets_role":[{"bucket":"fz-0","role":"Editor"}]}"#
            .to_string(),
        r#"{"req_uuid":1,"name":null,"buckets_role":"x"}"#.to_string(),
        r#"{"buckets_role":[{"bucket":"fz-0","role":"God"}]}"#.to_string(),
        "{".repeat(5000),
        "[]".into(),
        random_ascii(rng, 100),
    ];
    let req = iam_reqs[rng.gen_range(0..iam_reqs.len())].clone();
    match rng.gen_range(0..10) {
        0 => Vec::new(),
        1 => random_bytes(rng, 3000),
        2 => form_urlencoded::Serializer::new(String::new()).append_pair("Req", &req).finish().into_bytes(),
        3 => format!("Action=DeleteAccessKey&AccessKeyId={}", pick(rng, &["", "tid_nosuch", "keep-key", "%ZZ"])).into_bytes(),
        4 => pick(rng, &[
            r#"{"object_notifications":{"enabled":true,"web_hook":"ftp://x","filter":"WHERE `key` REGEXP \"(\""}}"#,
            r#"{"object_notifications":{"web_hook":1}}"#,
            r#"{"lifecycle_rules":[{"expiration":{"days":-1}}]}"#,
            r#"{"lifecycle_rules":"no"}"#,
            r#"{"type":1}"#,
            r#"{"type":"x"}"#,
            r#"{"object_notifications":{"enabled":true,"web_hook":"http://127.0.0.1:9/","filter":"WHERE `key` REGEXP \"a{99999}\""}}"#,
            "null",
            "[1,2,3]",
            "{\"a\":",
            "\u{feff}{}",
        ]).as_bytes().to_vec(),
        5 => pick(rng, &[
            "<Delete><Object><Key>dir/obj-1.bin</Key></Object></Delete>",
            "<Delete><Object><Key>",
            "<Delete>&bogus;</Delete>",
            "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b \"c\">]><Delete><Object><Key>&b;</Key></Object></Delete>",
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
            "<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber></Part>",
        ]).as_bytes().to_vec(),
        6 => format!("<Delete>{}</Delete>", "<Object><Key>k</Key></Object>".repeat(rng.gen_range(0..2000))).into_bytes(),
        7 => "\u{1F600}".repeat(rng.gen_range(0..500)).into_bytes(),
        _ => random_ascii(rng, 500).into_bytes(),
    }
}

/// One malformed request (raw bytes) and whether the server must not have changed anything
/// because of it (every request qualifies: protected data is never a legitimate target).
fn random_request(rng: &mut StdRng, addr: SocketAddr) -> Vec<u8> {
    let host = addr.to_string();
    match rng.gen_range(0..12) {
        // Pure garbage.
        0 => random_bytes(rng, 2000),
        // Broken request line.
        1 => {
            let method = pick(rng, &METHODS);
            let target = pick(
                rng,
                &[
                    "/",
                    "*",
                    "http://x/",
                    "",
                    "/keep-alpha/dir/obj-1.bin",
                    "/%",
                    "/\u{0}",
                    " / ",
                ],
            );
            let version = pick(
                rng,
                &[
                    "HTTP/1.1",
                    "HTTP/1.0",
                    "HTTP/2",
                    "HTTP/9.9",
                    "HTTP/1.1 extra",
                    "",
                    "http/1.1",
                ],
            );
            format!("{method} {target} {version}\r\nhost: {host}\r\n\r\n").into_bytes()
        }
        // Broken headers: no colon, NUL/CR inside, 70 KiB header, 2,000 headers, bad UTF-8.
        2 => {
            let mut r =
                format!("GET /keep-alpha/dir/obj-1.bin HTTP/1.1\r\nhost: {host}\r\n").into_bytes();
            match rng.gen_range(0..6) {
                0 => r.extend_from_slice(b"no colon here\r\n"),
                1 => r.extend_from_slice(b"x-a: a\x00b\r\n"),
                2 => {
                    r.extend_from_slice(format!("x-big: {}\r\n", "a".repeat(70 * 1024)).as_bytes())
                }
                3 => {
                    for i in 0..2000 {
                        r.extend_from_slice(format!("x-h{i}: v\r\n").as_bytes());
                    }
                }
                4 => r.extend_from_slice(b"authorization: \xff\xfe\xfd\r\n"),
                _ => r.extend_from_slice(b" folded: continuation\r\n"),
            }
            r.extend_from_slice(b"\r\n");
            r
        }
        // Lying framing.
        3 => {
            let cl = pick(
                rng,
                &[
                    "-1",
                    "abc",
                    "18446744073709551616",
                    "5, 6",
                    "1073741825",
                    "100",
                    "0",
                ],
            );
            let mut r = format!(
                "PUT /keep-alpha/framing HTTP/1.1\r\nhost: {host}\r\ncontent-length: {cl}\r\n"
            )
            .into_bytes();
            if rng.gen_bool(0.3) {
                r.extend_from_slice(b"transfer-encoding: chunked\r\n");
            }
            r.extend_from_slice(b"\r\n");
            r.extend_from_slice(&random_bytes(rng, 50));
            r
        }
        // Malformed chunked body.
        4 => {
            let chunks = pick(
                rng,
                &[
                    "zz\r\nabc\r\n0\r\n\r\n",
                    "5\r\nab\r\n",
                    "ffffffffffffffffff\r\n",
                    "3;ext\r\nabc\r\n0\r\n\r\n",
                    "-1\r\n\r\n",
                ],
            );
            format!("PUT /keep-alpha/chunked HTTP/1.1\r\nhost: {host}\r\ntransfer-encoding: chunked\r\n\r\n{chunks}").into_bytes()
        }
        // Malformed Authorization headers (some well-formed but wrong), on any route incl. writes
        // to protected buckets: they must all fail authentication.
        5 | 6 => {
            let day = amz_now().get(..8).unwrap_or("").to_string();
            let auth = match rng.gen_range(0..10) {
                0 => String::new(),
                1 => "AWS4-HMAC-SHA256".into(),
                2 => format!("AWS4-HMAC-SHA256 Credential=tid_local/{day}/auto/s3/aws4_request, SignedHeaders=host, Signature={}", "0".repeat(64)),
                3 => format!("AWS4-HMAC-SHA256 Credential=tid_local/{day}/auto/s3/aws4_request, SignedHeaders=, Signature="),
                4 => "AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=host;;;, Signature=zz".into(),
                5 => format!("AWS tid_local:{}", random_ascii(rng, 28)),
                6 => format!("AWS4-HMAC-SHA512 Credential=tid_local/{day}/auto/s3/aws4_request, SignedHeaders=host, Signature=00"),
                7 => format!("AWS4-HMAC-SHA256 Credential=tid_local/{day}/auto/s3/aws4_request,SignedHeaders=host,Signature={},Signature=ab", "1".repeat(64)),
                8 => format!("AWS4-HMAC-SHA256 Credential={}, SignedHeaders=host, Signature=00", random_ascii(rng, 300).replace(',', "")),
                _ => random_ascii(rng, 300),
            };
            let method = pick(rng, &["PUT", "DELETE", "POST", "PATCH", "GET"]);
            let target = pick(
                rng,
                &[
                    "/keep-alpha/",
                    "/keep-alpha/dir/obj-0.bin",
                    "/keep-bravo",
                    "/?Action=DeleteAccessKey",
                    "/keep-fork/",
                    "/",
                ],
            );
            let body = random_body(rng);
            let mut r = format!(
                "{method} {target} HTTP/1.1\r\nhost: {host}\r\nx-amz-date: {}\r\nx-amz-content-sha256: {}\r\ntigris-force-delete: true\r\nauthorization: {auth}\r\ncontent-length: {}\r\n\r\n",
                amz_now(),
                sigv4::sha256_hex(&body),
                body.len()
            )
            .into_bytes();
            r.extend_from_slice(&body);
            r
        }
        // Correctly signed requests with random parts: reads anywhere, writes only to scratch.
        _ => {
            let mutating = rng.gen_bool(0.6);
            let method = if mutating {
                pick(
                    rng,
                    &["PUT", "POST", "PATCH", "DELETE", "GET", "HEAD", "OPTIONS"],
                )
            } else {
                pick(rng, &["GET", "HEAD"])
            };
            let target = random_target(rng, mutating);
            let target = if !mutating && target.starts_with("/?Action") {
                "/".to_string()
            } else {
                target
            };
            let headers = random_headers(rng, mutating);
            let body = if mutating {
                random_body(rng)
            } else {
                Vec::new()
            };
            // Never let a signed request delete the protected key: substitute a scratch id.
            let body = if String::from_utf8_lossy(&body).contains("AccessKeyId=") {
                b"Action=DeleteAccessKey&AccessKeyId=tid_nosuch".to_vec()
            } else {
                body
            };
            signed(addr, method, &target, &headers, &body)
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_never_crash_the_server_or_touch_stored_data() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));
    let count: usize = std::env::var("FUZZ_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let budget = Duration::from_secs(
        std::env::var("FUZZ_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60),
    );
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    println!("fuzz seed {seed} (replay with FUZZ_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);

    let mut config = Config::for_tests();
    config.test_hooks = false; // the unsigned /_local/ hooks could legitimately wipe data
    let (addr, server) = server::spawn(config).await.unwrap();
    let stored = store_data(addr, &mut rng).await;
    let before = fingerprint(addr, &server, &stored).await;

    let started = Instant::now();
    let mut sent = 0usize;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    // Up to 16 requests in flight, so a stalled connection does not stall the run.
    let mut in_flight = tokio::task::JoinSet::new();
    let mut record = |s: Option<u16>| {
        if let Some(s) = s {
            *statuses.entry(s).or_default() += 1;
        }
    };
    while sent < count && started.elapsed() < budget {
        let req = random_request(&mut rng, addr);
        in_flight.spawn(async move {
            status_of(&exchange(addr, &req, Some(Duration::from_millis(400))).await)
        });
        sent += 1;
        while in_flight.len() >= 16 {
            record(in_flight.join_next().await.unwrap().unwrap());
        }
        if sent.is_multiple_of(500) {
            let (status, _) = root(addr, "GET", "/?x-id=ListBuckets", &[], b"").await;
            assert_eq!(
                status, 200,
                "the server stopped answering after {sent} requests (seed {seed})"
            );
        }
    }
    while let Some(s) = in_flight.join_next().await {
        record(s.unwrap());
    }
    println!(
        "fuzz: {sent} requests in {:.1} s, statuses {statuses:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        sent >= count.min(1000),
        "only {sent} requests fitted in the time budget"
    );
    assert_eq!(
        PANICS.load(Ordering::SeqCst),
        0,
        "a panic happened while fuzzing (seed {seed})"
    );
    let (status, _) = root(addr, "GET", "/?x-id=ListBuckets", &[], b"").await;
    assert_eq!(status, 200);
    let after = fingerprint(addr, &server, &stored).await;
    for (b, a) in before.iter().zip(after.iter()) {
        assert_eq!(b, a, "stored data changed (seed {seed})");
    }
    assert!(
        statuses.values().sum::<usize>() > sent / 2,
        "most requests got an HTTP answer: {statuses:?}"
    );
}
