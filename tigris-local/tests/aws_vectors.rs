//! SigV4 verification against the AWS signing test suite shipped inside the `aws-sigv4` crate
//! (already in the cargo registry because the root crate depends on it).
//!
//! For every vector whose canonical URI equals the path as sent, our canonical request must match
//! the suite's byte for byte and the suite's signature must verify. Vectors that normalise or
//! double-encode the path follow non-S3 rules; S3 (and so tigris-local) signs the path exactly as
//! sent, so there the suite's signature must be refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

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

/// How one vector turned out.
enum Outcome {
    /// Canonical request identical to the suite's and the signature verified.
    Verified,
    /// The suite applies non-S3 rules (path normalisation, double encoding, unsigned session
    /// token); refused as expected.
    NonS3Refused,
    /// Not checked (the suite signs a payload hash other than the body's).
    Skipped,
}

/// Checks one signed request of a vector: header auth (`header-…`) or query auth (`query-…`).
fn check_case(case: &Path, kind: &str, secret: &str, region: &str) -> Option<Outcome> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let signed = fs::read_to_string(case.join(format!("{kind}-signed-request.txt"))).ok()?;
    let canonical = fs::read_to_string(case.join(format!("{kind}-canonical-request.txt"))).ok()?;
    let req = parse_request(&signed);
    let payload = canonical.lines().last().unwrap().to_string();
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| n != "authorization")
        .cloned()
        .collect();
    // The suite's presigned vectors sign the body hash (the generic-service rule); an S3 presigned
    // URL that does so declares it, since an undeclared payload is UNSIGNED-PAYLOAD.
    if kind == "query" && payload != sigv4::UNSIGNED_PAYLOAD {
        headers.push(("x-amz-content-sha256".into(), payload.clone()));
    }
    let parts = RequestParts {
        method: &req.method,
        path: &req.path,
        query: &req.query,
        headers: &headers,
        body: &req.body,
    };
    let expected_uri = canonical.lines().nth(1).unwrap();
    let (auth, result, tampered) = if kind == "header" {
        let header = req
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .map(|(_, v)| v.clone())
            .unwrap();
        let auth = sigv4::parse_authorization(&header).unwrap();
        let mut bad = auth.clone();
        bad.signature = format!("{}0", &bad.signature[..bad.signature.len() - 1]);
        (
            auth.clone(),
            sigv4::verify(&parts, &auth, secret, None),
            (bad.signature != auth.signature).then(|| sigv4::verify(&parts, &bad, secret, None)),
        )
    } else {
        let presigned = sigv4::parse_presigned(&req.query).unwrap().unwrap();
        let mut bad = presigned.clone();
        bad.auth.signature = format!("{}0", &bad.auth.signature[..bad.auth.signature.len() - 1]);
        let tampered = (bad.auth.signature != presigned.auth.signature)
            .then(|| sigv4::verify_presigned(&parts, &bad, secret, None));
        (
            presigned.auth.clone(),
            sigv4::verify_presigned(&parts, &presigned, secret, None),
            tampered,
        )
    };
    assert_eq!(auth.region, region, "{name}");
    if payload != sigv4::sha256_hex(&req.body) {
        return Some(Outcome::Skipped);
    }
    let query_without_signature: String = req
        .query
        .split('&')
        .filter(|p| !p.starts_with("X-Amz-Signature="))
        .collect::<Vec<_>>()
        .join("&");
    let unsigned_parts = RequestParts {
        query: &query_without_signature,
        ..parts
    };
    let ours = sigv4::canonical_request(&unsigned_parts, &auth.signed_headers, &payload);
    // Non-S3 rules in the suite: path normalisation / double encoding, and (post-sts-header-after)
    // a session token left out of the signed query. S3 signs the path as sent and the token.
    let token_unsigned =
        req.query.contains("X-Amz-Security-Token") && !canonical.contains("X-Amz-Security-Token");
    // S3 refuses any x-amz-* header left out of SignedHeaders, the session token included.
    let token_header_unsigned = req.headers.iter().any(|(n, _)| n == "x-amz-security-token")
        && !auth
            .signed_headers
            .iter()
            .any(|h| h == "x-amz-security-token");
    if token_header_unsigned {
        assert_eq!(
            result,
            Err(SigError::Unsigned("x-amz-security-token".into())),
            "{name} ({kind}): unsigned session token header"
        );
        return Some(Outcome::NonS3Refused);
    }
    if expected_uri == req.path && !token_unsigned {
        assert_eq!(ours, canonical, "{name} ({kind}): canonical request");
        assert_eq!(result, Ok(()), "{name} ({kind})");
        if let Some(t) = tampered {
            assert_eq!(
                t,
                Err(SigError::Mismatch),
                "{name} ({kind}): tampered signature"
            );
        }
        Some(Outcome::Verified)
    } else {
        assert_ne!(ours, canonical, "{name} ({kind})");
        assert_eq!(
            result,
            Err(SigError::Mismatch),
            "{name} ({kind}): S3 rules differ"
        );
        Some(Outcome::NonS3Refused)
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
        let Ok(ctx) = fs::read_to_string(case.join("context.json")) else {
            continue;
        };
        let ctx: serde_json::Value = serde_json::from_str(&ctx).unwrap();
        let secret = ctx["credentials"]["secret_access_key"].as_str().unwrap();
        let region = ctx["region"].as_str().unwrap();
        for kind in ["header", "query"] {
            let label = format!("{} ({kind})", case.file_name().unwrap().to_string_lossy());
            match check_case(&case, kind, secret, region) {
                Some(Outcome::Verified) => verified.push(label),
                Some(Outcome::NonS3Refused) => refused_non_s3.push(label),
                Some(Outcome::Skipped) | None => {}
            }
        }
    }
    eprintln!("verified {} vectors: {verified:?}\nnon-S3 path rules (refused as expected): {refused_non_s3:?}", verified.len());
    assert!(
        verified.len() >= 50,
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
        assert!(
            verified.iter().any(|v| v == &format!("{must} (header)")),
            "{must} not verified"
        );
    }
    assert!(
        verified.iter().any(|v| v == "get-vanilla (query)"),
        "presigned get-vanilla not verified"
    );
}
