//! Webhook delivery queues: one per destination, drained by one task at a time, so events that
//! arrive while a delivery is in flight go out together in the next one (`{"events":[…]}`, at most
//! [`MAX_EVENTS`] events and [`MAX_BYTES`] of body per delivery), in the order they happened.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::store::Change;
use crate::webhook::{self, Policy, Target};

/// Most events in one delivery.
pub const MAX_EVENTS: usize = 100;
/// Largest delivery body in bytes.
pub const MAX_BYTES: usize = 256 * 1024;

/// Events waiting for one destination, and whether a task is draining them.
struct Queue {
    target: Target,
    pending: VecDeque<String>,
    draining: bool,
}

/// Every destination's queue.
#[derive(Default)]
pub struct Queues {
    queues: Mutex<HashMap<String, Queue>>,
}

impl std::fmt::Debug for Queues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queues")
            .field("destinations", &self.lock().len())
            .finish()
    }
}

impl Queues {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Queue>> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `change` for `target` and starts a draining task when none runs for it.
    pub fn push(self: &Arc<Self>, policy: &Arc<Policy>, target: Target, change: &Change) {
        let key = target.destination();
        let mut queues = self.lock();
        let queue = queues.entry(key.clone()).or_insert_with(|| Queue {
            target: target.clone(),
            pending: VecDeque::new(),
            draining: false,
        });
        queue.target = target;
        queue.pending.push_back(webhook::event(change).to_string());
        if !queue.draining {
            queue.draining = true;
            let (queues, policy) = (self.clone(), policy.clone());
            tokio::spawn(async move { queues.drain(&key, &policy).await });
        }
    }

    /// Delivers batches for `key` until its queue is empty.
    async fn drain(&self, key: &str, policy: &Policy) {
        loop {
            let next = {
                let mut queues = self.lock();
                let Some(queue) = queues.get_mut(key) else {
                    return;
                };
                let batch = take_batch(&mut queue.pending);
                if batch.is_empty() {
                    queues.remove(key);
                    return;
                }
                (queue.target.clone(), batch)
            };
            let (target, batch) = next;
            webhook::deliver(policy, &target, &webhook::payload(&batch)).await;
        }
    }
}

/// Takes the oldest events that fit one delivery: at most [`MAX_EVENTS`], and within
/// [`MAX_BYTES`] of body (one event is always taken, so an oversized one still goes out).
pub fn take_batch(pending: &mut VecDeque<String>) -> Vec<String> {
    let mut batch = Vec::new();
    let mut bytes = webhook::payload(&[]).len();
    while let Some(next) = pending.front() {
        let grown = bytes + next.len() + usize::from(!batch.is_empty());
        if batch.len() == MAX_EVENTS || (!batch.is_empty() && grown > MAX_BYTES) {
            break;
        }
        bytes = grown;
        if let Some(e) = pending.pop_front() {
            batch.push(e);
        }
    }
    batch
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[test]
    fn batches_respect_the_event_and_byte_limits() {
        let mut small: VecDeque<String> = (0..250).map(|i| format!("{{\"n\":{i}}}")).collect();
        let sizes: Vec<usize> = std::iter::from_fn(|| Some(take_batch(&mut small).len()))
            .take_while(|n| *n > 0)
            .collect();
        assert_eq!(sizes, vec![100, 100, 50]);
        let big = format!("\"{}\"", "x".repeat(10 * 1024));
        let mut large: VecDeque<String> = (0..60).map(|_| big.clone()).collect();
        let first = take_batch(&mut large);
        assert!(webhook::payload(&first).len() <= MAX_BYTES);
        assert_eq!(first.len(), 25, "as many 10 KiB events as fit 256 KiB");
        let mut huge: VecDeque<String> = VecDeque::from(vec!["y".repeat(MAX_BYTES + 1)]);
        assert_eq!(
            take_batch(&mut huge).len(),
            1,
            "an oversized event still goes out alone"
        );
    }

    /// A receiver that holds its first answer for a while and records every body it gets.
    async fn slow_receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        tokio::spawn(async move {
            let mut first = true;
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 65536];
                loop {
                    let n = s.read(&mut chunk).await.unwrap();
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).into_owned();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("Content-Length: "))
                            .unwrap()
                            .parse()
                            .unwrap();
                        if body.len() >= len {
                            seen.lock()
                                .unwrap()
                                .push(serde_json::from_str(body).unwrap());
                            break;
                        }
                    }
                }
                if first {
                    first = false;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                    .await;
            }
        });
        (url, bodies)
    }

    #[tokio::test]
    async fn writes_faster_than_deliveries_are_batched_in_order() {
        let (url, bodies) = slow_receiver().await;
        let target = Target::from_settings(&json!({"web_hook": url}))
            .unwrap()
            .unwrap();
        let policy = Arc::new(Policy {
            timeout: Duration::from_secs(5),
            max_attempts: 1,
            backoff: Duration::from_millis(10),
            allowed_hosts: vec![],
            own_addr: std::sync::OnceLock::new(),
            outgoing: Arc::new(tokio::sync::Semaphore::new(crate::webhook::MAX_OUTGOING)),
        });
        let queues = Arc::new(Queues::default());
        let change = |i: u64| Change {
            event: crate::store::Event::CreatedPut,
            bucket: "b".into(),
            key: format!("k{i:03}"),
            size: i,
            etag: "e".into(),
            content_type: "text/plain".into(),
            time: i,
        };
        queues.push(&policy, target.clone(), &change(0));
        tokio::time::sleep(Duration::from_millis(100)).await;
        for i in 1..=150 {
            queues.push(&policy, target.clone(), &change(i));
        }
        for _ in 0..100 {
            if queues.lock().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let bodies = bodies.lock().unwrap().clone();
        let counts: Vec<usize> = bodies
            .iter()
            .map(|b| b["events"].as_array().unwrap().len())
            .collect();
        assert_eq!(
            counts,
            vec![1, 100, 50],
            "one in flight, then batches of at most 100"
        );
        let keys: Vec<String> = bodies
            .iter()
            .flat_map(|b| b["events"].as_array().unwrap().clone())
            .map(|e| e["object"]["key"].as_str().unwrap().to_string())
            .collect();
        let expected: Vec<String> = (0..=150).map(|i| format!("k{i:03}")).collect();
        assert_eq!(keys, expected, "every event once, in order");
    }
}
