//! Object-notification delivery: `POST {"events":[…]}` (docs/protocol.md §9.2) to the bucket's `web_hook`,
//! with Bearer or Basic auth, a per-attempt timeout and retries with exponential backoff
//! (at-least-once). Deliveries run on their own tasks and never block the S3 request.
//! By default only loopback targets are contacted; anything else must be allowed explicitly.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::clock;
use crate::filter;
use crate::store::Change;

/// Delivery policy, from the command line.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Per-attempt timeout.
    pub timeout: Duration,
    /// Attempts in total (≥ 1).
    pub max_attempts: u32,
    /// First retry delay; doubles each time, capped at 2 s.
    pub backoff: Duration,
    /// Host names or addresses allowed besides loopback.
    pub allowed_hosts: Vec<String>,
    /// The server's own listening address (set once bound): never a webhook destination, so a
    /// bucket's webhook cannot call this server (its test hooks included).
    pub own_addr: std::sync::OnceLock<SocketAddr>,
    /// Outgoing webhook connections open at once, over all destinations (each destination's
    /// queue holds one at a time); further attempts wait for a slot, so a slow or dead receiver
    /// can never exhaust the server's file descriptors.
    pub outgoing: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Most outgoing webhook connections open at once.
pub const MAX_OUTGOING: usize = 32;

/// Longest status line (and headers before it) read from a receiver.
const MAX_STATUS_LINE: usize = 8 * 1024;

/// Whether `s` can be written into a request line or header value as is: visible ASCII only
/// (and spaces where `spaces`), so no CR, LF or other control character.
fn header_safe(s: &str, spaces: bool) -> bool {
    s.bytes()
        .all(|b| (0x21..=0x7e).contains(&b) || (spaces && b == b' '))
}

/// Refuses a webhook URL that could not go into the request line as is.
fn check_url(url: &str) -> Result<(), String> {
    if header_safe(url, false) {
        Ok(())
    } else {
        Err("object_notifications.web_hook must be made of visible ASCII characters (no spaces, CR, LF or other control characters)".into())
    }
}

/// Refuses webhook credentials that could not go into an `Authorization` header as is.
fn check_auth(auth: Option<&Value>) -> Result<(), String> {
    let Some(auth) = auth.and_then(Value::as_object) else {
        return Ok(());
    };
    for (name, v) in auth {
        let ok = v.as_str().is_none_or(|s| header_safe(s, name != "token"));
        if !ok {
            return Err(format!("object_notifications.auth.{name} must be made of visible ASCII characters (no CR, LF or other control characters)"));
        }
    }
    Ok(())
}

/// Checks an `object_notifications` config before it is stored: its URL and credentials must be
/// safe to write into a request (checked again before every delivery).
pub fn check_config(v: &Value) -> Result<(), String> {
    if let Some(url) = v.get("web_hook").and_then(Value::as_str) {
        check_url(url)?;
    }
    check_auth(v.get("auth"))
}

/// A resolved notification target of one bucket.
#[derive(Clone)]
pub struct Target {
    /// The URL as shown in logs (no user-info or query, which may carry credentials).
    url: String,
    host: String,
    port: u16,
    path: String,
    authorization: Option<String>,
    filter: filter::Filter,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("url", &self.url)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "******"),
            )
            .finish()
    }
}

/// Splits `http://host[:port]/path` into (host, port, path). `https` is not supported.
fn split_url(url: &str) -> Result<(String, u16, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| "only http:// webhooks are supported locally".to_string())?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("/")),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, p) = v6.split_once(']').ok_or("bad IPv6 host")?;
        (h.to_string(), p.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        Some(p) => p
            .parse()
            .map_err(|_| "the webhook URL has an invalid port".to_string())?,
        None => 80,
    };
    if host.is_empty() {
        return Err("the webhook URL has no host".to_string());
    }
    Ok((host, port, path))
}

