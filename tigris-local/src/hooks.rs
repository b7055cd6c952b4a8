//! Test hooks data: the request log (secrets masked) and injectable faults (`/_local/…`).

use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::Request;

/// The headers whose values never appear in the log.
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-amz-security-token"];
/// Query parameters (presigned URLs) whose values never appear in the log.
const SECRET_PARAMS: [&str; 2] = ["X-Amz-Signature", "X-Amz-Security-Token"];
/// JSON keys whose values are masked in logged bodies (and in the state dump).
pub const SECRET_FIELDS: [&str; 5] = [
    "SecretAccessKey",
    "token",
    "basic_pass",
    "secret_key",
    "password",
];
/// JSON keys holding webhook URLs, whose user-info password and query values are masked (a
/// webhook credential is often carried there).
const URL_FIELDS: [&str; 3] = ["web_hook", "webhook", "url"];
/// The log keeps at most this many entries (oldest dropped first) so long runs stay bounded.
const MAX_LOG_ENTRIES: usize = 20_000;
/// Logged bodies are cut at this many bytes.
const MAX_LOGGED_BODY: usize = 64 * 1024;

/// Replaces the values of secret JSON keys with `******`, recursively. Returns whether anything changed.
pub fn mask_json(v: &mut Value) -> bool {
    let mut changed = false;
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if SECRET_FIELDS.contains(&k.as_str()) && !val.is_null() {
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

fn mask_body(body: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("<{} bytes of binary data>", body.len());
    };
    if let Ok(mut v) = serde_json::from_str::<Value>(text) {
        if mask_json(&mut v) {
            return v.to_string();
        }
    }
    // Form bodies (IAM) may carry a JSON `Req=`; mask inside it too.
    if text.contains('=') && !text.contains(' ') {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let mut changed = false;
        let masked: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| {
                if SECRET_FIELDS.contains(&k.as_str()) {
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
                    Err(_) => (k, v),
                }
            })
            .collect();
        if changed {
            return form_urlencoded::Serializer::new(String::new())
                .extend_pairs(masked)
                .finish();
        }
    }
    if text.len() > MAX_LOGGED_BODY {
        let mut cut = MAX_LOGGED_BODY;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        return format!(
            "{}…<{} bytes in total>",
            text.get(..cut).unwrap_or(""),
            text.len()
        );
    }
    text.to_string()
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

/// One logged request.
pub fn log_entry(seq: u64, req: &Request) -> Value {
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
        "body": mask_body(&req.body),
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
    /// Entries dropped from the front of `log`.
    dropped: usize,
    faults: Vec<Fault>,
    next_id: u64,
}

impl Hooks {
    /// Appends a request; returns its sequence number (1-based, never reused until a reset).
    pub fn record(&mut self, req: &Request) -> usize {
        if self.log.len() == MAX_LOG_ENTRIES {
            self.log.pop_front();
            self.dropped += 1;
        }
        let seq = self.dropped + self.log.len() + 1;
        self.log.push_back(log_entry(seq as u64, req));
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
        let e = log_entry(1, &req("PATCH", "/b", body));
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
        let plain = log_entry(2, &req("PATCH", "/b", r#"{"object_notifications":{}}"#));
        assert_eq!(plain["body"], r#"{"object_notifications":{}}"#);
    }
}
