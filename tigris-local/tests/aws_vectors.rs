//! SigV4 verification against the AWS signing test suite shipped inside the `aws-sigv4` crate
//! (already in the cargo registry because the root crate depends on it).
//!
//! For every vector whose canonical URI equals the path as sent, our canonical request must match
//! the suite's byte for byte and the suite's signature must verify. Vectors that normalise or
//! double-encode the path follow non-S3 rules; S3 (and so tigris-local) signs the path exactly as
//! sent, so there the suite's signature must be refused.

use std::fs;
use std::path::{Path, PathBuf};

use tigris_local::sigv4::{self, RequestParts, SigError};

fn suite_dir() -> Option<PathBuf> {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| Path::new(&h).join(".cargo")))
        .ok()?;
    let mut found: Vec<PathBuf> = fs::read_dir(home.join("registry/src"))
        .ok()?
        .flatten()
        .flat_map(|index| fs::read_dir(index.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("aws-sigv4-"))
        })
        .map(|p| p.join("aws-signing-test-suite/v4"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found.pop()
}

struct Parsed {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(text: &str) -> Parsed {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let first = lines.next().unwrap();
    let (method, rest) = first.split_once(' ').unwrap();
    let target = rest.strip_suffix(" HTTP/1.1").unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with(' ') || line.starts_with('\t') {
            let last = headers.last_mut().unwrap();
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (n, v) = line.split_once(':').unwrap();
            headers.push((n.to_ascii_lowercase(), v.to_string()));
        }
    }
    Parsed {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn aws_signing_test_suite() {
    let dir = suite_dir().expect("the aws-sigv4 crate (with aws-signing-test-suite) must be in the cargo registry: run `cargo fetch`");
    let (mut verified, mut refused_non_s3) = (Vec::new(), Vec::new());
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for case in entries {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (Ok(ctx), Ok(signed), Ok(canonical)) = (
            fs::read_to_string(case.join("context.json")),
            fs::read_to_string(case.join("header-signed-request.txt")),
            fs::read_to_string(case.join("header-canonical-request.txt")),
        ) else {
            continue;
        };
        let ctx: serde_json::Value = serde_json::from_str(&ctx).unwrap();
        let secret = ctx["credentials"]["secret_access_key"].as_str().unwrap();
        let req = parse_request(&signed);
        let auth_header = req
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .map(|(_, v)| v.clone())
            .unwrap();
        let auth = sigv4::parse_authorization(&auth_header).unwrap();
        assert_eq!(auth.region, ctx["region"].as_str().unwrap(), "{name}");
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .filter(|(n, _)| n != "authorization")
            .cloned()
            .collect();
        let parts = RequestParts {
            method: &req.method,
            path: &req.path,
            query: &req.query,
            headers: &headers,
            body: &req.body,
        };
        // sign_body=false vectors sign the empty payload hash; ours hashes the body, so only compare those with empty bodies or signed bodies.
        let payload = canonical.lines().last().unwrap().to_string();
        let expected_uri = canonical.lines().nth(1).unwrap();
        let ours = sigv4::canonical_request(&parts, &auth.signed_headers, &payload);
        let body_hash_matches = payload == sigv4::sha256_hex(&req.body);
        if expected_uri == req.path {
            assert_eq!(ours, canonical, "{name}: canonical request");
            if body_hash_matches {
                assert_eq!(sigv4::verify(&parts, &auth, secret, None), Ok(()), "{name}");
                // and a tampered signature is refused
                let mut bad = auth.clone();
                bad.signature = format!("{}0", &bad.signature[..bad.signature.len() - 1]);
                if bad.signature != auth.signature {
                    assert_eq!(
                        sigv4::verify(&parts, &bad, secret, None),
                        Err(SigError::Mismatch),
                        "{name}"
                    );
                }
                verified.push(name);
            }
        } else {
            assert_ne!(ours, canonical, "{name}");
            if body_hash_matches {
                assert_eq!(
                    sigv4::verify(&parts, &auth, secret, None),
                    Err(SigError::Mismatch),
                    "{name}: S3 rules differ"
                );
            }
            refused_non_s3.push(name);
        }
    }
    eprintln!("verified {} vectors: {verified:?}\nnon-S3 path rules (refused as expected): {refused_non_s3:?}", verified.len());
    assert!(
        verified.len() >= 20,
        "too few vectors verified: {verified:?}"
    );
    for must in [
        "get-vanilla",
        "get-vanilla-query-order-key-case",
        "get-header-value-trim",
        "get-header-value-multiline",
        "post-x-www-form-urlencoded",
        "get-vanilla-with-session-token",
    ] {
        assert!(verified.iter().any(|v| v == must), "{must} not verified");
    }
}
