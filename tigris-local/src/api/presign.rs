//! `POST /?func=presign`: the server-side presigner `@tigrisdata/storage`'s `getPresignedUrl`
//! calls. The body names bucket, key, operation (`get`/`put`), lifetime and the access key whose
//! secret signs the URL; the answer is `{"url"}`, a path-style query-signed URL on the host the
//! request came to, with `UNSIGNED-PAYLOAD` (as S3 presigners make them).

use serde_json::{json, Value};

use super::message::bad_json;
use super::{Api, ApiError, Reply, Request};
use crate::clock;
use crate::keys::{Access, Principal};
use crate::sigv4::{self, RequestParts};

impl Api {
    /// Signs a GET or PUT URL for `key_id`. The caller needs read (get) or write (put) access to
    /// the bucket, and may sign only with its own key unless it is an admin.
    pub(super) fn presign(&self, req: &Request, caller: &Principal) -> Result<Reply, ApiError> {
        let v: Value = serde_json::from_slice(&req.body)
            .map_err(|e| bad_json(format!("The presign body is not valid JSON: {e}")))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        let (bucket, key, key_id) = match (field("bucket"), field("key"), field("key_id")) {
            (Some(b), Some(k), Some(id)) => (b, k, id),
            _ => return Err(bad_json("presign needs bucket, key and key_id")),
        };
        let (method, access) = match field("type") {
            Some("get") => ("GET", Access::Read(bucket)),
            Some("put") => ("PUT", Access::Write(bucket)),
            other => {
                return Err(bad_json(format!(
                    "presign type must be get or put, got {other:?}"
                )))
            }
        };
        let expires = v.get("expires_in").and_then(Value::as_i64).unwrap_or(3600);
        if !(1..=sigv4::MAX_EXPIRES_SECS).contains(&expires) {
            return Err(bad_json("expires_in must be between 1 and 604800 seconds"));
        }
        if !caller.allows(&access) {
            return Err(ApiError::denied());
        }
        let (secret, signer) = self.key(key_id)?;
        if !caller.allows(&Access::Admin) && signer != *caller {
            return Err(ApiError::denied());
        }
        let host = req.header("host").unwrap_or("127.0.0.1");
        Ok(Reply::json(
            200,
            &json!({"url": presigned_url(method, host, bucket, key, key_id, &secret, expires)}),
        ))
    }
}

/// A query-signed URL for `method` on `/<bucket>/<key>` at `host`, valid for `expires` seconds
/// from now.
fn presigned_url(
    method: &str,
    host: &str,
    bucket: &str,
    key: &str,
    key_id: &str,
    secret: &str,
    expires: i64,
) -> String {
    let amz_date = clock::rfc3339_secs(
        u64::try_from(clock::now_secs())
            .unwrap_or(0)
            .saturating_mul(1_000_000_000),
    )
    .replace(['-', ':'], "");
    let day = amz_date.get(..8).unwrap_or("");
    let scope = format!("{day}/auto/s3/aws4_request");
    let path = format!(
        "/{}/{}",
        sigv4::uri_encode(bucket),
        sigv4::uri_encode(key).replace("%2F", "/")
    );
    let query = format!(
        "X-Amz-Algorithm={}&X-Amz-Credential={}&X-Amz-Date={amz_date}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host",
        sigv4::ALGORITHM,
        sigv4::uri_encode(&format!("{key_id}/{scope}")),
    );
    let headers = [("host".to_string(), host.to_string())];
    let parts = RequestParts {
        method,
        path: &path,
        query: &query,
        headers: &headers,
        body: &[],
    };
    let canonical =
        sigv4::canonical_request(&parts, &["host".to_string()], sigv4::UNSIGNED_PAYLOAD);
    let sts = sigv4::string_to_sign(&amz_date, &scope, &canonical);
    let signature = sigv4::sign(secret, day, "auto", "s3", &sts);
    format!("http://{host}{path}?{query}&X-Amz-Signature={signature}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_url_verifies_as_a_presigned_request() {
        let url = presigned_url("PUT", "127.0.0.1:9", "b", "dir/a b.txt", "tid_x", "s", 60);
        let rest = url.strip_prefix("http://127.0.0.1:9").unwrap();
        let (path, query) = rest.split_once('?').unwrap();
        assert_eq!(path, "/b/dir/a%20b.txt");
        let headers = vec![("host".to_string(), "127.0.0.1:9".to_string())];
        let parts = RequestParts {
            method: "PUT",
            path,
            query,
            headers: &headers,
            body: b"any body",
        };
        let p = sigv4::parse_presigned(query).unwrap().unwrap();
        assert_eq!(p.expires, 60);
        let now = Some(clock::now_secs());
        assert_eq!(sigv4::verify_presigned(&parts, &p, "s", now), Ok(()));
        assert_eq!(
            sigv4::verify_presigned(&parts, &p, "other", now),
            Err(sigv4::SigError::Mismatch)
        );
        let get = RequestParts {
            method: "GET",
            ..parts
        };
        assert_eq!(
            sigv4::verify_presigned(&get, &p, "s", now),
            Err(sigv4::SigError::Mismatch)
        );
    }
}
