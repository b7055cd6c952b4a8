//! Readers for the responses of each call: S3 XML errors (docs/protocol.md §4), the snapshot listing
//! (§5.4), Tigris JSON errors (§6.2), bucket metadata (§5.6), the PATCH outcome (§5.8), the
//! IAM access-key result (§5.11) and the JSON bucket listing with lineage (§5.13).

use super::json::{self, Value};
use super::xml;
use crate::ops::{AccessKey, BucketPage, ForkParent, ListedBucket, SnapshotInfo, SnapshotPage};
use crate::secret::Secret;
use crate::text;

/// What separates a snapshot's version from its name in `<Name>`.
const NAME: &str = "; name=";

/// `Code` and message of an S3 XML error body. The message is `<Message>`, or `UnknownError`
/// when it is absent or the body is empty or not XML (as the AWS SDK reports it).
pub fn s3_error(body: &str) -> (Option<String>, String) {
    let scope = xml::element(body, "Error").unwrap_or(body);
    let code = xml::text(scope, "Code").filter(|c| !c.is_empty());
    let message = xml::text(scope, "Message").unwrap_or_else(|| "UnknownError".to_owned());
    (code, message)
}

/// Parses a `ListAllMyBucketsResult` of snapshots: `version` = `<Name>` before `;`, `name` =
/// after `; name=`, `created_at_ms` = `<CreationDate>` (see [`rfc3339_ms`]). Errors when the
/// document has no `ListAllMyBucketsResult` element, or, as the AWS SDK's deserialiser does,
/// when a `<CreationDate>` is present but not a date.
pub fn snapshot_page(body: &str) -> Result<SnapshotPage, String> {
    let root = xml::element(body, "ListAllMyBucketsResult")
        .ok_or_else(|| "Invalid snapshot listing: missing ListAllMyBucketsResult".to_owned())?;
    let mut snapshots = Vec::new();
    if let Some(buckets) = xml::element(root, "Buckets") {
        for bucket in xml::elements(buckets, "Bucket") {
            let full = xml::text(bucket, "Name");
            let (version, name) = match &full {
                Some(n) => {
                    let version = text::split_once(n, ";")
                        .map_or(n.as_str(), |(v, _)| v)
                        .to_owned();
                    let name = text::split_once(n, NAME)
                        .map(|(_, rest)| {
                            text::split_once(rest, NAME).map_or(rest, |(name, _)| name)
                        })
                        .map(str::to_owned);
                    (Some(version), name)
                }
                None => (None, None),
            };
            let created_at_ms = match xml::text(bucket, "CreationDate") {
                Some(date) => Some(rfc3339_ms(&date)?),
                None => None,
            };
            snapshots.push(SnapshotInfo {
                version,
                name,
                created_at_ms,
            });
        }
    }
    let continuation_token = xml::text(root, "ContinuationToken").filter(|t| !t.is_empty());
    Ok(SnapshotPage {
        snapshots,
        continuation_token,
    })
}