impl Target {
    /// Builds the target from an `object_notifications` value; `None` when disabled or empty.
    pub fn from_settings(v: &Value) -> Option<Result<Target, String>> {
        if v.get("enabled").and_then(Value::as_bool) == Some(false) {
            return None;
        }
        let url = v
            .get("web_hook")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())?;
        Some(Target::build(url, v))
    }

    fn build(url: &str, v: &Value) -> Result<Target, String> {
        check_url(url)?;
        check_auth(v.get("auth"))?;
        let (host, port, path) = split_url(url)?;
        let auth = v.get("auth");
        let s = |k: &str| {
            auth.and_then(|a| a.get(k))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let authorization = match (s("token"), s("basic_user"), s("basic_pass")) {
            (Some(t), _, _) => Some(format!("Bearer {t}")),
            (None, Some(u), Some(p)) => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )),
            _ => None,
        };
        let filter = filter::parse(v.get("filter").and_then(Value::as_str).unwrap_or(""))?;
        Ok(Target {
            url: format!(
                "http://{host}:{port}{}",
                path.split('?').next().unwrap_or("/")
            ),
            host,
            port,
            path,
            authorization,
            filter,
        })
    }

    /// Where deliveries go (host, port, path, credentials): deliveries to the same place share
    /// one queue.
    pub fn destination(&self) -> String {
        format!(
            "{}:{}{}|{}",
            self.host,
            self.port,
            self.path,
            self.authorization.as_deref().unwrap_or("")
        )
    }

    /// Whether the change passes the filter.
    pub fn wants(&self, c: &Change) -> bool {
        let lm = clock::rfc3339_ms(c.time);
        self.filter.matches(&filter::Event {
            key: &c.key,
            event_type: c.event.as_str(),
            content_type: &c.content_type,
            content_length: c.size,
            last_modified: &lm,
        })
    }
}

/// One change as an entry of a delivery's `events` array.
pub fn event(c: &Change) -> Value {
    json!({
        "eventVersion": "1",
        "eventSource": "tigris",
        "eventName": c.event.as_str(),
        "eventTime": clock::rfc3339_ms(c.time),
        "bucket": c.bucket,
        "object": {"key": c.key, "size": c.size, "eTag": c.etag},
    })
}

/// The JSON body of one delivery: `{"events":[…]}` from already serialised events.
pub fn payload(events: &[String]) -> String {
    format!("{{\"events\":[{}]}}", events.join(","))
}

fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Resolves the target to addresses allowed by `policy`; an error explains a refusal.
async fn resolve(policy: &Policy, t: &Target) -> Result<Vec<SocketAddr>, String> {
    let allowed = policy
        .allowed_hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(&t.host));
    if !allowed && !is_loopback_name(&t.host) {
        return Err(format!("refused webhook delivery to {} (not a loopback address; start with --allow-webhook-host {} to allow it)", t.url, t.host));
    }
    // `localhost` may resolve to ::1 and 127.0.0.1; connecting tries each (all must be loopback).
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((t.host.as_str(), t.port))
        .await
        .map_err(|e| format!("cannot resolve {}: {e}", t.host))?
        .collect();
    if let Some(own) = policy.own_addr.get() {
        let is_self = |a: &SocketAddr| {
            a.port() == own.port()
                && (a.ip() == own.ip() || a.ip().is_loopback() || own.ip().is_unspecified())
        };
        if addrs.iter().any(is_self) {
            return Err(format!(
                "refused webhook delivery to {}: that is this server's own address",
                t.url
            ));
        }
    }
    if !allowed && addrs.iter().any(|a| !a.ip().is_loopback()) {
        return Err(format!(
            "refused webhook delivery to {}: it resolves outside loopback",
            t.url
        ));
    }
    Ok(addrs)
}

