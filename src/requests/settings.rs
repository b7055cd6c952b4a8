//! Tigris HTTP-transport bucket requests (docs/protocol.md §5.6–5.8): the metadata `GET` and the settings
//! `PATCH`, always path-style on the S3 endpoint host, with the exact JSON bodies (key order
//! included) and the SDK's merge with the existing settings.

use super::Endpoint;
use crate::ops::{NotificationConfig, WebhookAuth};
use crate::parse::json::Value;
use crate::runtime::HttpRequest;
use crate::sigv4::encode_component;

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// `getBucketInfo(bucket)`: `GET /<bucket>?metadata&with-size=true` with
/// `Content-Type: application/json` and `Accept: application/json`.
pub fn bucket_info(endpoint: &Endpoint, bucket: &str) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!(
            "{}/{}?metadata&with-size=true",
            endpoint.origin(),
            encode_component(bucket)
        ),
        headers: vec![
            h("Content-Type", "application/json"),
            h("Accept", "application/json"),
        ],
        body: Vec::new(),
    }
}

/// `PATCH /<bucket>` with `Content-Type: application/json` and `body`.
pub fn patch(endpoint: &Endpoint, bucket: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: "PATCH",
        url: format!("{}/{}", endpoint.origin(), encode_component(bucket)),
        headers: vec![h("Content-Type", "application/json")],
        body: body.as_bytes().to_vec(),
    }
}

/// The body that clears notifications.
pub const CLEAR_NOTIFICATIONS_BODY: &str = "{\"object_notifications\":{}}";

fn obj(members: Vec<(&str, Value)>) -> Value {
    let mut object = Vec::with_capacity(members.len());
    for (k, v) in members {
        object.push((k.to_owned(), v));
    }
    Value::Object(object)
}

fn non_empty_array(v: Option<&Value>) -> bool {
    v.and_then(Value::as_array).is_some_and(|a| !a.is_empty())
}

/// The existing rule that is the "TTL rule": has an `expiration`, no transition, no filter prefix.
fn is_ttl_rule(rule: &Value) -> bool {
    let has_filter = rule
        .get("filter")
        .and_then(|f| f.get("prefix"))
        .and_then(Value::as_str)
        .is_some_and(|p| !p.is_empty());
    matches!(rule.get("expiration"), Some(Value::Object(_)))
        && !non_empty_array(rule.get("transitions"))
        && !has_filter
}

/// `days` or `date` (normalised to `YYYY-MM-DD`) of a transition/expiration.
fn days_or_date(src: &Value, into: &mut Vec<(&'static str, Value)>) {
    if let Some(days @ Value::Number(_)) = src.get("days") {
        into.push(("days", days.clone()));
    } else if let Some(date) = src.get("date").and_then(Value::as_str) {
        let day = date
            .get(..10)
            .filter(|d| d.len() == 10 && d.as_bytes().get(4) == Some(&b'-'))
            .unwrap_or(date);
        into.push(("date", Value::str(day)));
    }
}

/// Re-serialises an existing lifecycle rule as the SDK does:
/// `{id, transitions?:[{storage_class, days?|date?}], expiration?:{days?|date?, enabled}, filter?:{prefix}, status}`.
fn reserialize_rule(rule: &Value) -> Value {
    let mut out: Vec<(&str, Value)> = Vec::new();
    if let Some(id) = rule.get("id") {
        out.push(("id", id.clone()));
    }
    if let Some(first) = rule
        .get("transitions")
        .and_then(Value::as_array)
        .and_then(|t| t.first())
    {
        let mut t: Vec<(&str, Value)> = Vec::new();
        if let Some(class) = first.get("storage_class") {
            t.push(("storage_class", class.clone()));
        }
        days_or_date(first, &mut t);
        out.push(("transitions", Value::Array(vec![obj(t)])));
    }
    if let Some(exp @ Value::Object(_)) = rule.get("expiration") {
        let mut e: Vec<(&str, Value)> = Vec::new();
        days_or_date(exp, &mut e);
        e.push((
            "enabled",
            Value::Bool(exp.get("enabled").and_then(Value::as_bool).unwrap_or(true)),
        ));
        out.push(("expiration", obj(e)));
    }
    if let Some(prefix) = rule.get("filter").and_then(|f| f.get("prefix")) {
        out.push(("filter", obj(vec![("prefix", prefix.clone())])));
    }
    let enabled = rule.get("status").is_some_and(|s| s.is_int(1));
    out.push(("status", Value::int(if enabled { 1 } else { 2 })));
    obj(out)
}

/// The `setBucketTtl(bucket, {ttlConfig: {enabled: true, days}})` PATCH body: every existing
/// lifecycle rule re-sent, the TTL rule replaced in place (its id kept) or appended with
/// `new_rule_id`: `{"lifecycle_rules":[…,{"id":…,"expiration":{"days":N,"enabled":true},"status":1}]}`.
pub fn ttl_body(info: &Value, days: u32, new_rule_id: &str) -> String {
    let existing = info
        .get("lifecycle_rules")
        .and_then(Value::as_array)
        .unwrap_or(&[]);
    let ttl_index = existing.iter().position(is_ttl_rule);
    let ttl_id = ttl_index
        .and_then(|i| existing.get(i))
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .unwrap_or(new_rule_id);
    let ttl_rule = obj(vec![
        ("id", Value::str(ttl_id)),
        (
            "expiration",
            obj(vec![
                ("days", Value::int(i64::from(days))),
                ("enabled", Value::Bool(true)),
            ]),
        ),
        ("status", Value::int(1)),
    ]);
    let mut rules: Vec<Value> = Vec::with_capacity(existing.len() + 1);
    let mut ttl_rule = Some(ttl_rule);
    for (i, rule) in existing.iter().enumerate() {
        if Some(i) == ttl_index {
            if let Some(r) = ttl_rule.take() {
                rules.push(r);
            }
        } else {
            rules.push(reserialize_rule(rule));
        }
    }
    if let Some(r) = ttl_rule {
        rules.push(r);
    }
    obj(vec![("lifecycle_rules", Value::Array(rules))]).to_json()
}

fn auth_value(auth: &WebhookAuth) -> Value {
    match auth {
        WebhookAuth::Token(token) => obj(vec![("token", Value::str(token.expose()))]),
        WebhookAuth::Basic { username, password } => obj(vec![
            ("basic_user", Value::str(username)),
            ("basic_pass", Value::str(password.expose())),
        ]),
    }
}

/// An existing `auth` from the metadata, re-serialised (`token`, or `basic_user`/`basic_pass`).
fn existing_auth(info: &Value) -> Option<Value> {
    let auth = info.get("object_notifications")?.get("auth")?;
    if let Some(token) = auth
        .get("token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    {
        return Some(obj(vec![("token", Value::str(token))]));
    }
    let user = auth
        .get("basic_user")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())?;
    let pass = auth.get("basic_pass").and_then(Value::as_str).unwrap_or("");
    Some(obj(vec![
        ("basic_user", Value::str(user)),
        ("basic_pass", Value::str(pass)),
    ]))
}