/// Milliseconds since the epoch of an RFC 3339 date-time, read as the AWS SDK's deserialiser
/// reads `<CreationDate>`: `2025-07-04T12:25:10.19667705Z` exactly (`T`/`Z` in either case,
/// offsets `±HH:MM`, any number of fraction digits, rounded to ms; no surrounding spaces), then
/// month 1–12, day 1–31, hour 0–23, minute 0–59 and second 0–60 range-checked and carried over
/// as `Date.UTC` does (`02-30` is 2 March). Errors are the SDK's texts: `Invalid RFC3339
/// timestamp format <value>` (cut to 100 characters) and `Value <n> out of range [<min>, <max>]`.
pub fn rfc3339_ms(s: &str) -> Result<f64, String> {
    let invalid = || {
        format!(
            "Invalid RFC3339 timestamp format {}",
            text::first_chars(s, 100)
        )
    };
    let b = s.as_bytes();
    let num = |from: usize, len: usize| digits(s, from, len).ok_or_else(invalid);
    let sep = |at: usize, chars: &[u8]| b.get(at).is_some_and(|c| chars.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt") && sep(13, b":") && sep(16, b":")) {
        return Err(invalid());
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = s
            .get(start..i)
            .filter(|d| !d.is_empty())
            .ok_or_else(invalid)?;
        let mut first4 = [0i64; 4];
        for (slot, c) in first4.iter_mut().zip(digits.bytes()) {
            *slot = i64::from(c - b'0');
        }
        let [d1, d2, d3, d4] = first4;
        millis = d1 * 100 + d2 * 10 + d3 + i64::from(d4 >= 5);
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b":") => {
            let m = num(i + 1, 2)? * 60 + num(i + 4, 2)?;
            if *sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return Err(invalid()),
    };
    for (value, min, max) in [
        (month, 1, 12),
        (day, 1, 31),
        (hour, 0, 23),
        (minute, 0, 59),
        (second, 0, 60),
    ] {
        if !(min..=max).contains(&value) {
            return Err(format!("Value {value} out of range [{min}, {max}]"));
        }
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Ok((secs * 1000 + millis) as f64)
}

/// The number written with exactly the ASCII digits `s[from..from + len]`, if they are that.
fn digits(s: &str, from: usize, len: usize) -> Option<i64> {
    let part = s.get(from..from + len)?;
    // At most four digits (no overflow), summed by hand: no integer parser is compiled in.
    part.bytes().try_fold(0, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The message of a non-2xx Tigris HTTP-transport response (published SDK 3.21.0 / 2.6.0): the
/// body's JSON `Message` when truthy, else the status text, else `Unknown error`. Also returns the
/// JSON `Code`, when there is one, for classification.
pub fn json_error(status_text: &str, body: &str) -> (Option<String>, String) {
    let parsed = json::parse(body).ok();
    let code = parsed
        .as_ref()
        .and_then(|v| v.get("Code"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let message = match parsed.as_ref().and_then(|v| v.get("Message")) {
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        Some(v @ (Value::Number(_) | Value::Bool(true))) if v.truthy() => v.to_json(),
        _ if !status_text.is_empty() => status_text.to_owned(),
        _ => "Unknown error".to_owned(),
    };
    (code, message)
}

/// Whether a `content-type` value announces JSON (the SDK's `includes('application/json')`).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| text::contains(&c.to_ascii_lowercase(), "application/json"))
}

/// Parses a 2xx JSON body as the published SDK does: an empty body is `{}`.
pub fn json_body(body: &str) -> Result<Value, json::ParseError> {
    if body.trim().is_empty() {
        Ok(Value::Object(Vec::new()))
    } else {
        json::parse(body)
    }
}

/// Reads the JSON bucket listing (docs/protocol.md §5.13) as the SDK's `listBuckets` does: a
/// non-JSON 2xx lists nothing; each `Buckets.Bucket[]` entry gives its `Name`, `CreationDate` and
/// `ForkInfo.Parents[]` (`BucketName`, `Snapshot`, `ForkCreatedAt`); `ContinuationToken` when
/// non-empty. Dates are read as RFC 3339 ([`rfc3339_ms`]; an invalid one is absent), an entry
/// without a string `Name` is dropped, and a falsy `ForkInfo` counts as none. Fails only on
/// invalid JSON.
pub fn bucket_page(content_type: Option<&str>, body: &str) -> Result<BucketPage, String> {
    let mut page = BucketPage::default();
    if !is_json(content_type) {
        return Ok(page);
    }
    let listing = json_body(body).map_err(|_| "Invalid JSON in bucket list response".to_owned())?;
    for entry in items(listing.get("Buckets").and_then(|b| b.get("Bucket"))) {
        let Some(name) = text(entry, "Name") else {
            continue;
        };
        let parents = match entry.get("ForkInfo") {
            Some(info) if info.truthy() => {
                let mut parents = Vec::new();
                for p in items(info.get("Parents")) {
                    parents.push(ForkParent {
                        bucket: text(p, "BucketName").unwrap_or_default(),
                        snapshot: text(p, "Snapshot").unwrap_or_default(),
                        forked_at_ms: date(p, "ForkCreatedAt"),
                    });
                }
                Some(parents)
            }
            _ => None,
        };
        page.buckets.push(ListedBucket {
            name,
            created_at_ms: date(entry, "CreationDate"),
            parents,
        });
    }
    page.continuation_token = text(&listing, "ContinuationToken").filter(|t| !t.is_empty());
    Ok(page)
}

/// The string member `key` of a JSON object.
fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The RFC 3339 date member `key` of a JSON object, in ms since the epoch (absent when invalid).
fn date(value: &Value, key: &str) -> Option<f64> {
    rfc3339_ms(value.get(key).and_then(Value::as_str)?).ok()
}

/// The elements of a JSON array (none for anything else).
fn items(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).unwrap_or_default()
}

/// Outcome of a settings PATCH (docs/protocol.md §5.8): a JSON body with `status === "error"` is a failure
/// with `message ?? 'Failed to update bucket'`; anything else (incl. non-JSON or invalid JSON) is
/// success.
pub fn patch_outcome(content_type: Option<&str>, body: &str) -> Result<(), String> {
    if !is_json(content_type) {
        return Ok(());
    }
    let Ok(v) = json_body(body) else {
        return Ok(());
    };
    if v.get("status").and_then(Value::as_str) == Some("error") {
        let message = match v.get("message") {
            Some(Value::String(m)) => m.clone(),
            Some(Value::Null) | None => "Failed to update bucket".to_owned(),
            Some(other) => other.to_json(),
        };
        return Err(message);
    }
    Ok(())
}

/// Reads `CreateAccessKeyResult.AccessKey.{AccessKeyId,SecretAccessKey}` (docs/protocol.md §5.11); `None`
/// when the body is not JSON or lacks `AccessKey` (the SDK's `Unable to create access key`).
pub fn access_key(content_type: Option<&str>, body: &str) -> Option<AccessKey> {
    if !is_json(content_type) {
        return None;
    }
    let v = json_body(body).ok()?;
    let key = v.get("CreateAccessKeyResult")?.get("AccessKey")?;
    let id = match key.get("AccessKeyId") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.clone(),
        _ => String::new(),
    };
    let secret = key
        .get("SecretAccessKey")
        .and_then(Value::as_str)
        .map(Secret::from);
    Some(AccessKey { id, secret })
}

/// `ForkInfo.Parents[0].Snapshot` of a bucket-info answer (docs/protocol.md §5.6): the snapshot
/// the bucket was forked from, `None` when it is not a fork.
pub fn fork_parent_snapshot(info: &Value) -> Option<&str> {
    info.get("ForkInfo")?
        .get("Parents")?
        .as_array()?
        .first()?
        .get("Snapshot")?
        .as_str()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn fork_parent_snapshots() {
        let info = json_body(
            r#"{"ForkInfo":{"HasChildren":false,"Parents":[{"BucketName":"data","Snapshot":"17"},{"BucketName":"root","Snapshot":"3"}]}}"#,
        )
        .unwrap();
        assert_eq!(fork_parent_snapshot(&info), Some("17"));
        for plain in [
            r#"{}"#,
            r#"{"ForkInfo":{"Parents":[]}}"#,
            r#"{"ForkInfo":{"Parents":[{"Snapshot":5}]}}"#,
        ] {
            assert_eq!(
                fork_parent_snapshot(&json_body(plain).unwrap()),
                None,
                "{plain}"
            );
        }
    }

    #[test]
    fn s3_errors() {
        let (c, m) = s3_error("<?xml version=\"1.0\"?><Error><Code>BucketAlreadyExists</Code><Message>The requested bucket name is not available.</Message></Error>");
        assert_eq!(c.as_deref(), Some("BucketAlreadyExists"));
        assert_eq!(m, "The requested bucket name is not available.");
        assert_eq!(s3_error(""), (None, "UnknownError".to_owned()));
        assert_eq!(
            s3_error("{\"Message\":\"x\"}"),
            (None, "UnknownError".to_owned())
        );
        assert_eq!(s3_error("<Error><Code>X</Code></Error>").1, "UnknownError");
    }

    #[test]
    fn snapshot_listing_docs_example() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Owner><ID>o</ID><DisplayName>d</DisplayName></Owner>
  <Buckets>
    <Bucket><Name>1751631910196672425; name=my first snapshot</Name><CreationDate>2025-07-04T12:25:10.19667705Z</CreationDate></Bucket>
    <Bucket><Name>1751631910169675092</Name><CreationDate>2025-07-04T12:25:10.16968055Z</CreationDate></Bucket>
  </Buckets>
  <ContinuationToken>1751631910140685342</ContinuationToken>
</ListAllMyBucketsResult>"#;
        let page = snapshot_page(body).unwrap();
        assert_eq!(page.snapshots.len(), 2);
        assert_eq!(
            page.snapshots[0].version.as_deref(),
            Some("1751631910196672425")
        );
        assert_eq!(page.snapshots[0].name.as_deref(), Some("my first snapshot"));
        assert_eq!(page.snapshots[0].created_at_ms, Some(1_751_631_910_197.0));
        assert_eq!(page.snapshots[1].name, None);
        assert_eq!(page.snapshots[1].created_at_ms, Some(1_751_631_910_170.0));
        assert_eq!(
            page.continuation_token.as_deref(),
            Some("1751631910140685342")
        );
        let empty =
            snapshot_page("<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>").unwrap();
        assert!(empty.snapshots.is_empty());
        assert_eq!(empty.continuation_token, None);
        assert!(snapshot_page("<Error/>").is_err());
        let bad_date = "<ListAllMyBucketsResult><Buckets><Bucket><Name>1</Name><CreationDate>not-a-date</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>";
        assert_eq!(
            snapshot_page(bad_date).unwrap_err(),
            "Invalid RFC3339 timestamp format not-a-date"
        );
        let no_date = "<ListAllMyBucketsResult><Buckets><Bucket><Name>1</Name></Bucket></Buckets></ListAllMyBucketsResult>";
        assert_eq!(
            snapshot_page(no_date).unwrap().snapshots[0].created_at_ms,
            None
        );
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Ok(0.0));
        assert_eq!(rfc3339_ms("2026-11-28T14:56:10Z"), Ok(1_795_877_770_000.0));
        assert_eq!(rfc3339_ms("1970-01-01t01:00:00.0005+01:00"), Ok(1.0));
        assert_eq!(rfc3339_ms("2024-02-29T00:00:00z"), Ok(1_709_164_800_000.0));
        // Carried over like Date.UTC, as the SDK does.
        assert_eq!(
            rfc3339_ms("2023-02-29T00:00:00Z"),
            rfc3339_ms("2023-03-01T00:00:00Z")
        );
        assert_eq!(
            rfc3339_ms("2025-02-30T23:59:60Z"),
            rfc3339_ms("2025-03-03T00:00:00Z")
        );
        for bad in [
            "",
            "2025-07-04 12:25:10Z",
            "2025-07-04T12:25:10",
            "2025-07-04T12:25:10.Z",
            "x025-07-04T12:25:10Z",
            "2025-07-04T12:25:10Zjunk",
            " 2025-07-04T12:25:10Z",
            "2025-07-04T12:25:10+0100",
        ] {
            assert_eq!(
                rfc3339_ms(bad),
                Err(format!("Invalid RFC3339 timestamp format {bad}")),
                "{bad}"
            );
        }
        for (bad, message) in [
            ("2025-13-01T00:00:00Z", "Value 13 out of range [1, 12]"),
            ("2025-00-01T00:00:00Z", "Value 0 out of range [1, 12]"),
            ("2025-01-32T00:00:00Z", "Value 32 out of range [1, 31]"),
            ("2025-07-04T24:25:10Z", "Value 24 out of range [0, 23]"),
            ("2025-07-04T12:60:10Z", "Value 60 out of range [0, 59]"),
            ("2025-07-04T12:25:61Z", "Value 61 out of range [0, 60]"),
        ] {
            assert_eq!(rfc3339_ms(bad), Err(message.to_owned()), "{bad}");
        }
        let long = "9".repeat(300);
        assert_eq!(
            rfc3339_ms(&long),
            Err(format!(
                "Invalid RFC3339 timestamp format {}",
                "9".repeat(100)
            ))
        );
    }

    #[test]
    fn json_errors_published_behaviour() {
        assert_eq!(
            json_error(
                "Forbidden",
                r#"{"Code":"AccessDenied","Message":"Access Denied json"}"#
            ),
            (Some("AccessDenied".into()), "Access Denied json".into())
        );
        assert_eq!(json_error("Not Found", "<Error/>").1, "Not Found");
        assert_eq!(
            json_error("Bad Request", r#"{"Message":""}"#).1,
            "Bad Request"
        );
        assert_eq!(json_error("", "").1, "Unknown error");
    }

    #[test]
    fn patch_and_keys() {
        assert!(patch_outcome(Some("application/json"), r#"{"status":"success"}"#).is_ok());
        assert!(patch_outcome(None, "").is_ok());
        assert_eq!(
            patch_outcome(
                Some("application/json; charset=utf-8"),
                r#"{"status":"error"}"#
            ),
            Err("Failed to update bucket".into())
        );
        assert_eq!(
            patch_outcome(
                Some("application/json"),
                r#"{"status":"error","message":"no"}"#
            ),
            Err("no".into())
        );
        let k = access_key(Some("application/json"), r#"{"CreateAccessKeyResult":{"AccessKey":{"AccessKeyId":"tid_1","SecretAccessKey":"tsec_2","UserName":"n"}}}"#).unwrap();
        assert_eq!(
            (k.id.as_str(), k.secret.as_ref().map(Secret::expose)),
            ("tid_1", Some("tsec_2"))
        );
        assert!(access_key(Some("text/plain"), "{}").is_none());
        assert!(access_key(Some("application/json"), "{}").is_none());
        assert_eq!(
            access_key(
                Some("application/json"),
                r#"{"CreateAccessKeyResult":{"AccessKey":{"AccessKeyId":"i"}}}"#
            )
            .unwrap()
            .secret,
            None
        );
    }

    #[test]
    fn bucket_listing_as_the_sdk_reads_it() {
        let json = Some("application/json");
        assert_eq!(
            bucket_page(Some("text/html"), "<html>"),
            Ok(BucketPage::default())
        );
        assert_eq!(
            bucket_page(json, "{\"Buckets\":"),
            Err("Invalid JSON in bucket list response".to_owned())
        );
        assert_eq!(bucket_page(json, ""), Ok(BucketPage::default()));
        let page = bucket_page(
            json,
            r#"{"Buckets":{"Bucket":[{"CreationDate":"2026-01-01T00:00:00Z"},{"Name":"a","CreationDate":"soon","ForkInfo":null},{"Name":"b","ForkInfo":{"Parents":[{"BucketName":"base","ForkCreatedAt":"x"}]}},{"Name":"c","ForkInfo":{}}]},"ContinuationToken":""}"#,
        )
        .unwrap();
        let bare = |name: &str, parents| ListedBucket {
            name: name.into(),
            created_at_ms: None,
            parents,
        };
        assert_eq!(
            page.buckets,
            [
                bare("a", None),
                bare(
                    "b",
                    Some(vec![ForkParent {
                        bucket: "base".into(),
                        snapshot: String::new(),
                        forked_at_ms: None,
                    }])
                ),
                bare("c", Some(Vec::new())),
            ]
        );
        assert_eq!(page.continuation_token, None, "an empty token is none");
    }
}
