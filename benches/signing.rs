//! The native ceiling for signing throughput (BENCHMARKS.md §3): the crate's public
//! `signing::sign_request` (the module's static `sigv4::Signer`, keys cached) on the same request every bench signer uses —
//! `PUT https://t3.storage.dev/bench-bucket` with `content-type` and `x-tigris-enable-snapshot`,
//! empty and 1 KiB bodies. As in the wasm and JS rows, each iteration builds the request and the
//! identity, as a real call does.
//!
//! `CARGO_TARGET_DIR=target/bench cargo bench --bench signing` (bench/run.mjs reads
//! target/bench/criterion/sign_*/new/estimates.json).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tigris_agent_kit::runtime::HttpRequest;
use tigris_agent_kit::secret::KeyPair;
use tigris_agent_kit::signing::sign_request;

/// 2025-11-28T00:00:00Z, a fixed signing time.
const NOW_MS: f64 = 1_764_288_000_000.0;

fn request(body: &[u8]) -> HttpRequest {
    HttpRequest {
        method: "PUT",
        url: format!("https://{}/{}", "t3.storage.dev", "bench-bucket"),
        headers: vec![
            ("content-type".to_owned(), "application/xml".to_owned()),
            ("x-tigris-enable-snapshot".to_owned(), "true".to_owned()),
        ],
        body: body.to_vec(),
    }
}

fn signing(c: &mut Criterion) {
    let keys = KeyPair::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let kib = vec![b'x'; 1024];
    for (name, body) in [("sign_empty", &[][..]), ("sign_1k", &kib[..])] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let mut req = request(black_box(body));
                black_box(sign_request(&mut req, &keys, NOW_MS).map(|()| req.headers.len()))
            })
        });
    }
}

criterion_group!(benches, signing);
criterion_main!(benches);
