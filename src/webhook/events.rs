//! A delivery's body, `{"events":[{eventName, eventTime, bucket, object: {key, size, eTag}}, …]}`
//! (other fields, such as `eventVersion` and `eventSource`, are ignored), read into
//! [`CoordinationEvent`]s.

use crate::parse::json::{self, Value};
use crate::parse::responses::rfc3339_ms;
use crate::sigv4::push_hex;
use crate::workflows::WorkflowError;
use sha2::{Digest, Sha256};

/// Largest delivery body read (1 MiB); a larger one is refused before it is parsed.
pub const MAX_DELIVERY_BYTES: usize = 1 << 20;

/// One object event of a delivery.
#[derive(Clone, Debug, PartialEq)]
pub struct CoordinationEvent {
    /// 64 hex digits of a SHA-256 over the bucket, key, ETag, event name and time: the same for
    /// every redelivery of one event, so a receiver dedupes on it.
    pub id: String,
    /// `eventName`, e.g. `OBJECT_CREATED_PUT`, `OBJECT_DELETED` (an open set).
    pub event_name: String,
    /// `eventTime` in milliseconds since the epoch.
    pub event_time_ms: f64,
    /// `bucket`.
    pub bucket: String,
    /// `object.key`.
    pub key: String,
    /// `object.size` in bytes, when the event has one.
    pub size: Option<u64>,
    /// `object.eTag` as sent (the object's MD5 in hex, unquoted, for a simple upload), when
    /// present.
    pub e_tag: Option<String>,
}

/// The events of one delivery body (decoded as UTF-8, an invalid sequence becoming U+FFFD as
/// `TextDecoder` does), in their order: [`for_each_event`] collected.
pub fn events(body: &str) -> Result<Vec<CoordinationEvent>, WorkflowError> {
    let mut events = Vec::new();
    for_each_event(body, |event| events.push(event))?;
    Ok(events)
}

/// Hands each event of one delivery body to `each`, in order (a glue converts them one by one).
/// `InvalidArgument` when the body is over [`MAX_DELIVERY_BYTES`], is not JSON with an `events`
/// array, or has an event with a missing or mistyped field or an `eventTime` that is not an RFC
/// 3339 date-time; the message names the event and the field (`events[2].object.key must be a
/// string`). The events before a refused one have been handed over by then.
pub fn for_each_event(
    body: &str,
    mut each: impl FnMut(CoordinationEvent),
) -> Result<(), WorkflowError> {
    check_size(body.len())?;
    let value =
        json::parse(body).map_err(|_| WorkflowError::invalid("the delivery body is not JSON"))?;
    let list = value
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| WorkflowError::invalid("the delivery body has no events array"))?;
    for (i, item) in list.iter().enumerate() {
        each(event(i, item)?);
    }
    Ok(())
}

/// `events[i].<field> must be <rule>`.
fn bad(i: usize, field: &str, rule: &str) -> WorkflowError {
    let mut message = String::from("events[");
    message.push_str(&i.to_string());
    message.push_str("].");
    message.push_str(field);
    message.push_str(" must be ");
    message.push_str(rule);
    WorkflowError::invalid(message)
}

/// The string `value` of `events[i].<field>`.
fn text<'a>(value: Option<&'a Value>, i: usize, field: &str) -> Result<&'a str, WorkflowError> {
    value
        .and_then(Value::as_str)
        .ok_or_else(|| bad(i, field, "a string"))
}

/// Refuses a body of `len` bytes over [`MAX_DELIVERY_BYTES`] (`InvalidArgument`); a glue that
/// knows the length before copying the body checks it first.
pub fn check_size(len: usize) -> Result<(), WorkflowError> {
    if len > MAX_DELIVERY_BYTES {
        return Err(WorkflowError::invalid("the delivery body is over 1 MiB"));
    }
    Ok(())
}