/// One POST; returns the status code.
async fn attempt(addrs: &[SocketAddr], t: &Target, body: &str) -> Result<u16, String> {
    let mut stream = TcpStream::connect(addrs)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let mut req = format!(
        "POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nUser-Agent: tigris-local\r\nConnection: close\r\n",
        t.path,
        t.host,
        t.port,
        body.len()
    );
    if let Some(a) = &t.authorization {
        req.push_str(&format!("Authorization: {a}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream
        .write_all(req.as_bytes())
        .await
        .map_err(|e| format!("write: {e}"))?;
    // Read up to the end of the status line, at most MAX_STATUS_LINE bytes, scanning each byte
    // once (a receiver streaming bytes without a line end costs a bounded buffer, no CPU loop).
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    let line_end = loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("connection closed before a status line".into());
        }
        let from = buf.len().saturating_sub(1);
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
        if let Some(i) = buf
            .get(from..)
            .and_then(|b| b.windows(2).position(|w| w == b"\r\n"))
        {
            break from + i;
        }
        if buf.len() > MAX_STATUS_LINE {
            return Err(format!("no status line within {MAX_STATUS_LINE} bytes"));
        }
    };
    let line = String::from_utf8_lossy(buf.get(..line_end).unwrap_or(&[]));
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "malformed status line".to_string())
}

