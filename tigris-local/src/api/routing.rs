//! Which operation a request is (docs/protocol.md §8.1): virtual-hosted or path-style addressing, then the
//! dispatch table, with the role each operation needs.

use serde_json::json;

use super::buckets::{
    bucket_info, create_bucket, head_bucket, list_buckets, list_snapshots, patch_bucket,
    take_snapshot,
};
use super::objects::{list_objects, snapshot_header};
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

    /// Whether errors for this request are JSON (Tigris JSON routes and IAM).
    pub fn is_json_route(&self, req: &Request) -> bool {
        match self.route(req) {
            Addressed::Root => req.method == "POST",
            Addressed::Bucket(_) => {
                req.method == "PATCH"
                    || (req.method == "GET" && req.params().iter().any(|(k, _)| k == "metadata"))
            }
            Addressed::Object(..) => false,
        }
    }

    /// Authenticates, authorises and performs the request.
    pub fn handle(&self, req: &Request) -> Outcome {
        let json_route = self.is_json_route(req);
        let target = self.route(req);
        let resource = req.path.clone();
        let mut notes = Vec::new();
        let result = self
            .authenticate(req)
            .and_then(|p| self.dispatch(req, &target, &p, &mut notes));
        let reply = result.unwrap_or_else(|e| e.reply(json_route, &resource));
        Outcome {
            reply,
            notifications: notes,
        }
    }

    fn dispatch(
        &self,
        req: &Request,
        target: &Addressed,
        p: &Principal,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        match target {
            Addressed::Root => self.root(req, p),
            Addressed::Bucket(b) => self.bucket(req, p, b, notes),
            Addressed::Object(b, k) => {
                let write = !matches!(req.method.as_str(), "GET" | "HEAD");
                need(
                    p,
                    if write {
                        Access::Write(b)
                    } else {
                        Access::Read(b)
                    },
                )?;
                // object handlers hash and parse before they take the data lock
                self.object(req, p, b, k, notes)
            }
        }
    }

    /// `/` on the base host: IAM (POST), ListBuckets, or snapshot listing.
    fn root(&self, req: &Request, p: &Principal) -> Result<Reply, ApiError> {
        let mut data = self.data();
        let params = req.params();
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let m = req.method.as_str();
        let data = &mut *data;
        match m {
            "POST" => {
                need(p, Access::Admin)?;
                self.iam(req, &params, data)
            }
            "GET" | "HEAD" => match req.header("x-tigris-snapshot") {
                Some(bucket) => {
                    need(p, Access::Read(bucket))?;
                    list_snapshots(
                        &data.store,
                        bucket,
                        param("max-buckets"),
                        param("continuation-token"),
                    )
                }
                None => Ok(list_buckets(&data.store, p)),
            },
            _ => Err(ApiError::new(
                405,
                "MethodNotAllowed",
                format!("{m} is not allowed on /"),
            )),
        }
    }

    /// Bucket routes: create/fork/snapshot, delete, head, info, settings, listing, DeleteObjects.
    fn bucket(
        &self,
        req: &Request,
        p: &Principal,
        b: &str,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let mut data = self.data();
        let data = &mut *data;
        let params = req.params();
        let has = |k: &str| params.iter().any(|(n, _)| n == k);
        let m = req.method.as_str();
        match m {
            "PUT" if req.header("x-tigris-snapshot").is_some() => {
                need(p, Access::Write(b))?;
                take_snapshot(req, &mut data.store, b)
            }
            "PUT" => {
                need(p, Access::Admin)?;
                create_bucket(req, &mut data.store, b)
            }
            "DELETE" if req.header("x-tigris-snapshot-version").is_some() => {
                need(p, Access::Admin)?;
                let v = parse_version(
                    req.header("x-tigris-snapshot-version").unwrap_or(""),
                    "X-Tigris-Snapshot-Version",
                )?;
                data.store.delete_snapshot(b, v)?;
                Ok(Reply::new(204))
            }
            "DELETE" => {
                need(p, Access::Admin)?;
                let mode = if is_true(req.header("tigris-force-delete"))
                    || is_true(req.header("x-tigris-force-delete"))
                {
                    DeleteMode::Force
                } else {
                    DeleteMode::IfEmpty
                };
                data.store.delete_bucket(b, mode)?;
                Ok(Reply::new(204))
            }
            "HEAD" => {
                need(p, Access::Read(b))?;
                head_bucket(&data.store, b)
            }
            "GET" if has("metadata") => {
                need(p, Access::Read(b))?;
                Ok(Reply::json(200, &bucket_info(&data.store, b)?))
            }
            "GET" if has("location") => {
                need(p, Access::Read(b))?;
                data.store.bucket(b)?;
                Ok(Reply::xml(200, format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint xmlns=\"{S3_NS}\">auto</LocationConstraint>")))
            }
            "GET"
                if params.iter().all(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "list-type"
                            | "prefix"
                            | "delimiter"
                            | "max-keys"
                            | "continuation-token"
                            | "start-after"
                            | "encoding-type"
                            | "fetch-owner"
                            | "x-id"
                            | "marker"
                    )
                }) =>
            {
                need(p, Access::Read(b))?;
                let at = snapshot_header(req)?;
                list_objects(&data.store, b, &params, at)
            }
            "PATCH" => {
                need(p, Access::Write(b))?;
                patch_bucket(&mut data.store, b, &req.body)?;
                Ok(Reply::json(200, &json!({"status": "success"})))
            }
            "POST" if has("delete") => {
                need(p, Access::Write(b))?;
                self.delete_objects(req, b, data, notes)
            }
            _ => Err(ApiError::new(
                501,
                "NotImplemented",
                format!("tigris-local does not implement {m} on a bucket with this query"),
            )),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
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
        assert!(a.is_json_route(&req("GET", "h", "/b", "metadata&with-size=true")));
        assert!(a.is_json_route(&req("PATCH", "h", "/b", "")));
        assert!(a.is_json_route(&req("POST", "h", "/", "Action=DeleteAccessKey")));
        assert!(!a.is_json_route(&req("GET", "h", "/b", "list-type=2")));
        assert!(!a.is_json_route(&req("GET", "h", "/b/k", "metadata")));
    }
}