/// `events[i]`.
fn event(i: usize, event: &Value) -> Result<CoordinationEvent, WorkflowError> {
    // Every field is checked before anything is copied, so a refusal has nothing to free.
    let object = event.get("object");
    let member = |key| object.and_then(|o| o.get(key));
    let event_name = text(event.get("eventName"), i, "eventName")?;
    let event_time_ms = rfc3339_ms(text(event.get("eventTime"), i, "eventTime")?)
        .map_err(|_| bad(i, "eventTime", "an RFC 3339 date-time"))?;
    let bucket = text(event.get("bucket"), i, "bucket")?;
    let key = text(member("key"), i, "object.key")?;
    let size = match member("size") {
        None | Some(Value::Null) => None,
        // Integer text only (`1024`, not `1024.0` or `1e3`), summed digit by digit: no float
        // (20 KB of wasm) or integer parser is compiled in, nor the 128-bit multiplication of
        // `checked_mul` (sizes stop at 2^59 · 10, far beyond any object).
        Some(Value::Number(n)) => Some(
            n.bytes()
                .try_fold(0u64, |sum, c| {
                    (c.is_ascii_digit() && sum < 1 << 59).then(|| sum * 10 + u64::from(c - b'0'))
                })
                .ok_or_else(|| bad(i, "object.size", "a non-negative integer"))?,
        ),
        Some(_) => return Err(bad(i, "object.size", "a non-negative integer")),
    };
    let e_tag = match member("eTag") {
        None | Some(Value::Null) => None,
        tag => Some(text(tag, i, "object.eTag")?),
    };
    let mut hash = Sha256::new();
    for part in [Some(bucket), Some(key), e_tag, Some(event_name)] {
        // Each part is its length then its bytes (an absent ETag is a length no string has),
        // so no two different events hash the same bytes.
        let len = part.map_or(u64::MAX, |p| p.len() as u64);
        hash.update(len.to_le_bytes());
        hash.update(part.unwrap_or_default());
    }
    hash.update(event_time_ms.to_le_bytes());
    let mut id = String::with_capacity(64);
    push_hex(&mut id, &hash.finalize());
    Ok(CoordinationEvent {
        id,
        event_name: event_name.to_owned(),
        event_time_ms,
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        size,
        e_tag: e_tag.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ops::ErrorCode;

    const ONE: &str = r#"{"eventVersion":"1","eventSource":"tigris","eventName":"OBJECT_CREATED_PUT","eventTime":"2023-05-15T10:30:00.000Z","bucket":"my-bucket","object":{"key":"path/to/myfile.txt","size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e"}}"#;

    fn delivery(events: &[&str]) -> String {
        format!("{{\"events\":[{}]}}", events.join(","))
    }

    fn message(body: &str) -> String {
        let e = events(body).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        e.message
    }

    #[test]
    fn reads_the_documented_payload() {
        let got = events(&delivery(&[ONE])).unwrap();
        assert_eq!(got.len(), 1);
        let e = &got[0];
        assert_eq!(e.event_name, "OBJECT_CREATED_PUT");
        assert_eq!(e.event_time_ms, 1_684_146_600_000.0);
        assert_eq!(
            (e.bucket.as_str(), e.key.as_str()),
            ("my-bucket", "path/to/myfile.txt")
        );
        assert_eq!(e.size, Some(1024));
        assert_eq!(e.e_tag.as_deref(), Some("d41d8cd98f00b204e9800998ecf8427e"));
        assert_eq!(e.id.len(), 64);
        assert!(e
            .id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(events(" {\"events\":[]} ").unwrap(), vec![]);
    }

    #[test]
    fn ids_repeat_for_a_redelivery_and_differ_between_events() {
        let again = ONE.replace("\"eventVersion\":\"1\",", "");
        let a = events(&delivery(&[ONE, &again])).unwrap();
        assert_eq!(a[0].id, a[1].id);
        // The same instant written another way is the same event.
        let b = events(&delivery(&[&ONE.replace(".000Z", "Z")])).unwrap();
        assert_eq!(a[0].id, b[0].id);
        let variants = [
            ONE.replace("my-bucket", "my-bucket2"),
            ONE.replace("myfile.txt", "myfile.txu"),
            ONE.replace("d41d8", "d41d9"),
            ONE.replace(",\"eTag\":\"d41d8cd98f00b204e9800998ecf8427e\"", ""),
            ONE.replace("d41d8cd98f00b204e9800998ecf8427e", ""),
            ONE.replace("OBJECT_CREATED_PUT", "OBJECT_DELETED"),
            ONE.replace("30:00.000", "30:00.001"),
            // Moving a character from one field to the next must change the id.
            ONE.replace("\"my-bucket\"", "\"my-bucke\"")
                .replace("\"path/", "\"tpath/"),
        ];
        let mut ids = vec![a[0].id.clone()];
        for v in &variants {
            ids.push(events(&delivery(&[v])).unwrap()[0].id.clone());
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn optional_size_and_etag() {
        let bare = r#"{"eventName":"OBJECT_DELETED","eventTime":"2026-01-01T00:00:00Z","bucket":"b","object":{"key":"k","size":null}}"#;
        let e = &events(&delivery(&[bare])).unwrap()[0];
        assert_eq!((e.size, e.e_tag.clone()), (None, None));
        let huge = ONE.replace("1024", "5764607523034234879");
        assert_eq!(
            events(&delivery(&[&huge])).unwrap()[0].size,
            Some(((1 << 59) - 1) * 10 + 9)
        );
    }

    #[test]
    fn malformed_bodies_name_what_is_wrong() {
        let padded = format!("{}{{\"events\":[]}}", " ".repeat(MAX_DELIVERY_BYTES - 12));
        assert_eq!(padded.len(), MAX_DELIVERY_BYTES + 1);
        assert_eq!(message(&padded), "the delivery body is over 1 MiB");
        assert_eq!(events(&padded[1..]).unwrap(), vec![]);
        for (body, want) in [
            ("", "the delivery body is not JSON"),
            ("{\"events\":[]", "the delivery body is not JSON"),
            ("\u{fffd}{}", "the delivery body is not JSON"),
            ("{}", "the delivery body has no events array"),
            ("{\"events\":{}}", "the delivery body has no events array"),
            ("[]", "the delivery body has no events array"),
            ("{\"events\":[1]}", "events[0].eventName must be a string"),
        ] {
            assert_eq!(message(body), want);
        }
        for (from, to, want) in [
            (
                "\"bucket\":\"my-bucket\",",
                "",
                "events[1].bucket must be a string",
            ),
            (
                "\"eventName\":\"OBJECT_CREATED_PUT\"",
                "\"eventName\":7",
                "events[1].eventName must be a string",
            ),
            (
                "2023-05-15T10:30:00.000Z",
                "yesterday",
                "events[1].eventTime must be an RFC 3339 date-time",
            ),
            (
                "\"eventTime\":\"2023-05-15T10:30:00.000Z\",",
                "",
                "events[1].eventTime must be a string",
            ),
            (
                "\"key\":\"path/to/myfile.txt\",",
                "",
                "events[1].object.key must be a string",
            ),
            (
                "1024",
                "-1",
                "events[1].object.size must be a non-negative integer",
            ),
            (
                "1024",
                "1.5",
                "events[1].object.size must be a non-negative integer",
            ),
            (
                "1024",
                "1e3",
                "events[1].object.size must be a non-negative integer",
            ),
            (
                "1024",
                "5764607523034234880",
                "events[1].object.size must be a non-negative integer",
            ),
            (
                "1024",
                "\"1024\"",
                "events[1].object.size must be a non-negative integer",
            ),
            (
                "\"d41d8cd98f00b204e9800998ecf8427e\"",
                "[]",
                "events[1].object.eTag must be a string",
            ),
        ] {
            let broken = ONE.replace(from, to);
            assert_eq!(message(&delivery(&[ONE, &broken])), want, "{broken}");
        }
        let no_object = r#"{"eventName":"x","eventTime":"2026-01-01T00:00:00Z","bucket":"b"}"#;
        assert_eq!(
            message(&delivery(&[no_object])),
            "events[0].object.key must be a string"
        );
    }
}
