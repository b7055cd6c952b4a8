//! Load check of the native client (ignored by default; run with
//! `cargo test --features native --test native_load -- --ignored --nocapture`):
//! 64 tasks share one `AgentKit` and, for 10 s, each creates and tears down workspaces against a
//! release tigris-local in its own process (`target/release/tigris-local`, built beforehand).
//! Every call must succeed and the server must hold no bucket afterwards; the throughput and
//! the client process's peak RSS are printed for BENCHMARKS.md, never asserted.
#![cfg(feature = "native")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tigris_agent_kit::{AgentKit, Config, Secret};

const TASKS: usize = 64;
const RUN: Duration = Duration::from_secs(10);

/// Peak resident set size of this process in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a 10 s load run: cargo test --features native --test native_load -- --ignored"]
async fn sixty_four_tasks_create_and_tear_down_for_ten_seconds() {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/tigris-local");
    let mut server = Command::new(&bin)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--exit-on-stdin-eof",
            "--test-hooks",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} must be built first: {e}", bin.display()));
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line.trim().rsplit(' ').next().unwrap().to_owned();
    let kit = AgentKit::new(Config {
        access_key_id: Some("tid_local".into()),
        secret_access_key: Some(Secret::new("tsec_local")),
        endpoint: Some(endpoint.clone()),
        iam_endpoint: Some(endpoint.clone()),
        ..Config::default()
    })
    .unwrap();

    let cycles = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let (kit, cycles) = (kit.clone(), Arc::clone(&cycles));
            tokio::spawn(async move {
                let mut errors = Vec::new();
                let mut i = 0u64;
                while started.elapsed() < RUN {
                    let name = format!("load-{task}-{i}");
                    i += 1;
                    match kit.create_workspace(name, Default::default()).await {
                        Ok(ws) => match kit.teardown_workspace(&ws, Default::default()).await {
                            Ok(()) => {
                                cycles.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => errors.push(e),
                        },
                        Err(e) => errors.push(e),
                    }
                }
                errors
            })
        })
        .collect();
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cycles = cycles.load(Ordering::Relaxed);

    // The server's state: no workspace left behind.
    let probe = AgentKit::new(Config {
        access_key_id: Some("tid_local".into()),
        secret_access_key: Some(Secret::new("tsec_local")),
        endpoint: Some(endpoint.clone()),
        ..Config::default()
    })
    .unwrap();
    let leftover = probe
        .list_checkpoints("load-0-0", Default::default())
        .await
        .map(|_| ());
    let state: serde_json::Value = {
        let addr = endpoint.trim_start_matches("http://").to_owned();
        tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(&addr).unwrap();
            write!(
                stream,
                "GET /_local/state HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
            )
            .unwrap();
            let mut raw = String::new();
            stream.read_to_string(&mut raw).unwrap();
            serde_json::from_str(raw.split_once("\r\n\r\n").unwrap().1).unwrap()
        })
        .await
        .unwrap()
    };
    let _ = server.kill();
    let _ = server.wait();

    println!(
        "native load: {TASKS} tasks × {elapsed:.1} s: {cycles} create+teardown cycles \
         ({:.0} cycles/s, {:.0} requests/s), {} errors, peak RSS {} KiB",
        cycles as f64 / elapsed,
        2.0 * cycles as f64 / elapsed,
        errors.len(),
        peak_rss_kib()
    );
    assert!(
        errors.is_empty(),
        "first errors: {:?}",
        &errors[..errors.len().min(3)]
    );
    assert!(cycles > 0);
    assert_eq!(
        state["buckets"].as_array().map(Vec::len),
        Some(0),
        "leaked: {state}"
    );
    assert_eq!(
        state["keys"].as_array().map(Vec::len),
        Some(0),
        "leaked keys"
    );
    assert_eq!(
        leftover.map_err(|e| e.code()),
        Err("NotFound"),
        "a torn-down workspace is gone"
    );
}
