//! Where a request goes (docs/protocol.md §8.1: virtual-hosted or path-style addressing), then
//! authentication, the access check of the operation's row in [`Op::rule`] and its handler.

use serde_json::json;

use super::buckets::{
    bucket_info, create_bucket, head_bucket, list_buckets, list_buckets_json, list_snapshots,
    merge_fork, patch_bucket, rebase_fork, take_snapshot,
};
use super::objects::{list_objects, snapshot_header};
use super::ops::Op;
use super::{is_true, parse_version, Api, Notification, Outcome, S3_NS};
use super::{ApiError, Reply, Request};
use crate::keys::{Access, Principal};
use crate::sigv4;
use crate::store::DeleteMode;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addressed {
    /// `/` on the base host.
    Root,
    /// A bucket.
    Bucket(String),
    /// An object.
    Object(String, String),
}

/// `Ok` when `p` may perform `access`, else `AccessDenied`.
fn need(p: &Principal, access: Access<'_>) -> Result<(), ApiError> {
    if p.allows(&access) {
        Ok(())
    } else {
        Err(ApiError::denied())
    }
}

impl Api {
    /// Splits host + path into the addressed target (docs/protocol.md §8.1).
    pub fn route(&self, req: &Request) -> Addressed {
        let host = req.header("host").unwrap_or("");
        let host_name = if host.starts_with('[') {
            host.split(']').next().unwrap_or(host)
        } else {
            host.split(':').next().unwrap_or(host)
        };
        let suffix = format!(".{}", self.config.base_host);
        let path = req.path.strip_prefix('/').unwrap_or(&req.path);
        if let Some(bucket) = host_name.strip_suffix(&suffix).filter(|b| !b.is_empty()) {
            return if path.is_empty() {
                Addressed::Bucket(bucket.to_string())
            } else {
                Addressed::Object(bucket.to_string(), sigv4::percent_decode(path))
            };
        }
        match path.split_once('/') {
            None if path.is_empty() => Addressed::Root,
            None => Addressed::Bucket(sigv4::percent_decode(path)),
            Some((b, "")) => Addressed::Bucket(sigv4::percent_decode(b)),
            Some((b, k)) => Addressed::Object(sigv4::percent_decode(b), sigv4::percent_decode(k)),
        }
    }

    /// Resolves the request into its operation (once per request).
    pub fn resolve(&self, req: &Request) -> Op {
        Op::resolve(req, self.route(req))
    }

    /// Authenticates, authorises (by the operation's row in [`Op::rule`]) and performs `op`.
    pub fn handle(&self, req: &Request, op: &Op) -> Outcome {
        let (access, format) = op.rule();
        let mut notes = Vec::new();
        let result = self.authenticate(req, op).and_then(|p| {
            if let Some(access) = access {
                need(&p, access)?;
            }
            let result = self.perform(req, op, &p, &mut notes);
            self.persist()?;
            result
        });
        let reply = result.unwrap_or_else(|e| e.reply(format, &req.path));
        Outcome {
            reply,
            notifications: notes,
        }
    }

