//! Crash safety of `--data-dir`: a sequential writer streams puts, snapshots and forks into the
//! real binary while it is killed with SIGKILL at random points, 20 times, each time restarted on
//! the same directory. After every restart each acknowledged write reads back byte-for-byte, the
//! one write in flight at the kill is all there or not at all, forks read their snapshot's state
//! and `/_local/state` is consistent (every fork's parent exists and lists it). A second server on
//! the same directory is refused. Bounded: 20 rounds of at most ~1 s of writing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "support/signer.rs"]
mod signer;
use signer::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_tigris-local");

/// Starts the binary on `dir`; returns the child and its address (and how long it took).
fn start(dir: &Path) -> (Child, SocketAddr, Duration) {
    let t = Instant::now();
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--test-hooks", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the tigris-local binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("tigris-local listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    (child, addr, t.elapsed())
}

/// One signed exchange: status, head and body; `None` when the connection fails (e.g. the
/// server was killed).
async fn exchange(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<(u16, String, Vec<u8>)> {
    let hs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let req = signer::signed(
        &addr.to_string(),
        method,
        target,
        &hs,
        body,
        Connection::Close,
    );
    let mut s = TcpStream::connect(addr).await.ok()?;
    s.write_all(&req).await.ok()?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .ok()?
        .ok()?;
    let i = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&out[..i]).into_owned();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, head, out[i + 4..].to_vec()))
}

/// Status and body of one exchange.
async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<(u16, Vec<u8>)> {
    exchange(addr, method, target, headers, body)
        .await
        .map(|(status, _, body)| (status, body))
}

/// The `name` header of a successful bodiless PUT.
async fn header_of(
    addr: SocketAddr,
    target: &str,
    headers: &[(&str, &str)],
    name: &str,
) -> Option<String> {
    let (status, head, _) = exchange(addr, "PUT", target, headers, b"").await?;
    if status != 200 {
        return None;
    }
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// What the writer has had acknowledged.
#[derive(Default, Clone)]
struct Acked {
    /// key → body of the base bucket.
    objects: BTreeMap<String, Vec<u8>>,
    /// fork name → the base's objects at its snapshot.
    forks: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// The put sent but not (yet) acknowledged: key, body.
    in_flight: Option<(String, Vec<u8>)>,
    writes: usize,
}

async fn writer(addr: SocketAddr, round: usize, acked: Arc<Mutex<Acked>>, seed: u64) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for i in 0.. {
        if i % 25 == 24 {
            let Some(v) = header_of(
                addr,
                "/crash",
                &[("x-tigris-snapshot", "true")],
                "x-tigris-snapshot-version",
            )
            .await
            else {
                return;
            };
            let fork = format!("crash-f{round}-{i}");
            let target = format!("/{fork}");
            let made = send(
                addr,
                "PUT",
                &target,
                &[
                    ("x-tigris-fork-source-bucket", "crash"),
                    ("x-tigris-fork-source-bucket-snapshot", &v),
                ],
                b"",
            )
            .await;
            if made.map(|r| r.0) != Some(200) {
                return;
            }
            let mut a = acked.lock().unwrap();
            let view = a.objects.clone();
            a.forks.insert(fork, view);
            a.writes += 2;
            continue;
        }
        let key = format!("k{:03}", rng.gen_range(0..200));
        let body = format!(
            "round {round} write {i} {}",
            "x".repeat(rng.gen_range(0..2000))
        )
        .into_bytes();
        acked.lock().unwrap().in_flight = Some((key.clone(), body.clone()));
        match send(addr, "PUT", &format!("/crash/{key}"), &[], &body).await {
            Some((200, _)) => {
                let mut a = acked.lock().unwrap();
                a.objects.insert(key, body);
                a.in_flight = None;
                a.writes += 1;
            }
            _ => return,
        }
    }
}

