//! Test hooks data: the request log (secrets masked) and injectable faults (`/_local/…`).

use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::Request;

/// The headers whose values never appear in the log.
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-amz-security-token"];
/// Query parameters (presigned URLs) whose values never appear in the log.
const SECRET_PARAMS: [&str; 2] = ["X-Amz-Signature", "X-Amz-Security-Token"];
/// JSON keys whose values are masked in logged bodies (and in the state dump), compared
/// case-insensitively (`Token`, `TOKEN`, `secretaccesskey` …).
pub const SECRET_FIELDS: [&str; 9] = [
    "SecretAccessKey",
    "token",
    "basic_pass",
    "secret_key",
    "password",
    "bearer",
    "authorization",
    "session_token",
    "SessionToken",
];

/// Whether a JSON key or form field holds a secret.
fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name))
}
/// JSON keys holding webhook URLs, whose user-info password and query values are masked (a
/// webhook credential is often carried there).
const URL_FIELDS: [&str; 3] = ["web_hook", "webhook", "url"];
/// The log keeps at most this many entries (oldest dropped first) so long runs stay bounded.
const MAX_LOG_ENTRIES: usize = 20_000;
/// Logged bodies are cut at this many bytes (after masking).
const MAX_LOGGED_BODY: usize = 64 * 1024;
/// The log keeps at most about this many bytes of entries (oldest dropped first), so
/// unauthenticated traffic cannot grow it without bound.
const MAX_LOG_BYTES: usize = 32 * 1024 * 1024;

/// Replaces the values of secret JSON keys with `******`, recursively. Returns whether anything changed.
pub fn mask_json(v: &mut Value) -> bool {
    let mut changed = false;
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if is_secret_field(k) && !val.is_null() {
                    *val = json!("******");
                    changed = true;
                } else if let (true, Value::String(url)) = (URL_FIELDS.contains(&k.as_str()), &*val)
                {
                    if let Some(masked) = mask_url(url) {
                        *val = json!(masked);
                        changed = true;
                    }
                } else {
                    changed |= mask_json(val);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                changed |= mask_json(item);
            }
        }
        _ => {}
    }
    changed
}

/// `url` with the password of its user-info and every query value replaced by `******`, or
/// `None` when there is nothing to mask.
pub fn mask_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:******@{host}"),
            None => format!("******@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let (query, fragment) = match query.split_once('#') {
                Some((q, f)) => (q, format!("#{f}")),
                None => (query, String::new()),
            };
            let masked: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) => format!("{k}=******"),
                    None => pair.to_string(),
                })
                .collect();
            format!("{path}?{}{fragment}", masked.join("&"))
        }
        None => tail.to_string(),
    };
    let masked = format!("{scheme}://{authority}{tail}");
    (masked != url).then_some(masked)
}

/// A logged body: object data as its length and SHA-256 only, anything else with its secrets
/// masked, then cut at [`MAX_LOGGED_BODY`].
fn mask_body(body: &[u8], object_data: bool) -> String {
    if object_data && !body.is_empty() {
        return format!(
            "<{} bytes, sha256 {}>",
            body.len(),
            crate::sigv4::sha256_hex(body)
        );
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("<{} bytes of binary data>", body.len());
    };
    cut(mask_text(text, body))
}

/// `text` with secret values masked: JSON, form bodies (with a JSON `Req=`), and otherwise
/// (malformed JSON) every `"<secret field>": "…"` pair found in the text.
fn mask_text(text: &str, body: &[u8]) -> String {
    if let Ok(mut v) = serde_json::from_str::<Value>(text) {
        return if mask_json(&mut v) {
            v.to_string()
        } else {
            text.to_string()
        };
    }
    // Form bodies (IAM) may carry a JSON `Req=`; mask inside it too.
    if text.contains('=') && !text.contains(' ') {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let mut changed = false;
        let masked: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| {
                if is_secret_field(&k) {
                    changed = true;
                    return (k, "******".to_string());
                }
                match serde_json::from_str::<Value>(&v) {
                    Ok(mut j) => {
                        if mask_json(&mut j) {
                            changed = true;
                            (k, j.to_string())
                        } else {
                            (k, v)
                        }
                    }
                    Err(_) => (k, mask_loose(&v)),
                }
            })
            .collect();
        if changed {
            return form_urlencoded::Serializer::new(String::new())
                .extend_pairs(masked)
                .finish();
        }
    }
    mask_loose(text)
}