    /// Runs the handler of an authorised operation.
    fn perform(
        &self,
        req: &Request,
        op: &Op,
        p: &Principal,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let params = req.params();
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        match op {
            Op::Iam => self.iam(req, &params, &mut self.data()),
            Op::Presign => self.presign(req, p),
            Op::ListBuckets => Ok(list_buckets(&self.data().store, p)),
            Op::ListBucketsJson { forks_of } => {
                list_buckets_json(&self.data().store, p, forks_of.as_deref(), &params)
            }
            Op::MergeFork { bucket, fork } => merge_fork(&mut self.data().store, bucket, fork),
            Op::RebaseFork { bucket } => rebase_fork(req, &mut self.data().store, bucket),
            Op::ListSnapshots { bucket } => list_snapshots(
                &self.data().store,
                bucket,
                param("max-buckets"),
                param("continuation-token"),
            ),
            Op::RootMethodNotAllowed { method } => Err(ApiError::new(
                405,
                "MethodNotAllowed",
                format!("{method} is not allowed on /"),
            )),
            Op::TakeSnapshot { bucket } => take_snapshot(req, &mut self.data().store, bucket),
            Op::CreateBucket { bucket } => create_bucket(req, &mut self.data().store, bucket),
            Op::DeleteSnapshot { bucket } => {
                let v = parse_version(
                    req.header("x-tigris-snapshot-version").unwrap_or(""),
                    "X-Tigris-Snapshot-Version",
                )?;
                self.data().store.delete_snapshot(bucket, v)?;
                Ok(Reply::new(204))
            }
            Op::DeleteBucket { bucket } => {
                let mode = if is_true(req.header("tigris-force-delete"))
                    || is_true(req.header("x-tigris-force-delete"))
                {
                    DeleteMode::Force
                } else {
                    DeleteMode::IfEmpty
                };
                self.data().store.delete_bucket(bucket, mode)?;
                Ok(Reply::new(204))
            }
            Op::HeadBucket { bucket } => head_bucket(&self.data().store, bucket),
            Op::BucketInfo { bucket } => {
                let mut info = bucket_info(&self.data().store, bucket)?;
                // Only admin keys see the settings' secrets (webhook credentials, a shadow
                // bucket's secret key: the SDK's read-merge-write needs them); other roles see
                // them as `******`.
                if !p.allows(&Access::Admin) {
                    crate::hooks::mask_json(&mut info);
                }
                Ok(Reply::json(200, &info))
            }
            Op::BucketLocation { bucket } => {
                self.data().store.bucket(bucket)?;
                Ok(Reply::xml(200, format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint xmlns=\"{S3_NS}\">auto</LocationConstraint>")))
            }
            Op::ListObjects { bucket } => {
                let at = snapshot_header(req)?;
                list_objects(&self.data().store, bucket, &params, at)
            }
            Op::PatchBucket { bucket } => {
                patch_bucket(&mut self.data().store, bucket, &req.body)?;
                Ok(Reply::json(200, &json!({"status": "success"})))
            }
            Op::DeleteObjects { bucket } => self.delete_objects(req, bucket, notes),
            Op::BucketNotImplemented { method, .. } => Err(ApiError::new(
                501,
                "NotImplemented",
                format!("tigris-local does not implement {method} on a bucket with this query"),
            )),
            Op::GetObject { bucket, key } => self.get_object(req, bucket, key),
            Op::PutObject { bucket, key } => self.put_object(req, bucket, key, notes),
            Op::CopyObject { bucket, key } => self.copy_object(req, p, bucket, key, notes),
            Op::DeleteObject { bucket, key } => self.delete_object(bucket, key, notes),
            Op::CreateUpload { bucket, key } => self.create_upload(req, bucket, key),
            Op::UploadPart {
                bucket,
                key,
                upload_id,
            } => self.upload_part(req, bucket, key, upload_id, param("partNumber")),
            Op::CompleteUpload {
                bucket,
                key,
                upload_id,
            } => self.complete_upload(req, bucket, key, upload_id, notes),
            Op::AbortUpload {
                bucket,
                key,
                upload_id,
            } => {
                self.data().store.abort_upload(bucket, key, upload_id)?;
                Ok(Reply::new(204))
            }
            Op::ObjectNotImplemented { method, .. } => Err(ApiError::new(
                501,
                "NotImplemented",
                format!("tigris-local does not implement {method} on an object with this query"),
            )),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::api::ops::ErrorFormat;
    use crate::api::ApiConfig;
    use crate::keys::Secret;

    fn api() -> Api {
        Api::new(ApiConfig {
            root_key_id: "tid_local".into(),
            root_secret: Secret("tsec_local".into()),
            session_token: None,
            base_host: "localhost".into(),
        })
    }

    fn req(method: &str, host: &str, path: &str, query: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            headers: vec![("host".into(), host.into())],
            body: bytes::Bytes::new(),
        }
    }