async fn check(addr: SocketAddr, acked: &mut Acked) -> usize {
    let mut checked = 0;
    if let Some((key, body)) = acked.in_flight.take() {
        let (status, got) = send(addr, "GET", &format!("/crash/{key}"), &[], b"")
            .await
            .unwrap();
        let before = acked.objects.get(&key);
        let all_or_nothing = (status == 200 && (got == body || Some(&got) == before))
            || (status == 404 && before.is_none());
        assert!(all_or_nothing, "in-flight put of {key} is torn: {status}");
        if status == 200 && got == body {
            acked.objects.insert(key, body);
        }
    }
    for (key, body) in &acked.objects {
        let (status, got) = send(addr, "GET", &format!("/crash/{key}"), &[], b"")
            .await
            .unwrap();
        assert_eq!(status, 200, "acknowledged {key} lost");
        assert!(got == *body, "acknowledged {key} changed");
        checked += 1;
    }
    for (fork, view) in &acked.forks {
        for (key, body) in view.iter().take(3) {
            let (status, got) = send(addr, "GET", &format!("/{fork}/{key}"), &[], b"")
                .await
                .unwrap();
            assert_eq!(status, 200, "{fork}/{key} lost");
            assert!(got == *body, "{fork}/{key} does not read its snapshot");
            checked += 1;
        }
    }
    let (status, state) = send(addr, "GET", "/_local/state", &[], b"").await.unwrap();
    assert_eq!(status, 200);
    let state: Value = serde_json::from_slice(&state).unwrap();
    let buckets = state["buckets"].as_array().unwrap();
    let by_name: BTreeMap<&str, &Value> = buckets
        .iter()
        .map(|b| (b["name"].as_str().unwrap(), b))
        .collect();
    for fork in acked.forks.keys() {
        let b = by_name
            .get(fork.as_str())
            .unwrap_or_else(|| panic!("fork {fork} lost"));
        assert_eq!(b["parents"][0]["bucket"], "crash");
    }
    let base = by_name["crash"];
    for b in buckets {
        if let Some(p) = b["parents"][0]["bucket"].as_str() {
            assert!(by_name[p]["children"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == &b["name"]));
        }
    }
    assert_eq!(
        base["objects"].as_u64().unwrap() as usize,
        acked.objects.len()
    );
    checked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    let dir = std::env::temp_dir().join(format!("tigris-local-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let seed: u64 = rand::random();
    eprintln!("crash test seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut acked = Acked::default();
    let (mut checked, mut restart_max) = (0, Duration::ZERO);
    for round in 0..20 {
        let (mut child, addr, took) = start(&dir);
        restart_max = restart_max.max(took);
        if round == 0 {
            let made = send(
                addr,
                "PUT",
                "/crash",
                &[("x-tigris-enable-snapshot", "true")],
                b"",
            )
            .await;
            assert_eq!(made.map(|r| r.0), Some(200));
            let second = Command::new(BIN)
                .args(["--addr", "127.0.0.1:0", "--data-dir"])
                .arg(&dir)
                .output()
                .unwrap();
            assert!(
                !second.status.success(),
                "a second server on the same dir is refused"
            );
            assert!(
                String::from_utf8_lossy(&second.stderr).contains("in use by another tigris-local")
            );
        } else {
            checked += check(addr, &mut acked).await;
        }
        let shared = Arc::new(Mutex::new(acked.clone()));
        let task = tokio::spawn(writer(addr, round, shared.clone(), rng.gen()));
        tokio::time::sleep(Duration::from_millis(rng.gen_range(100..900))).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = task.await;
        acked = shared.lock().unwrap().clone();
    }
    let (mut child, addr, took) = start(&dir);
    checked += check(addr, &mut acked).await;
    child.kill().unwrap();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "crash test: {} writes acknowledged, {checked} reads checked over 20 SIGKILL restarts; slowest start {restart_max:?}, last {took:?}",
        acked.writes
    );
    assert!(acked.writes > 50, "the writer got writes through");
}
