//! Load and memory probe for a running tigris-local (the figures in tigris-local/README.md).
//!
//! `cargo run --release -p tigris-local --example load -- http://127.0.0.1:PORT [clients] [seconds]`
//! fills a bucket with 10,000 1 KiB objects, snapshots it and makes 100 forks (then pauses 2 s so
//! the server's RSS can be read), then runs `clients` keep-alive connections doing signed
//! GetObject requests for `seconds` and prints requests/s. With a fourth argument `put` the
//! clients do signed 1 KiB PutObject requests on the forks instead (to compare `--data-dir` with
//! the in-memory default). Root key `tid_local`/`tsec_local`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "../tests/support/signer.rs"]
mod signer;
use signer::Connection;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A root-signed keep-alive request.
fn signed(host: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    signer::signed(host, method, path, &headers, body, Connection::KeepAlive)
}

/// Sends one request on a keep-alive connection and returns the status.
async fn exchange(s: &mut TcpStream, req: &[u8], buf: &mut Vec<u8>) -> Result<u16, Error> {
    s.write_all(req).await?;
    buf.clear();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err("connection closed".into());
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    };
    let head = String::from_utf8_lossy(buf.get(..head_end).unwrap_or(&[])).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err("connection closed".into());
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    }
    Ok(status)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let endpoint = args
        .get(1)
        .ok_or("usage: load <endpoint> [clients] [seconds]")?;
    let clients: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(64);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let writes = args.get(4).is_some_and(|m| m == "put");
    let host = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = TcpStream::connect(&host).await?;
    let mut buf = Vec::new();
    exchange(
        &mut s,
        &signed(
            &host,
            "PUT",
            "/bench/",
            &[("x-tigris-enable-snapshot", "true")],
            b"",
        ),
        &mut buf,
    )
    .await?;
    let body = vec![b'x'; 1024];
    let started = Instant::now();
    for i in 0..10_000 {
        let st = exchange(
            &mut s,
            &signed(&host, "PUT", &format!("/bench/obj-{i:05}"), &[], &body),
            &mut buf,
        )
        .await?;
        if st != 200 {
            return Err(format!("put {i} answered {st}").into());
        }
    }
    println!("put 10000 x 1 KiB objects in {:.2?}", started.elapsed());
    exchange(
        &mut s,
        &signed(
            &host,
            "PUT",
            "/bench/",
            &[("x-tigris-snapshot", "true")],
            b"",
        ),
        &mut buf,
    )
    .await?;
    let started = Instant::now();
    for f in 0..100 {
        let st = exchange(
            &mut s,
            &signed(
                &host,
                "PUT",
                &format!("/bench-fork-{f}/"),
                &[("x-tigris-fork-source-bucket", "bench")],
                b"",
            ),
            &mut buf,
        )
        .await?;
        if st != 200 {
            return Err(format!("fork {f} answered {st}").into());
        }
    }
    println!(
        "made 100 forks in {:.2?}; pausing 2 s for an RSS reading",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (host, done, errors) = (host.clone(), done.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let Ok(mut s) = TcpStream::connect(&host).await else {
                return;
            };
            let _ = s.set_nodelay(true);
            let mut buf = Vec::new();
            let mut i = c;
            let body = vec![b'y'; 1024];
            while Instant::now() < deadline {
                let path = format!("/bench-fork-{}/obj-{:05}", i % 100, (i * 7919) % 10_000);
                let req = if writes {
                    signed(&host, "PUT", &path, &[], &body)
                } else {
                    signed(&host, "GET", &path, &[], b"")
                };
                match exchange(&mut s, &req, &mut buf).await {
                    Ok(200) => done.fetch_add(1, Ordering::Relaxed),
                    _ => errors.fetch_add(1, Ordering::Relaxed),
                };
                i += clients;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let n = done.load(Ordering::Relaxed);
    let what = if writes {
        "PutObject (fork writes)"
    } else {
        "GetObject (fork reads)"
    };
    println!(
        "{clients} clients, {seconds} s: {n} signed {what} = {:.0} req/s, {} errors",
        n as f64 / seconds as f64,
        errors.load(Ordering::Relaxed)
    );
    Ok(())
}