    #[test]
    fn virtual_hosted_and_path_style() {
        let a = api();
        let route = |host: &str, path: &str| a.route(&req("GET", host, path, ""));
        assert_eq!(route("127.0.0.1:9000", "/"), Addressed::Root);
        assert_eq!(route("127.0.0.1:9000", "/b"), Addressed::Bucket("b".into()));
        assert_eq!(
            route("127.0.0.1:9000", "/b/"),
            Addressed::Bucket("b".into())
        );
        assert_eq!(
            route("127.0.0.1:9000", "/b/dir/my%20file%20%281%29.txt"),
            Addressed::Object("b".into(), "dir/my file (1).txt".into())
        );
        assert_eq!(
            route("b.localhost:9000", "/"),
            Addressed::Bucket("b".into())
        );
        assert_eq!(
            route("my.bucket.localhost", "/k/"),
            Addressed::Object("my.bucket".into(), "k/".into())
        );
        assert_eq!(
            route("localhost:9000", "/b/k"),
            Addressed::Object("b".into(), "k".into())
        );
        assert_eq!(route("[::1]:9000", "/b"), Addressed::Bucket("b".into()));
    }

    #[test]
    fn json_routes() {
        let a = api();
        let format = |m: &str, path: &str, q: &str| a.resolve(&req(m, "h", path, q)).error_format();
        assert_eq!(
            format("GET", "/b", "metadata&with-size=true"),
            ErrorFormat::Json
        );
        assert_eq!(format("PATCH", "/b", ""), ErrorFormat::Json);
        assert_eq!(
            format("POST", "/", "Action=DeleteAccessKey"),
            ErrorFormat::Json
        );
        assert_eq!(format("GET", "/b", "list-type=2"), ErrorFormat::Xml);
        assert_eq!(format("GET", "/b/k", "metadata"), ErrorFormat::Xml);
    }

    #[test]
    fn each_request_resolves_to_one_operation() {
        let a = api();
        let op = |m: &str, path: &str, q: &str| a.resolve(&req(m, "h", path, q));
        let b = || "b".to_string();
        let k = || "k".to_string();
        assert_eq!(op("GET", "/", ""), Op::ListBuckets);
        assert_eq!(
            op("DELETE", "/", ""),
            Op::RootMethodNotAllowed {
                method: "DELETE".into()
            }
        );
        assert_eq!(
            op("GET", "/b", "list-type=2&prefix=a"),
            Op::ListObjects { bucket: b() }
        );
        assert_eq!(
            op("GET", "/b", "location"),
            Op::BucketLocation { bucket: b() }
        );
        assert_eq!(
            op("GET", "/b", "tagging"),
            Op::BucketNotImplemented {
                bucket: b(),
                method: "GET".into()
            }
        );
        assert_eq!(
            op("POST", "/b", "delete"),
            Op::DeleteObjects { bucket: b() }
        );
        assert_eq!(
            op("HEAD", "/b/k", ""),
            Op::GetObject {
                bucket: b(),
                key: k()
            }
        );
        assert_eq!(
            op("POST", "/b/k", "uploads"),
            Op::CreateUpload {
                bucket: b(),
                key: k()
            }
        );
        assert_eq!(
            op("PUT", "/b/k", "partNumber=1&uploadId=u"),
            Op::UploadPart {
                bucket: b(),
                key: k(),
                upload_id: "u".into()
            }
        );
        assert_eq!(
            op("DELETE", "/b/k", ""),
            Op::DeleteObject {
                bucket: b(),
                key: k()
            }
        );
        let mut snap = req("PUT", "h", "/b", "");
        snap.headers
            .push(("x-tigris-snapshot".into(), "true".into()));
        assert_eq!(a.resolve(&snap), Op::TakeSnapshot { bucket: b() });
        assert_eq!(
            Op::CreateBucket { bucket: b() }.rule().0,
            Some(Access::Admin)
        );
        assert_eq!(
            Op::GetObject {
                bucket: b(),
                key: k()
            }
            .rule()
            .0,
            Some(Access::Read("b"))
        );
    }
}