/// Delivers `body` (a [`payload`]) to `t` until a 2xx, the attempts run out, or the target is
/// refused. Returns the number of attempts made.
pub async fn deliver(policy: &Policy, t: &Target, body: &str) -> u32 {
    let addrs = match resolve(policy, t).await {
        Ok(a) => a,
        Err(why) => {
            crate::log!("{why}");
            return 0;
        }
    };
    let mut delay = policy.backoff;
    for n in 1..=policy.max_attempts.max(1) {
        let outcome = match policy.outgoing.acquire().await {
            Ok(_slot) => tokio::time::timeout(policy.timeout, attempt(&addrs, t, body)).await,
            Err(_) => return n,
        };
        match outcome {
            Ok(Ok(status)) if (200..300).contains(&status) => return n,
            Ok(Ok(status)) => crate::log!("webhook {} answered {status} (attempt {n})", t.url),
            Ok(Err(e)) => crate::log!("webhook {} failed: {e} (attempt {n})", t.url),
            Err(_) => crate::log!("webhook {} timed out (attempt {n})", t.url),
        }
        if n < policy.max_attempts {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        }
    }
    crate::log!(
        "webhook {} gave up after {} attempts",
        t.url,
        policy.max_attempts
    );
    policy.max_attempts
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use tokio::net::TcpListener;

    fn change() -> Change {
        Change {
            event: crate::store::Event::CreatedPut,
            bucket: "b".into(),
            key: "k".into(),
            size: 3,
            etag: "e".into(),
            content_type: "text/plain".into(),
            time: 1,
        }
    }

    fn body() -> String {
        payload(&[event(&change()).to_string()])
    }

    fn policy() -> Policy {
        Policy {
            timeout: Duration::from_millis(300),
            max_attempts: 4,
            backoff: Duration::from_millis(10),
            allowed_hosts: vec![],
            own_addr: std::sync::OnceLock::new(),
            outgoing: Arc::new(tokio::sync::Semaphore::new(MAX_OUTGOING)),
        }
    }

    /// A receiver that answers 500 to the first `fail` requests and 200 afterwards.
    async fn receiver(fail: u32) -> (String, Arc<AtomicU32>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let seen = Arc::new(AtomicU32::new(0));
        let counter = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let status = if n <= fail {
                    "500 Internal Server Error"
                } else {
                    "200 OK"
                };
                let _ = s
                    .write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes())
                    .await;
            }
        });
        (url, seen)
    }

    #[tokio::test]
    async fn retries_until_acknowledged() {
        let (url, seen) = receiver(2).await;
        let t = Target::build(&url, &json!({"auth": {"token": "t"}})).unwrap();
        assert_eq!(deliver(&policy(), &t, &body()).await, 3);
        assert_eq!(seen.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn gives_up_after_max_attempts() {
        let (url, seen) = receiver(100).await;
        let t = Target::build(&url, &json!({})).unwrap();
        assert_eq!(deliver(&policy(), &t, &body()).await, 4);
        assert_eq!(seen.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn localhost_urls_are_delivered() {
        let (url, seen) = receiver(0).await;
        let t = Target::build(&url.replace("127.0.0.1", "localhost"), &json!({})).unwrap();
        assert_eq!(deliver(&policy(), &t, &body()).await, 1);
        assert_eq!(seen.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn non_loopback_is_refused_without_an_attempt() {
        let t = Target::build("http://192.0.2.1:9/x", &json!({})).unwrap();
        assert_eq!(deliver(&policy(), &t, &body()).await, 0);
    }

    #[test]
    fn crlf_or_control_characters_in_the_url_or_credentials_are_refused() {
        for (url, cfg) in [
            ("http://127.0.0.1:1/h\r\nX-Injected: 1", json!({})),
            ("http://127.0.0.1:1/h HTTP/1.1\r\n\r\nGET /", json!({})),
            (
                "http://127.0.0.1:1/h",
                json!({"auth": {"token": "t\r\nX-Injected: 1"}}),
            ),
            ("http://127.0.0.1:1/h", json!({"auth": {"token": "t x"}})),
            (
                "http://127.0.0.1:1/h",
                json!({"auth": {"basic_user": "u\n", "basic_pass": "p"}}),
            ),
        ] {
            let mut full = cfg.clone();
            full["web_hook"] = json!(url);
            assert!(check_config(&full).is_err(), "{url} {cfg}");
            assert!(Target::build(url, &cfg).is_err(), "{url} {cfg}");
        }
        let fine =
            json!({"web_hook": "https://example.com/h?a=b", "auth": {"token": "abc.DEF-_~+/="}});
        assert_eq!(check_config(&fine), Ok(()));
    }

    #[tokio::test]
    async fn the_servers_own_address_is_never_a_destination() {
        let (url, seen) = receiver(0).await;
        let p = policy();
        let own: SocketAddr = url
            .trim_start_matches("http://")
            .trim_end_matches("/hook")
            .parse()
            .unwrap();
        p.own_addr.set(own).unwrap();
        for u in [url.clone(), url.replace("127.0.0.1", "localhost")] {
            let t = Target::build(&format!("{u}/../_local/reset"), &json!({})).unwrap();
            assert_eq!(deliver(&p, &t, &body()).await, 0, "{u}");
        }
        assert_eq!(seen.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_receiver_streaming_without_a_line_end_fails_the_attempt() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let chunk = [b'x'; 4096];
                    while s.write_all(&chunk).await.is_ok() {}
                });
            }
        });
        let t = Target::build(&url, &json!({})).unwrap();
        let addrs = resolve(&policy(), &t).await.unwrap();
        let err = attempt(&addrs, &t, &body()).await.unwrap_err();
        assert!(err.contains("no status line within 8192 bytes"), "{err}");
    }

    #[tokio::test]
    async fn outgoing_connections_are_capped_over_all_destinations() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let open = Arc::new(AtomicU32::new(0));
        let counter = open.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((s, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                held.push(s); // never answers
            }
        });
        let mut p = policy();
        p.timeout = Duration::from_secs(3);
        p.max_attempts = 1;
        let p = Arc::new(p);
        for i in 0..(MAX_OUTGOING + 20) {
            let t = Target::build(&format!("http://{addr}/dest-{i}"), &json!({})).unwrap();
            let p = p.clone();
            tokio::spawn(async move { deliver(&p, &t, &body()).await });
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let n = open.load(Ordering::SeqCst);
        assert_eq!(n as usize, MAX_OUTGOING, "{n} connections open at once");
    }

    #[test]
    fn urls_auth_and_payload() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/a/b?c=d").unwrap(),
            ("127.0.0.1".into(), 8080, "/a/b?c=d".into())
        );
        assert_eq!(
            split_url("http://[::1]/").unwrap(),
            ("::1".into(), 80, "/".into())
        );
        assert!(split_url("https://example.com/").is_err());
        let t = Target::build(
            "http://localhost/h",
            &json!({"auth": {"basic_user": "u", "basic_pass": "p w"}}),
        )
        .unwrap();
        assert_eq!(t.authorization.as_deref(), Some("Basic dTpwIHc="));
        assert!(!format!("{t:?}").contains("dTpw"));
        let p: Value = serde_json::from_str(&body()).unwrap();
        assert_eq!(p["events"][0]["object"]["size"], 3);
        assert_eq!(p["events"][0]["eventSource"], "tigris");
    }
}