/// The `setBucketNotifications` PATCH body for `{enabled: true, url, filter, auth?}` merged with
/// the existing configuration (an existing `auth` is kept when none is given):
/// `{"object_notifications":{"enabled":true,"web_hook":…,"filter":…[,"auth":{…}]}}`.
pub fn notifications_body(info: &Value, config: &NotificationConfig) -> String {
    let mut n: Vec<(&str, Value)> = vec![
        ("enabled", Value::Bool(true)),
        ("web_hook", Value::str(&config.url)),
        ("filter", Value::str(&config.filter)),
    ];
    let auth = config
        .auth
        .as_ref()
        .map(auth_value)
        .or_else(|| existing_auth(info));
    if let Some(auth) = auth {
        n.push(("auth", auth));
    }
    obj(vec![("object_notifications", obj(n))]).to_json()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::parse::json::parse;
    use crate::secret::Secret;

    #[test]
    fn ttl_new_bucket() {
        let info = parse("{}").unwrap();
        assert_eq!(
            ttl_body(&info, 1, "9b13870c-36c1-451c-bbff-3e3b6d8a85db"),
            r#"{"lifecycle_rules":[{"id":"9b13870c-36c1-451c-bbff-3e3b6d8a85db","expiration":{"days":1,"enabled":true},"status":1}]}"#
        );
    }

    #[test]
    fn ttl_merges_existing_rules() {
        let info = parse(r#"{"lifecycle_rules":[
            {"id":"t1","transitions":[{"storage_class":"GLACIER","days":30},{"storage_class":"X","days":9}],"status":2,"extra":1},
            {"id":"old","expiration":{"days":3,"enabled":false},"status":2},
            {"id":"p","expiration":{"date":"2030-01-02T00:00:00Z","enabled":true},"filter":{"prefix":"logs/"},"status":1}
        ]}"#).unwrap();
        assert_eq!(
            ttl_body(&info, 7, "new"),
            r#"{"lifecycle_rules":[{"id":"t1","transitions":[{"storage_class":"GLACIER","days":30}],"status":2},{"id":"old","expiration":{"days":7,"enabled":true},"status":1},{"id":"p","expiration":{"date":"2030-01-02","enabled":true},"filter":{"prefix":"logs/"},"status":1}]}"#
        );
    }

    #[test]
    fn notification_bodies_protocol_examples() {
        let empty = parse("{}").unwrap();
        let token = NotificationConfig {
            url: "https://example.com/webhook".into(),
            filter: "WHERE `key` REGEXP \"^results/\"".into(),
            auth: Some(WebhookAuth::Token(Secret::new("test-secret-token"))),
        };
        let body = notifications_body(&empty, &token);
        assert_eq!(
            body,
            r#"{"object_notifications":{"enabled":true,"web_hook":"https://example.com/webhook","filter":"WHERE `key` REGEXP \"^results/\"","auth":{"token":"test-secret-token"}}}"#
        );
        assert_eq!(body.len(), 163);
        let basic = NotificationConfig {
            url: "https://example.com/hook2".into(),
            filter: String::new(),
            auth: Some(WebhookAuth::Basic {
                username: "u".into(),
                password: "p".into(),
            }),
        };
        assert_eq!(
            notifications_body(&empty, &basic),
            r#"{"object_notifications":{"enabled":true,"web_hook":"https://example.com/hook2","filter":"","auth":{"basic_user":"u","basic_pass":"p"}}}"#
        );
        let none = NotificationConfig {
            url: "https://example.com/hook3".into(),
            filter: String::new(),
            auth: None,
        };
        assert_eq!(
            notifications_body(&empty, &none),
            r#"{"object_notifications":{"enabled":true,"web_hook":"https://example.com/hook3","filter":""}}"#
        );
        let existing = parse(r#"{"object_notifications":{"enabled":false,"web_hook":"https://old","filter":"x","auth":{"token":"keep"}}}"#).unwrap();
        assert_eq!(
            notifications_body(&existing, &none),
            r#"{"object_notifications":{"enabled":true,"web_hook":"https://example.com/hook3","filter":"","auth":{"token":"keep"}}}"#
        );
    }
}
