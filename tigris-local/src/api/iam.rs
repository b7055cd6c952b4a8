//! IAM actions on `POST /` (docs/protocol.md §5.11–5.12): CreateAccessKeyWithBucketsRole,
//! ListAccessKeys (as `@tigrisdata/iam` reads it), DeleteAccessKey.

use serde_json::{json, Value};

use super::{Api, ApiError, Data, Reply, Request};
use crate::clock;
use crate::keys::Role;

impl Api {
    pub(super) fn iam(
        &self,
        req: &Request,
        params: &[(String, String)],
        data: &mut Data,
    ) -> Result<Reply, ApiError> {
        let form: Vec<(String, String)> = form_urlencoded::parse(&req.body).into_owned().collect();
        let get = |k: &str| {
            params
                .iter()
                .chain(form.iter())
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        let action = get("Action")
            .ok_or_else(|| ApiError::new(400, "MissingAction", "POST / needs an IAM Action"))?;
        match action.as_str() {
            "CreateAccessKeyWithBucketsRole" => {
                let raw = get("Req").ok_or_else(|| {
                    ApiError::new(400, "MalformedInput", "the body must carry Req=<JSON>")
                })?;
                let v: Value = serde_json::from_str(&raw).map_err(|e| {
                    ApiError::new(400, "MalformedInput", format!("Req is not valid JSON: {e}"))
                })?;
                let name = v
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| ApiError::new(400, "InvalidInput", "name is required"))?;
                let mut roles = Vec::new();
                for r in v
                    .get("buckets_role")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    let bucket = r.get("bucket").and_then(Value::as_str).ok_or_else(|| {
                        ApiError::new(
                            400,
                            "InvalidInput",
                            "each buckets_role entry needs a bucket",
                        )
                    })?;
                    let role_name = r.get("role").and_then(Value::as_str).unwrap_or("");
                    let role = Role::parse(role_name).ok_or_else(|| {
                        ApiError::new(
                            400,
                            "InvalidInput",
                            format!(
                                "unknown role {role_name:?} (Editor, ReadOnly or NamespaceAdmin)"
                            ),
                        )
                    })?;
                    roles.push((bucket.to_string(), role));
                }
                let key = data
                    .keys
                    .create(v.get("req_uuid").and_then(Value::as_str), name, roles);
                Ok(Reply::json(
                    200,
                    &json!({"CreateAccessKeyResult": {"AccessKey": {
                        "AccessKeyId": key.id, "SecretAccessKey": key.secret.0, "UserName": key.name,
                        "Status": "Active", "CreateDate": clock::rfc3339_secs(key.created)}}}),
                ))
            }
            "ListAccessKeys" => {
                // `KeyId` narrows to one key (getAccessKey); `MaxItems` / `Marker` page by id.
                let max: usize = get("MaxItems")
                    .and_then(|m| m.parse().ok())
                    .filter(|m| *m >= 1)
                    .unwrap_or(1000);
                let (key_id, marker) = (get("KeyId"), get("Marker").filter(|m| !m.is_empty()));
                let mut keys = data
                    .keys
                    .all()
                    .filter(|k| key_id.as_ref().is_none_or(|id| &k.id == id))
                    .filter(|k| marker.as_ref().is_none_or(|m| &k.id > m));
                let page: Vec<Value> = keys
                    .by_ref()
                    .take(max)
                    .map(|k| {
                        json!({
                            "access_key_id": k.id,
                            "username": k.name,
                            "created_at": clock::rfc3339_secs(k.created),
                            "status": "active",
                            "namespace_id": "local",
                            "buckets_role": k.roles.iter().map(|(b, r)| json!({"bucket": b, "role": r.as_str()})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let truncated = keys.next().is_some();
                let next = if truncated {
                    page.last()
                        .and_then(|k| k.get("access_key_id"))
                        .cloned()
                        .unwrap_or(json!(""))
                } else {
                    json!("")
                };
                Ok(Reply::json(
                    200,
                    &json!({"Keys": page, "IsTruncated": truncated, "Marker": next}),
                ))
            }
            "DeleteAccessKey" => {
                let id = get("AccessKeyId")
                    .ok_or_else(|| ApiError::new(400, "InvalidInput", "AccessKeyId is required"))?;
                if !data.keys.delete(&id) {
                    return Err(ApiError::new(
                        404,
                        "NoSuchEntity",
                        format!("The Access Key with id {id} cannot be found."),
                    ));
                }
                Ok(Reply::json(200, &json!({"DeleteAccessKeyResult": {}})))
            }
            other => Err(ApiError::new(
                400,
                "InvalidAction",
                format!("The action {other} is not valid for this endpoint."),
            )),
        }
    }
}