/// Masks the string value after every `"<secret field>"` key in text that is not valid JSON.
fn mask_loose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(q) = rest.find('"') {
        let (before, from_quote) = rest.split_at(q);
        out.push_str(before);
        let after_quote = from_quote.get(1..).unwrap_or("");
        let Some(end) = after_quote.find('"') else {
            out.push_str(from_quote);
            return out;
        };
        let key = after_quote.get(..end).unwrap_or("");
        let tail = after_quote.get(end + 1..).unwrap_or("");
        out.push('"');
        out.push_str(key);
        out.push('"');
        rest = tail;
        if !is_secret_field(key) {
            continue;
        }
        let value = tail.trim_start();
        let Some(value) = value.strip_prefix(':').map(str::trim_start) else {
            continue;
        };
        let Some(inner) = value.strip_prefix('"') else {
            continue;
        };
        // The value runs to the next unescaped quote (or the end of a cut document).
        let mut len = inner.len();
        let mut escaped = false;
        for (i, c) in inner.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    len = i;
                    break;
                }
                _ => escaped = false,
            }
        }
        out.push_str(":\"******\"");
        rest = inner.get(len + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// `text` cut at [`MAX_LOGGED_BODY`] bytes (on a character boundary), with the total length.
fn cut(text: String) -> String {
    if text.len() <= MAX_LOGGED_BODY {
        return text;
    }
    let mut at = MAX_LOGGED_BODY;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    format!(
        "{}…<{} bytes in total>",
        text.get(..at).unwrap_or(""),
        text.len()
    )
}

/// The raw query with presigned-URL credentials replaced by `******`.
fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(k)) => {
                format!("{k}=******")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// One logged request; `object_data` when its body is an object's content (logged as length
/// and hash only).
pub fn log_entry(seq: u64, req: &Request, object_data: bool) -> Value {
    let mut headers = serde_json::Map::new();
    for (n, v) in &req.headers {
        let v = if SECRET_HEADERS.contains(&n.as_str()) {
            "******".to_string()
        } else {
            v.clone()
        };
        match headers.get_mut(n) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&v);
            }
            _ => {
                headers.insert(n.clone(), json!(v));
            }
        }
    }
    json!({
        "seq": seq,
        "time": crate::clock::rfc3339_ms(crate::clock::now_ns()),
        "method": req.method,
        "path": req.path,
        "query": mask_query(&req.query),
        "headers": headers,
        "body": mask_body(&req.body, object_data),
        "status": null,
        "fault": null,
    })
}

/// What a fault does.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum FaultAction {
    /// Answer with this status (and body).
    Status {
        /// HTTP status.
        status: u16,
        /// Optional body (XML or JSON, content type guessed).
        body: Option<String>,
    },
    /// Delay the request, then handle it normally.
    Delay {
        /// Milliseconds.
        delay_ms: u64,
    },
    /// Drop the connection before or after handling.
    Drop {
        /// `before` or `after`.
        drop: DropWhen,
    },
}

/// When a dropped connection is dropped.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DropWhen {
    /// Without acting.
    Before,
    /// After acting (the change happens, the client never hears about it).
    After,
}

/// A fault spec from `POST /_local/faults`.
#[derive(Debug, Clone, Deserialize)]
pub struct FaultSpec {
    /// Method to match (any when absent).
    pub method: Option<String>,
    /// Path glob (`*` any run, `?` one char).
    pub path: Option<String>,
    /// Header that must be present.
    pub header: Option<String>,
    /// First matching request (1-based) that fails.
    pub nth: Option<u64>,
    /// How many matching requests fail from the nth on.
    pub times: Option<u64>,
    /// The action.
    pub action: FaultAction,
}

#[derive(Debug, Clone)]
struct Fault {
    id: u64,
    spec: FaultSpec,
    seen: u64,
    fired: u64,
}

/// Glob match with `*` and `?`.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    p.iter().skip(pi).all(|c| *c == '*')
}

/// The log and the faults.
#[derive(Debug, Default)]
pub struct Hooks {
    log: std::collections::VecDeque<Value>,
    /// Approximate size of each entry in `log` (its body and query), and their sum.
    sizes: std::collections::VecDeque<usize>,
    bytes: usize,
    /// Entries dropped from the front of `log`.
    dropped: usize,
    faults: Vec<Fault>,
    next_id: u64,
}

