//! `presign`: a URL that lets its holder `GET`, `PUT`, `HEAD` or `DELETE` one object without
//! credentials, for a limited time (SigV4 query-string auth; no request is sent). It reads and
//! writes the live bucket: a snapshot is reached through `restore`, not through a URL.

use super::bucket_name::{bucket_in, BucketName};
use super::{phrase, WorkflowError};
use crate::ops::{ObjectGrant, ObjectMethod, PresignedObject, TigrisOps};
use crate::sigv4::MAX_EXPIRES_SECS;

/// `expiresIn` when not given: one hour.
pub const DEFAULT_EXPIRES_SECS: u32 = 3600;

/// Longest object key S3 accepts, in UTF-8 bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// A validated `presign` call: the bucket, the key and what the URL grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presign {
    bucket: BucketName,
    key: String,
    grant: ObjectGrant,
}

impl Presign {
    /// The arguments of `presign(bucket, key, { method, expiresIn, contentType })`, checked in
    /// this order, each failure `InvalidArgument`: the bucket name (as `Failed to presign
    /// "<key>" in "<bucket>": Invalid bucket name …`), `key must be a non-empty string of at
    /// most 1024 bytes`, `options.method must be "GET", "PUT", "HEAD" or "DELETE"` (default
    /// `GET`), `options.expiresIn must be an integer from 1 to 604800` (default 3600),
    /// `options.contentType is only allowed with method "PUT"`.
    pub fn new(
        bucket: &str,
        key: String,
        method: Option<&str>,
        expires_in: Option<f64>,
        content_type: Option<String>,
    ) -> Result<Presign, WorkflowError> {
        let bucket = bucket_in(bucket, &failed(&key), bucket)?;
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return Err(WorkflowError::invalid(
                "key must be a non-empty string of at most 1024 bytes",
            ));
        }
        let method = match method {
            None => ObjectMethod::Get,
            Some(m) => ObjectMethod::parse(m).ok_or_else(|| {
                WorkflowError::invalid(
                    "options.method must be \"GET\", \"PUT\", \"HEAD\" or \"DELETE\"",
                )
            })?,
        };
        let expires_secs = match expires_in {
            None => DEFAULT_EXPIRES_SECS,
            Some(s) if s.fract() == 0.0 && (1.0..=f64::from(MAX_EXPIRES_SECS)).contains(&s) => {
                s as u32
            }
            Some(_) => {
                return Err(WorkflowError::invalid(
                    "options.expiresIn must be an integer from 1 to 604800",
                ))
            }
        };
        if content_type.is_some() && method != ObjectMethod::Put {
            return Err(WorkflowError::invalid(
                "options.contentType is only allowed with method \"PUT\"",
            ));
        }
        Ok(Presign {
            bucket,
            key,
            grant: ObjectGrant {
                method,
                content_type,
                expires_secs,
            },
        })
    }
}

/// `Failed to presign "<key>" in`: the phrase before the bucket in every `presign` failure.
fn failed(key: &str) -> String {
    phrase("Failed to presign \"", key, "\" in")
}

/// The presigned URL of `call`, signed now with the call's credentials. Fails (before signing)
/// with `Failed to presign "<key>" in "<bucket>": <m>` for an unusable config or a failed
/// `credentialProvider`.
pub async fn presign<O: TigrisOps>(
    ops: &O,
    call: &Presign,
) -> Result<PresignedObject, WorkflowError> {
    let bucket = call.bucket.as_str();
    ops.presign_object(bucket, &call.key, &call.grant)
        .await
        .map_err(|e| WorkflowError::operation(&failed(&call.key), bucket, &e))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::ops::ErrorCode;
    use crate::workflows::fake::{block_on, FakeOps};

    fn check(
        bucket: &str,
        key: &str,
        method: Option<&str>,
        expires_in: Option<f64>,
        content_type: Option<&str>,
    ) -> Result<Presign, String> {
        let content_type = content_type.map(str::to_owned);
        Presign::new(bucket, key.to_owned(), method, expires_in, content_type).map_err(|e| {
            assert_eq!(e.code, ErrorCode::InvalidArgument);
            e.message
        })
    }

    /// `(method, expiresIn, contentType)` of one case.
    type Opts<'a> = (Option<&'a str>, Option<f64>, Option<&'a str>);

    #[test]
    fn arguments_are_checked_in_order() {
        let bad_bucket = "Failed to presign \"k\" in \"Bad\": Invalid bucket name \"Bad\": may contain only lowercase letters, digits, dots and hyphens";
        let key = "key must be a non-empty string of at most 1024 bytes";
        let method = "options.method must be \"GET\", \"PUT\", \"HEAD\" or \"DELETE\"";
        let expires = "options.expiresIn must be an integer from 1 to 604800";
        let content = "options.contentType is only allowed with method \"PUT\"";
        let all_bad = (Some("get"), Some(0.0), Some("text/plain"));
        let cases: [(&str, &str, Opts<'_>, &str); 6] = [
            ("Bad", "k", all_bad, bad_bucket),
            ("data", "", all_bad, key),
            ("data", &"k".repeat(1025), all_bad, key),
            ("data", "k", all_bad, method),
            ("data", "k", (Some("GET"), Some(0.0), Some("t")), expires),
            ("data", "k", (Some("HEAD"), None, Some("t")), content),
        ];
        for (bucket, k, (m, e, c), message) in cases {
            assert_eq!(check(bucket, k, m, e, c), Err(message.to_owned()));
        }
        for e in [0.5, -1.0, 604_801.0, f64::NAN, f64::INFINITY, 1.5] {
            assert_eq!(check("data", "k", None, Some(e), None), Err(expires.into()));
        }
        assert_eq!(
            check("data", "k", Some("POST"), None, None),
            Err(method.into())
        );
    }

    #[test]
    fn defaults_and_limits() {
        let p = check("data", "k", None, None, None).unwrap();
        let get = ObjectGrant {
            method: ObjectMethod::Get,
            content_type: None,
            expires_secs: 3600,
        };
        assert_eq!(p.grant, get);
        let longest = "é".repeat(512);
        let p = check("data", &longest, Some("PUT"), Some(604_800.0), Some("a/b")).unwrap();
        assert_eq!(p.grant.expires_secs, 604_800);
        assert_eq!(p.grant.content_type.as_deref(), Some("a/b"));
        assert!(check("data", &format!("{longest}x"), None, None, None).is_err());
        assert!(check("data", "k", None, Some(1.0), None).is_ok());
    }

    #[test]
    fn the_call_and_its_failure_prefix() {
        let ops = FakeOps::new().with_bucket("data");
        let call = check("data", "dir/a b", Some("PUT"), Some(60.0), Some("t/p")).unwrap();
        let url = block_on(presign(&ops, &call)).unwrap();
        assert_eq!(url.method, ObjectMethod::Put);
        assert_eq!(ops.calls(), ["presign_object data dir/a b PUT 60 t/p"]);
        ops.fail(
            "presign_object",
            ErrorCode::AccessDenied,
            "credentialProvider failed: no",
        );
        let e = block_on(presign(&ops, &call)).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::AccessDenied,
                "Failed to presign \"dir/a b\" in \"data\": credentialProvider failed: no"
            )
        );
    }
}
