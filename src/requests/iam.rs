//! IAM requests on the IAM endpoint (docs/protocol.md §5.11–5.12): form-encoded `POST`s with
//! `Accept: application/json`.

use super::{form_encode, Endpoint};
use crate::ops::Role;
use crate::parse::json::{write_string, Value};
use crate::runtime::HttpRequest;

fn headers() -> Vec<(String, String)> {
    vec![
        (
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("Accept".to_owned(), "application/json".to_owned()),
    ]
}

/// The `Req` JSON: `{"req_uuid":…,"name":…,"buckets_role":[{"bucket":…,"role":…}]}`.
pub fn create_access_key_json(req_uuid: &str, name: &str, bucket: &str, role: Role) -> String {
    let mut out = String::from("{\"req_uuid\":");
    write_string(req_uuid, &mut out);
    out.push_str(",\"name\":");
    write_string(name, &mut out);
    out.push_str(",\"buckets_role\":[");
    out.push_str(
        &Value::Object(vec![
            ("bucket".to_owned(), Value::str(bucket)),
            ("role".to_owned(), Value::str(role.as_str())),
        ])
        .to_json(),
    );
    out.push_str("]}");
    out
}

/// `createAccessKey(name, {bucketsRole: [{bucket, role}]})`:
/// `POST /?Action=CreateAccessKeyWithBucketsRole` with body `Req=<form-encoded JSON>`. The same
/// `req_uuid` must be reused on every retry.
pub fn create_access_key(
    endpoint: &Endpoint,
    req_uuid: &str,
    name: &str,
    bucket: &str,
    role: Role,
) -> HttpRequest {
    let body = format!(
        "Req={}",
        form_encode(&create_access_key_json(req_uuid, name, bucket, role))
    );
    HttpRequest {
        method: "POST",
        url: format!(
            "{}/?Action=CreateAccessKeyWithBucketsRole",
            endpoint.origin()
        ),
        headers: headers(),
        body: body.into_bytes(),
    }
}

/// `removeAccessKey(id)`: `POST /?Action=DeleteAccessKey` with body
/// `Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=<id>`.
pub fn delete_access_key(endpoint: &Endpoint, id: &str) -> HttpRequest {
    let body = format!(
        "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId={}",
        form_encode(id)
    );
    HttpRequest {
        method: "POST",
        url: format!("{}/?Action=DeleteAccessKey", endpoint.origin()),
        headers: headers(),
        body: body.into_bytes(),
    }
}