impl Hooks {
    /// Appends a request; returns its sequence number (1-based, never reused until a reset).
    pub fn record(&mut self, req: &Request, object_data: bool) -> usize {
        let seq = self.dropped + self.log.len() + 1;
        let entry = log_entry(seq as u64, req, object_data);
        let size = 512
            + entry
                .get("body")
                .and_then(Value::as_str)
                .map_or(0, str::len)
            + req.query.len()
            + req
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len())
                .sum::<usize>();
        self.log.push_back(entry);
        self.sizes.push_back(size);
        self.bytes += size;
        while self.log.len() > MAX_LOG_ENTRIES || (self.bytes > MAX_LOG_BYTES && self.log.len() > 1)
        {
            self.log.pop_front();
            self.bytes -= self.sizes.pop_front().unwrap_or(0);
            self.dropped += 1;
        }
        seq
    }

    /// Fills in the outcome of a logged request.
    pub fn finish(&mut self, seq: usize, status: Option<u16>, fault: Option<Value>) {
        let index = seq.checked_sub(self.dropped + 1);
        if let Some(Value::Object(e)) = index.and_then(|i| self.log.get_mut(i)) {
            e.insert("status".into(), json!(status));
            if let Some(f) = fault {
                e.insert("fault".into(), f);
            }
        }
    }

    /// The whole log.
    pub fn log(&self) -> Value {
        Value::Array(self.log.iter().cloned().collect())
    }

    /// Adds a fault; returns its id.
    pub fn add_fault(&mut self, spec: FaultSpec) -> u64 {
        self.next_id += 1;
        self.faults.push(Fault {
            id: self.next_id,
            spec,
            seen: 0,
            fired: 0,
        });
        self.next_id
    }

    /// Counts `req` against every matching fault and returns the first one that fires
    /// (with a JSON description for the log).
    pub fn check(&mut self, req: &Request) -> Option<(FaultAction, Value)> {
        let mut hit = None;
        for f in &mut self.faults {
            let s = &f.spec;
            let matches = s
                .method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(&req.method))
                && s.path.as_ref().is_none_or(|p| glob(p, &req.path))
                && s.header.as_ref().is_none_or(|h| req.header(h).is_some());
            if !matches {
                continue;
            }
            f.seen += 1;
            if hit.is_none() && f.seen >= s.nth.unwrap_or(1) && f.fired < s.times.unwrap_or(1) {
                f.fired += 1;
                let desc = json!({"id": f.id, "action": match &s.action {
                    FaultAction::Status { status, .. } => json!({"status": status}),
                    FaultAction::Delay { delay_ms } => json!({"delay_ms": delay_ms}),
                    FaultAction::Drop { drop } => json!({"drop": if *drop == DropWhen::Before { "before" } else { "after" }}),
                }});
                hit = Some((s.action.clone(), desc));
            }
        }
        hit
    }

    /// Forgets the log and all faults.
    pub fn clear(&mut self) {
        self.log.clear();
        self.sizes.clear();
        self.bytes = 0;
        self.dropped = 0;
        self.faults.clear();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    #[test]
    fn webhook_urls_lose_their_credentials() {
        assert_eq!(
            super::mask_url("http://u:pw@127.0.0.1:9/h?sig=abc&x#f").as_deref(),
            Some("http://u:******@127.0.0.1:9/h?sig=******&x#f")
        );
        assert_eq!(super::mask_url("http://127.0.0.1:9/h"), None);
        let mut v = serde_json::json!({"object_notifications": {"web_hook": "http://a:b@h/?t=1"}});
        assert!(super::mask_json(&mut v));
        assert_eq!(
            v.to_string(),
            r#"{"object_notifications":{"web_hook":"http://a:******@h/?t=******"}}"#
        );
    }

    use super::*;
    use bytes::Bytes;

    fn req(method: &str, path: &str, body: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            query: String::new(),
            headers: vec![
                ("authorization".into(), "AWS4 secret-ish".into()),
                ("x-a".into(), "1".into()),
            ],
            body: Bytes::from(body.to_string()),
        }
    }

    #[test]
    fn globbing() {
        assert!(glob("/b*", "/bucket/x"));
        assert!(glob("/", "/"));
        assert!(!glob("/", "/x"));
        assert!(glob("/a?c/", "/abc/"));
        assert!(!glob("/a*z", "/abc"));
    }

    #[test]
    fn faults_fire_from_nth_for_times() {
        let mut h = Hooks::default();
        let spec: FaultSpec = serde_json::from_value(json!({"method": "PUT", "path": "/b*", "nth": 2, "times": 2, "action": {"status": 500}})).unwrap();
        h.add_fault(spec);
        let fired: Vec<bool> = (0..5)
            .map(|_| h.check(&req("PUT", "/bx", "")).is_some())
            .collect();
        assert_eq!(fired, vec![false, true, true, false, false]);
        assert!(h.check(&req("GET", "/bx", "")).is_none());
        let drop: FaultSpec = serde_json::from_value(json!({"action": {"drop": "after"}})).unwrap();
        assert_eq!(
            drop.action,
            FaultAction::Drop {
                drop: DropWhen::After
            }
        );
    }

    #[test]
    fn secrets_are_masked_in_order() {
        let body = r#"{"object_notifications":{"enabled":true,"web_hook":"http://x","filter":"","auth":{"token":"tok"}}}"#;
        let e = log_entry(1, &req("PATCH", "/b", body), false);
        assert_eq!(
            e["body"],
            r#"{"object_notifications":{"enabled":true,"web_hook":"http://x","filter":"","auth":{"token":"******"}}}"#
        );
        assert_eq!(e["headers"]["authorization"], "******");
        assert_eq!(
            mask_query("a=1&X-Amz-Signature=abc&x-amz-security-token=t"),
            "a=1&X-Amz-Signature=******&x-amz-security-token=******"
        );
        assert_eq!(e["headers"]["x-a"], "1");
        let plain = log_entry(
            2,
            &req("PATCH", "/b", r#"{"object_notifications":{}}"#),
            false,
        );
        assert_eq!(plain["body"], r#"{"object_notifications":{}}"#);
    }

    #[test]
    fn secrets_in_malformed_json_and_other_spellings_are_masked_and_bodies_cut_after() {
        for (body, secret) in [
            (r#"{"auth":{"token":"tok-1"}"#, "tok-1"),
            (r#"{"auth":{"Token" : "tok-2", "x": 1}} trailing"#, "tok-2"),
            (r#"{"Authorization":"bearer tok-3"}"#, "tok-3"),
            (r#"{"BEARER":"tok-4"}"#, "tok-4"),
        ] {
            let e = log_entry(1, &req("PATCH", "/b", body), false);
            let logged = e["body"].as_str().unwrap();
            assert!(!logged.contains(secret), "{body} → {logged}");
            assert!(logged.contains("******"), "{logged}");
        }
        // A huge JSON body holding a secret is masked and then cut.
        let big = format!(r#"{{"token":"tok-5","pad":"{}"}}"#, "x".repeat(1 << 20));
        let e = log_entry(1, &req("PATCH", "/b", &big), false);
        let logged = e["body"].as_str().unwrap();
        assert!(logged.len() < MAX_LOGGED_BODY + 100, "{}", logged.len());
        assert!(!logged.contains("tok-5"));
        // Object data is logged as its length and hash.
        let e = log_entry(1, &req("PUT", "/b/k", r#"{"token":"tok-6"}"#), true);
        assert_eq!(
            e["body"],
            format!(
                "<17 bytes, sha256 {}>",
                crate::sigv4::sha256_hex(br#"{"token":"tok-6"}"#)
            )
        );
    }

    #[test]
    fn the_log_is_bounded_by_bytes() {
        let mut h = Hooks::default();
        let body = "y".repeat(MAX_LOGGED_BODY);
        for _ in 0..2_000 {
            h.record(&req("PUT", "/b", &body), false);
        }
        assert!(h.bytes <= MAX_LOG_BYTES, "{}", h.bytes);
        let logged: usize = h.log.iter().map(|e| e.to_string().len()).sum();
        assert!(logged < MAX_LOG_BYTES + (1 << 20), "{logged}");
        assert!(h.log.len() < 2_000 && h.log.len() > 100, "{}", h.log.len());
        assert_eq!(
            h.record(&req("GET", "/b", ""), false),
            2_001,
            "sequence numbers go on"
        );
    }
}
