//! Native signing throughput of the `sigv4` module, on the request of benches/signing.rs
//! (`PUT https://t3.storage.dev/bench-bucket` with `content-type` and
//! `x-tigris-enable-snapshot`, empty and 1 KiB bodies), each iteration building the request's
//! headers and appending the auth headers as a real call does; plus one presigned GET URL.
//! The signer (and its key cache) lives as long as a client would.
//!
//! `CARGO_TARGET_DIR=target/bench cargo bench --bench sigv4`, next to `--bench signing`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tigris_agent_kit::sigv4::{
    object_url, Credentials, ObjectMethod, Payload, PresignRequest, Request, Scope, Signer,
    SigningTime,
};

/// 2025-11-28T00:00:00Z, the signing time of benches/signing.rs.
const NOW_MS: f64 = 1_764_288_000_000.0;

const CREDS: Credentials<'static> = Credentials {
    access_key_id: "AKIDEXAMPLE",
    secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    session_token: None,
};

fn signing(c: &mut Criterion) {
    let signer = Signer::new();
    let kib = vec![b'x'; 1024];
    for (name, body) in [("sigv4_sign_empty", &[][..]), ("sigv4_sign_1k", &kib[..])] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let url = format!("https://{}/{}", "t3.storage.dev", "bench-bucket");
                let mut headers = vec![
                    ("content-type".to_owned(), "application/xml".to_owned()),
                    ("x-tigris-enable-snapshot".to_owned(), "true".to_owned()),
                ];
                let body = black_box(body).to_vec();
                let request = Request {
                    method: "PUT",
                    url: &url,
                    headers: &headers,
                    payload: Payload::Bytes(&body),
                };
                let time = SigningTime::from_unix_ms(NOW_MS);
                let auth = signer.sign(&request, &CREDS, &Scope::TIGRIS, time);
                if let Ok(auth) = auth {
                    auth.append_to(&mut headers);
                }
                black_box(headers.len())
            })
        });
    }
    c.bench_function("sigv4_presign_get", |b| {
        b.iter(|| {
            let url = object_url(
                "https://bench-bucket.t3.storage.dev/",
                black_box("dir/my file.txt"),
                ObjectMethod::Get,
            );
            let request = PresignRequest {
                method: "GET",
                url: &url,
                content_type: None,
                expires_secs: 3600,
            };
            let time = SigningTime::from_unix_ms(NOW_MS);
            black_box(
                signer
                    .presign(&request, &CREDS, &Scope::TIGRIS, time)
                    .map(|u| u.len()),
            )
        })
    });
}

criterion_group!(benches, signing);
criterion_main!(benches);
