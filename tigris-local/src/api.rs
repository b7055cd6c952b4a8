//! Request routing, authentication and the S3 / Tigris JSON / IAM operations on top of the store.
//! Independent of hyper: a [`Request`] goes in, a [`Reply`] (plus webhook work) comes out.

use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Map, Value};

use crate::clock;
use crate::keys::{Access, KeyStore, Principal, Role};
use crate::sigv4;
use crate::store::{Change, Object, Store, StoreError, Ts};
use crate::webhook::Target;
use crate::xml;

/// Server-wide settings the API needs.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Root access key id.
    pub root_key_id: String,
    /// Root secret.
    pub root_secret: crate::keys::Secret,
    /// Session token accepted as admin (spec §3.4).
    pub session_token: Option<crate::keys::Secret>,
    /// Host suffix for virtual-hosted addressing.
    pub base_host: String,
}

/// A fully read request.
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: String,
    /// Raw path as sent.
    pub path: String,
    /// Raw query without `?`.
    pub query: String,
    /// Headers with lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Bytes,
}

impl Request {
    /// First value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn params(&self) -> Vec<(String, String)> {
        self.query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (sigv4::percent_decode(k), sigv4::percent_decode(v))
            })
            .collect()
    }
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Bytes,
}

impl Reply {
    fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    fn with(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    fn xml(status: u16, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/xml".into())],
            body: Bytes::from(body),
        }
    }

    /// A JSON reply.
    pub fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Bytes::from(v.to_string()),
        }
    }
}

/// An API error, rendered as XML on S3 routes and JSON on JSON/IAM routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Error code (`NoSuchBucket`, …).
    pub code: String,
    /// Human message.
    pub message: String,
}

impl ApiError {
    /// Builds an error.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    fn denied() -> ApiError {
        ApiError::new(403, "AccessDenied", "Access Denied.")
    }

    /// Renders the error for the given route style.
    pub fn reply(&self, json_route: bool, resource: &str) -> Reply {
        if json_route {
            Reply::json(
                self.status,
                &json!({"Code": self.code, "Message": self.message}),
            )
        } else {
            Reply::xml(
                self.status,
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{}</Code><Message>{}</Message><Resource>{}</Resource><RequestId>local</RequestId></Error>",
                    xml::escape(&self.code),
                    xml::escape(&self.message),
                    xml::escape(resource)
                ),
            )
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let (status, code, message) = e.describe();
        ApiError::new(status, code, message)
    }
}

impl From<sigv4::SigError> for ApiError {
    fn from(e: sigv4::SigError) -> ApiError {
        ApiError::new(e.status(), e.code(), e.message())
    }
}

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

/// Mutable server data behind one lock.
#[derive(Debug, Default)]
pub struct Data {
    /// Buckets and objects.
    pub store: Store,
    /// Minted keys.
    pub keys: KeyStore,
}

/// The API: configuration plus shared data.
#[derive(Debug)]
pub struct Api {
    /// Settings.
    pub config: ApiConfig,
    data: Mutex<Data>,
}

/// Webhook work produced by a write: the bucket's target and the change.
pub type Notification = (Target, Change);

/// What a handled request produced.
pub struct Outcome {
    /// The reply.
    pub reply: Reply,
    /// Webhooks to deliver after replying.
    pub notifications: Vec<Notification>,
}

const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn parse_version(v: &str, what: &str) -> Result<Ts, ApiError> {
    v.trim().parse().map_err(|_| {
        ApiError::new(
            400,
            "InvalidArgument",
            format!("{what} must be a nanosecond timestamp, got {v:?}"),
        )
    })
}

impl Api {
    /// A fresh API with an empty store.
    pub fn new(config: ApiConfig) -> Api {
        Api {
            config,
            data: Mutex::new(Data::default()),
        }
    }

    /// Locks the data (a panicked handler never poisons the server).
    pub fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Splits host + path into the addressed target (spec §8.1).
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

    /// Checks the signature (or session token) and returns the caller.
    /// The signature is verified without holding the data lock.
    pub fn authenticate(&self, req: &Request) -> Result<Principal, ApiError> {
        if let (Some(expected), Some(given)) = (
            &self.config.session_token,
            req.header("x-amz-security-token"),
        ) {
            if !expected.0.is_empty() && given == expected.0 {
                return Ok(Principal::Admin);
            }
            return Err(ApiError::new(
                403,
                "InvalidToken",
                "The provided token is malformed or otherwise invalid.",
            ));
        }
        let header = req
            .header("authorization")
            .ok_or(sigv4::SigError::Missing)?;
        let auth = sigv4::parse_authorization(header)?;
        if auth.region != "auto" {
            return Err(ApiError::new(400, "AuthorizationHeaderMalformed", format!("The authorization header is malformed; the region '{}' is wrong; expecting 'auto'", auth.region)));
        }
        if auth.service != "s3" && auth.service != "iam" {
            return Err(ApiError::new(400, "AuthorizationHeaderMalformed", format!("The authorization header is malformed; the service '{}' is wrong; expecting 's3' or 'iam'", auth.service)));
        }
        let (secret, principal) = if auth.key_id == self.config.root_key_id {
            (self.config.root_secret.0.clone(), Principal::Admin)
        } else {
            let data = self.data();
            let key = data.keys.get(&auth.key_id).ok_or_else(|| {
                ApiError::new(
                    403,
                    "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.",
                )
            })?;
            (
                key.secret.0.clone(),
                Principal::Scoped {
                    id: key.id.clone(),
                    roles: key.roles.clone(),
                },
            )
        };
        let parts = sigv4::RequestParts {
            method: &req.method,
            path: &req.path,
            query: &req.query,
            headers: &req.headers,
            body: &req.body,
        };
        sigv4::verify(&parts, &auth, &secret, Some(clock::now_secs()))?;
        Ok(principal)
    }

    /// Authenticates, authorises and performs the request.
    pub fn handle(&self, req: &Request) -> Outcome {
        let json_route = self.is_json_route(req);
        let target = self.route(req);
        let resource = req.path.clone();
        let mut notes = Vec::new();
        let result = self
            .authenticate(req)
            .and_then(|p| self.dispatch(req, &target, &p, &mut self.data(), &mut notes));
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
        data: &mut Data,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let params = req.params();
        let has = |k: &str| params.iter().any(|(n, _)| n == k);
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let need = |a: Access<'_>| {
            if p.allows(&a) {
                Ok(())
            } else {
                Err(ApiError::denied())
            }
        };
        let m = req.method.as_str();
        match target {
            Addressed::Root => match m {
                "POST" => {
                    need(Access::Admin)?;
                    self.iam(req, &params, data)
                }
                "GET" | "HEAD" => match req.header("x-tigris-snapshot") {
                    Some(bucket) => {
                        need(Access::Read(bucket))?;
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
            },
            Addressed::Bucket(b) => match m {
                "PUT" if req.header("x-tigris-snapshot").is_some() => {
                    need(Access::Write(b))?;
                    data.store.bucket(b)?;
                    let value = req.header("x-tigris-snapshot").unwrap_or("");
                    let mut parts = value.splitn(2, ';');
                    if !is_true(parts.next()) {
                        return Err(ApiError::new(400, "InvalidArgument", format!("X-Tigris-Snapshot must be 'true' or 'true; name=<name>', got {value:?}")));
                    }
                    let name = parts
                        .next()
                        .and_then(|r| r.trim_start().strip_prefix("name="))
                        .map(str::to_string);
                    let version = data.store.snapshot(b, name)?;
                    Ok(Reply::new(200).with("X-Tigris-Snapshot-Version", version.to_string()))
                }
                "PUT" => {
                    need(Access::Admin)?;
                    if !req.body.is_empty() {
                        let doc = std::str::from_utf8(&req.body)
                            .map_err(|_| malformed_xml("the body is not UTF-8"))?;
                        let el = xml::parse(doc).map_err(|e| malformed_xml(&e))?;
                        if el.name != "CreateBucketConfiguration" {
                            return Err(malformed_xml("expected CreateBucketConfiguration"));
                        }
                    }
                    match req.header("x-tigris-fork-source-bucket") {
                        Some(src) => {
                            let snap = req
                                .header("x-tigris-fork-source-bucket-snapshot")
                                .filter(|s| !s.trim().is_empty())
                                .map(|s| parse_version(s, "X-Tigris-Fork-Source-Bucket-Snapshot"))
                                .transpose()?;
                            data.store.fork(b, "root", src.trim(), snap)?;
                        }
                        None => {
                            let public = matches!(
                                req.header("x-amz-acl"),
                                Some("public-read" | "public-read-write")
                            );
                            data.store.create_bucket(
                                b,
                                "root",
                                is_true(req.header("x-tigris-enable-snapshot")),
                                public,
                            )?;
                        }
                    }
                    Ok(Reply::new(200).with("Location", format!("/{b}")))
                }
                "DELETE" if req.header("x-tigris-snapshot-version").is_some() => {
                    need(Access::Admin)?;
                    let v = parse_version(
                        req.header("x-tigris-snapshot-version").unwrap_or(""),
                        "X-Tigris-Snapshot-Version",
                    )?;
                    data.store.delete_snapshot(b, v)?;
                    Ok(Reply::new(204))
                }
                "DELETE" => {
                    need(Access::Admin)?;
                    let force = is_true(req.header("tigris-force-delete"))
                        || is_true(req.header("x-tigris-force-delete"));
                    data.store.delete_bucket(b, force)?;
                    Ok(Reply::new(204))
                }
                "HEAD" => {
                    need(Access::Read(b))?;
                    let bucket = data.store.bucket(b).map_err(|e| ApiError {
                        status: 404,
                        ..ApiError::from(e)
                    })?;
                    let mut r = Reply::new(200).with(
                        "X-Tigris-Enable-Snapshot",
                        bucket.snapshot_enabled.to_string(),
                    );
                    if let Some(parent) = &bucket.parent {
                        r = r
                            .with("X-Tigris-Fork-Source-Bucket", parent.bucket.clone())
                            .with(
                                "X-Tigris-Fork-Source-Bucket-Snapshot",
                                parent.snapshot.to_string(),
                            );
                    }
                    if !bucket.children.is_empty() {
                        r = r.with("X-Tigris-Is-Fork-Parent", "true");
                    }
                    Ok(r)
                }
                "GET" if has("metadata") => {
                    need(Access::Read(b))?;
                    Ok(Reply::json(200, &bucket_info(&data.store, b)?))
                }
                "GET" if has("location") => {
                    need(Access::Read(b))?;
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
                    need(Access::Read(b))?;
                    let at = snapshot_header(req)?;
                    list_objects(&data.store, b, &params, at)
                }
                "PATCH" => {
                    need(Access::Write(b))?;
                    patch_bucket(&mut data.store, b, &req.body)?;
                    Ok(Reply::json(200, &json!({"status": "success"})))
                }
                "POST" if has("delete") => {
                    need(Access::Write(b))?;
                    self.delete_objects(req, b, data, notes)
                }
                _ => Err(ApiError::new(
                    501,
                    "NotImplemented",
                    format!("tigris-local does not implement {m} on a bucket with this query"),
                )),
            },
            Addressed::Object(b, k) => {
                let write = !matches!(m, "GET" | "HEAD");
                need(if write {
                    Access::Write(b)
                } else {
                    Access::Read(b)
                })?;
                self.object(req, p, b, k, data, notes)
            }
        }
    }

    fn object(
        &self,
        req: &Request,
        p: &Principal,
        b: &str,
        k: &str,
        data: &mut Data,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let params = req.params();
        let param = |n: &str| params.iter().find(|(p, _)| p == n).map(|(_, v)| v.as_str());
        let store = &mut data.store;
        match (req.method.as_str(), param("uploadId")) {
            ("GET" | "HEAD", _) => {
                let at = snapshot_header(req)?;
                let obj = store.get(b, k, at).map_err(|e| {
                    if req.method == "HEAD" {
                        ApiError {
                            status: 404,
                            ..e.into()
                        }
                    } else {
                        e.into()
                    }
                })?;
                Ok(object_reply(req, &obj))
            }
            ("PUT", Some(id)) => {
                let n: u32 = param("partNumber")
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| {
                        ApiError::new(400, "InvalidArgument", "partNumber must be an integer")
                    })?;
                check_checksums(req)?;
                let etag = store.put_part(b, k, id, n, Arc::from(&req.body[..]))?;
                Ok(Reply::new(200).with("ETag", etag))
            }
            ("PUT", None) if req.header("x-amz-copy-source").is_some() => {
                let src = sigv4::percent_decode(req.header("x-amz-copy-source").unwrap_or(""));
                let src = src.strip_prefix('/').unwrap_or(&src);
                let (sb, sk) = src.split_once('/').ok_or_else(|| {
                    ApiError::new(
                        400,
                        "InvalidArgument",
                        "x-amz-copy-source must be <bucket>/<key>",
                    )
                })?;
                let sk = sk.split("?versionId=").next().unwrap_or(sk);
                if !p.allows(&Access::Read(sb)) {
                    return Err(ApiError::denied());
                }
                let source = store.get(sb, sk, snapshot_header(req)?)?;
                let copy = Object::new(
                    source.body.clone(),
                    source.content_type.clone(),
                    source.headers.clone(),
                );
                let (obj, change) = store.put(b, k, copy, "OBJECT_CREATED_COPY")?;
                self.notify(store, &change, notes);
                Ok(Reply::xml(
                    200,
                    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyObjectResult><LastModified>{}</LastModified><ETag>{}</ETag></CopyObjectResult>", clock::rfc3339_ms(obj.last_modified), xml::escape(&obj.etag)),
                ))
            }
            ("PUT", None) => {
                check_checksums(req)?;
                let content_type = req
                    .header("content-type")
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let kept: Vec<(String, String)> = req
                    .headers
                    .iter()
                    .filter(|(n, _)| {
                        n.starts_with("x-amz-meta-")
                            || matches!(
                                n.as_str(),
                                "cache-control"
                                    | "content-disposition"
                                    | "content-encoding"
                                    | "content-language"
                                    | "expires"
                            )
                    })
                    .cloned()
                    .collect();
                let (obj, change) = store.put(
                    b,
                    k,
                    Object::new(Arc::from(&req.body[..]), content_type, kept),
                    "OBJECT_CREATED_PUT",
                )?;
                self.notify(store, &change, notes);
                let crc = base64::engine::general_purpose::STANDARD.encode(obj.crc32.to_be_bytes());
                Ok(Reply::new(200)
                    .with("ETag", obj.etag.clone())
                    .with("x-amz-checksum-crc32", crc))
            }
            ("DELETE", Some(id)) => {
                store.abort_upload(b, k, id)?;
                Ok(Reply::new(204))
            }
            ("DELETE", None) => {
                if let Some(change) = store.delete(b, k)? {
                    self.notify(store, &change, notes);
                }
                Ok(Reply::new(204))
            }
            ("POST", None) if params.iter().any(|(p, _)| p == "uploads") => {
                let ct = req
                    .header("content-type")
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let id = store.create_upload(b, k, ct)?;
                Ok(Reply::xml(
                    200,
                    format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult xmlns=\"{S3_NS}\"><Bucket>{}</Bucket><Key>{}</Key><UploadId>{id}</UploadId></InitiateMultipartUploadResult>",
                        xml::escape(b),
                        xml::escape(k)
                    ),
                ))
            }
            ("POST", Some(id)) => {
                let doc = std::str::from_utf8(&req.body)
                    .map_err(|_| malformed_xml("the body is not UTF-8"))?;
                let el = xml::parse(doc).map_err(|e| malformed_xml(&e))?;
                if el.name != "CompleteMultipartUpload" {
                    return Err(malformed_xml("expected CompleteMultipartUpload"));
                }
                let parts = el
                    .all("Part")
                    .map(|p| {
                        let n = p
                            .child_text("PartNumber")
                            .and_then(|n| n.trim().parse().ok())
                            .ok_or_else(|| malformed_xml("Part needs a numeric PartNumber"))?;
                        Ok((n, p.child_text("ETag").unwrap_or("").trim().to_string()))
                    })
                    .collect::<Result<Vec<(u32, String)>, ApiError>>()?;
                let (obj, change) = store.complete_upload(b, k, id, &parts)?;
                self.notify(store, &change, notes);
                Ok(Reply::xml(
                    200,
                    format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult xmlns=\"{S3_NS}\"><Location>/{}/{}</Location><Bucket>{}</Bucket><Key>{}</Key><ETag>{}</ETag></CompleteMultipartUploadResult>",
                        xml::escape(b),
                        xml::escape(k),
                        xml::escape(b),
                        xml::escape(k),
                        xml::escape(&obj.etag)
                    ),
                ))
            }
            (m, _) => Err(ApiError::new(
                501,
                "NotImplemented",
                format!("tigris-local does not implement {m} on an object with this query"),
            )),
        }
    }

    /// DeleteObjects (`POST /<bucket>?delete`): deletes each listed key, reporting each.
    fn delete_objects(
        &self,
        req: &Request,
        b: &str,
        data: &mut Data,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let doc =
            std::str::from_utf8(&req.body).map_err(|_| malformed_xml("the body is not UTF-8"))?;
        let el = xml::parse(doc).map_err(|e| malformed_xml(&e))?;
        if el.name != "Delete" {
            return Err(malformed_xml("expected Delete"));
        }
        let quiet = el.child_text("Quiet").is_some_and(|q| q.trim() == "true");
        let mut out =
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult xmlns=\"{S3_NS}\">");
        for key in el.all("Object").filter_map(|o| o.child_text("Key")) {
            if let Some(change) = data.store.delete(b, key)? {
                self.notify(&data.store, &change, notes);
            }
            if !quiet {
                out.push_str(&format!(
                    "<Deleted><Key>{}</Key></Deleted>",
                    xml::escape(key)
                ));
            }
        }
        out.push_str("</DeleteResult>");
        Ok(Reply::xml(200, out))
    }

    /// Queues the bucket's webhook for `change` when its filter matches.
    pub fn notify(&self, store: &Store, change: &Change, notes: &mut Vec<Notification>) {
        let Ok(bucket) = store.bucket(&change.bucket) else {
            return;
        };
        let Some(cfg) = bucket.settings.get("object_notifications") else {
            return;
        };
        match Target::from_settings(cfg) {
            Some(Ok(t)) if t.wants(change) => notes.push((t, change.clone())),
            Some(Err(why)) => eprintln!(
                "tigris-local: bucket {} has an unusable webhook: {why}",
                change.bucket
            ),
            _ => {}
        }
    }

    fn iam(
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

    /// Runs TTL expiry; returns webhook work for the deletions.
    pub fn expire(&self, day_ns: u64) -> Vec<Notification> {
        let mut data = self.data();
        let changes = data.store.expire(day_ns);
        let mut notes = Vec::new();
        for c in &changes {
            self.notify(&data.store, c, &mut notes);
        }
        notes
    }
}

fn malformed_xml(why: &str) -> ApiError {
    ApiError::new(400, "MalformedXML", format!("The XML you provided was not well-formed or did not validate against our published schema: {why}"))
}

fn snapshot_header(req: &Request) -> Result<Option<Ts>, ApiError> {
    req.header("x-tigris-snapshot-version")
        .filter(|v| !v.trim().is_empty())
        .map(|v| parse_version(v, "X-Tigris-Snapshot-Version"))
        .transpose()
}

fn check_checksums(req: &Request) -> Result<(), ApiError> {
    let b64 = base64::engine::general_purpose::STANDARD;
    if let Some(want) = req.header("x-amz-checksum-crc32") {
        let got = b64.encode(crc32fast::hash(&req.body).to_be_bytes());
        if got != want.trim() {
            return Err(ApiError::new(400, "BadDigest", format!("The CRC32 you specified did not match the calculated checksum ({want} vs {got}).")));
        }
    }
    if let Some(want) = req.header("content-md5") {
        use md5::Digest;
        let got = b64.encode(md5::Md5::digest(&req.body));
        if got != want.trim() {
            return Err(ApiError::new(
                400,
                "BadDigest",
                "The Content-MD5 you specified did not match what we received.",
            ));
        }
    }
    Ok(())
}

fn object_reply(req: &Request, obj: &Object) -> Reply {
    let len = obj.body.len();
    let mut r = Reply::new(200)
        .with("Content-Type", obj.content_type.clone())
        .with("ETag", obj.etag.clone())
        .with("Last-Modified", clock::http_date(obj.last_modified))
        .with("Accept-Ranges", "bytes");
    for (n, v) in &obj.headers {
        r = r.with(n, v.clone());
    }
    let range = req.header("range").and_then(|r| parse_range(r, len));
    match range {
        Some((start, end)) => {
            r.status = 206;
            r = r.with("Content-Range", format!("bytes {start}-{end}/{len}"));
            if req.method != "HEAD" {
                r.body = Bytes::copy_from_slice(obj.body.get(start..=end).unwrap_or(&[]));
            }
            r.with("Content-Length", (end + 1 - start).to_string())
        }
        None => {
            r = r.with(
                "x-amz-checksum-crc32",
                base64::engine::general_purpose::STANDARD.encode(obj.crc32.to_be_bytes()),
            );
            if req.method != "HEAD" {
                r.body = Bytes::from_owner(obj.body.clone());
            }
            r.with("Content-Length", len.to_string())
        }
    }
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive range within `len`.
fn parse_range(h: &str, len: usize) -> Option<(usize, usize)> {
    let spec = h.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    if len == 0 {
        return None;
    }
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: usize = n.parse().ok()?;
            (len.saturating_sub(n), len - 1)
        }
        (a, "") => (a.parse().ok()?, len - 1),
        (a, b) => (a.parse().ok()?, b.parse::<usize>().ok()?.min(len - 1)),
    };
    (start <= end && start < len).then_some((start, end))
}

fn list_buckets(store: &Store, p: &Principal) -> Reply {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult xmlns=\"{S3_NS}\"><Owner><ID>local</ID><DisplayName>tigris-local</DisplayName></Owner><Buckets>");
    for b in store.buckets().filter(|b| p.allows(&Access::Read(&b.name))) {
        out.push_str(&format!(
            "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate></Bucket>",
            xml::escape(&b.name),
            clock::rfc3339_ms(b.created)
        ));
    }
    out.push_str("</Buckets></ListAllMyBucketsResult>");
    Reply::xml(200, out)
}

fn list_snapshots(
    store: &Store,
    bucket: &str,
    max: Option<&str>,
    token: Option<&str>,
) -> Result<Reply, ApiError> {
    let max = match max {
        Some(m) => m
            .parse::<usize>()
            .ok()
            .filter(|m| *m >= 1)
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "InvalidArgument",
                    "max-buckets must be a positive integer",
                )
            })?
            .min(10_000),
        None => 1000,
    };
    let after = token
        .filter(|t| !t.is_empty())
        .map(|t| parse_version(t, "continuation-token"))
        .transpose()?;
    let (page, next) = store.list_snapshots(bucket, max, after)?;
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult xmlns=\"{S3_NS}\"><Owner><ID>local</ID><DisplayName>tigris-local</DisplayName></Owner><Buckets>");
    for s in page {
        let name = match &s.name {
            Some(n) => format!("{}; name={n}", s.version),
            None => s.version.to_string(),
        };
        out.push_str(&format!(
            "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate></Bucket>",
            xml::escape(&name),
            clock::rfc3339_ns(s.version)
        ));
    }
    out.push_str("</Buckets>");
    if let Some(t) = next {
        out.push_str(&format!("<ContinuationToken>{t}</ContinuationToken>"));
    }
    out.push_str("</ListAllMyBucketsResult>");
    Ok(Reply::xml(200, out))
}

fn list_objects(
    store: &Store,
    bucket: &str,
    params: &[(String, String)],
    at: Option<Ts>,
) -> Result<Reply, ApiError> {
    let param = |n: &str| params.iter().find(|(p, _)| p == n).map(|(_, v)| v.as_str());
    let prefix = param("prefix").unwrap_or("");
    let delimiter = param("delimiter").unwrap_or("");
    let max = match param("max-keys") {
        Some(m) => m
            .parse::<usize>()
            .map_err(|_| {
                ApiError::new(
                    400,
                    "InvalidArgument",
                    "max-keys must be a non-negative integer",
                )
            })?
            .min(1000),
        None => 1000,
    };
    let url = param("encoding-type") == Some("url");
    let enc = |s: &str| {
        if url {
            sigv4::uri_encode(s).replace("%2F", "/")
        } else {
            s.to_string()
        }
    };
    let token = param("continuation-token")
        .or(param("start-after"))
        .or(param("marker"))
        .filter(|t| !t.is_empty());
    let mut contents = String::new();
    let mut prefixes: Vec<String> = Vec::new();
    let mut count = 0;
    let mut last: Option<String> = None;
    let mut truncated = false;
    for l in store.list(bucket, prefix, at)? {
        if let Some(t) = token {
            if l.key.as_str() <= t
                || (!delimiter.is_empty() && t.ends_with(delimiter) && l.key.starts_with(t))
            {
                continue;
            }
        }
        let rest = l.key.get(prefix.len()..).unwrap_or("");
        let common = if delimiter.is_empty() {
            None
        } else {
            rest.find(delimiter).map(|i| {
                l.key
                    .get(..prefix.len() + i + delimiter.len())
                    .unwrap_or("")
                    .to_string()
            })
        };
        if let Some(cp) = &common {
            if prefixes.last() == Some(cp) {
                continue;
            }
        }
        if count == max {
            truncated = true;
            break;
        }
        count += 1;
        match common {
            Some(cp) => {
                last = Some(cp.clone());
                prefixes.push(cp);
            }
            None => {
                contents.push_str(&format!(
                    "<Contents><Key>{}</Key><LastModified>{}</LastModified><ETag>{}</ETag><Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
                    xml::escape(&enc(&l.key)),
                    clock::rfc3339_ms(l.obj.last_modified),
                    xml::escape(&l.obj.etag),
                    l.obj.body.len()
                ));
                last = Some(l.key);
            }
        }
    }
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"{S3_NS}\"><Name>{}</Name><Prefix>{}</Prefix>", xml::escape(bucket), xml::escape(&enc(prefix)));
    if !delimiter.is_empty() {
        out.push_str(&format!(
            "<Delimiter>{}</Delimiter>",
            xml::escape(&enc(delimiter))
        ));
    }
    out.push_str(&format!("<MaxKeys>{max}</MaxKeys><KeyCount>{count}</KeyCount><IsTruncated>{truncated}</IsTruncated>"));
    if url {
        out.push_str("<EncodingType>url</EncodingType>");
    }
    if let Some(t) = param("continuation-token") {
        out.push_str(&format!(
            "<ContinuationToken>{}</ContinuationToken>",
            xml::escape(t)
        ));
    }
    if let Some(t) = param("start-after") {
        out.push_str(&format!(
            "<StartAfter>{}</StartAfter>",
            xml::escape(&enc(t))
        ));
    }
    if truncated {
        if let Some(l) = &last {
            out.push_str(&format!(
                "<NextContinuationToken>{}</NextContinuationToken>",
                xml::escape(l)
            ));
        }
    }
    out.push_str(&contents);
    for cp in prefixes {
        out.push_str(&format!(
            "<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
            xml::escape(&enc(&cp))
        ));
    }
    out.push_str("</ListBucketResult>");
    Ok(Reply::xml(200, out))
}

/// The `GET /<bucket>?metadata` JSON (spec §5.6).
pub fn bucket_info(store: &Store, name: &str) -> Result<Value, ApiError> {
    let b = store.bucket(name)?;
    let (rows, size) = store.count(name)?;
    let parents: Vec<Value> = b
        .parent
        .iter()
        .map(|p| {
            let snap_created = store.bucket(&p.bucket).ok().and_then(|src| src.snapshots.iter().find(|s| s.version == p.snapshot).map(|s| s.version)).unwrap_or(p.snapshot);
            json!({"BucketName": p.bucket, "ForkCreatedAt": clock::rfc3339_ns(p.created), "Snapshot": p.snapshot.to_string(), "SnapshotCreatedAt": clock::rfc3339_ns(snap_created)})
        })
        .collect();
    let mut info = Map::new();
    info.insert("name".into(), json!(b.name));
    info.insert("type".into(), json!(if b.snapshot_enabled { 1 } else { 0 }));
    info.insert("created_at".into(), json!(clock::rfc3339_ms(b.created)));
    info.insert("object_regions".into(), json!(""));
    info.insert("storage_class".into(), json!("STANDARD"));
    info.insert("acl_settings".into(), json!({"allow_object_acl": false}));
    info.insert(
        "md".into(),
        json!({"X-Amz-Acl": if b.public { "public-read" } else { "private" }}),
    );
    info.insert(
        "ForkInfo".into(),
        json!({"HasChildren": !b.children.is_empty(), "Parents": parents}),
    );
    info.insert("lifecycle_rules".into(), json!([]));
    info.insert("estimated_unique_rows".into(), json!(rows));
    info.insert("estimated_rows".into(), json!(rows));
    info.insert("estimated_size".into(), json!(size));
    for (k, v) in &b.settings {
        info.insert(k.clone(), v.clone());
    }
    Ok(Value::Object(info))
}

fn bad_json(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidArgument", message)
}

/// Validates and merges a PATCH body into the bucket settings.
fn patch_bucket(store: &mut Store, name: &str, body: &[u8]) -> Result<(), ApiError> {
    let bucket = store.bucket(name)?;
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            400,
            "MalformedJSON",
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    let Value::Object(patch) = v else {
        return Err(ApiError::new(
            400,
            "MalformedJSON",
            "The request body must be a JSON object",
        ));
    };
    let mut snapshot_enabled = bucket.snapshot_enabled;
    if let Some(t) = patch.get("type") {
        snapshot_enabled = match t.as_u64() {
            Some(0) => false,
            Some(1) => true,
            _ => return Err(bad_json("type must be 0 (regular) or 1 (snapshot-enabled)")),
        };
    }
    let rules = patch
        .get("lifecycle_rules")
        .or(bucket.settings.get("lifecycle_rules"));
    if let Some(rules) = patch.get("lifecycle_rules") {
        let arr = rules
            .as_array()
            .ok_or_else(|| bad_json("lifecycle_rules must be an array"))?;
        if arr.len() > 10 {
            return Err(bad_json("A bucket can have at most 10 lifecycle rules"));
        }
        for r in arr {
            if let Some(days) = r.get("expiration").and_then(|e| e.get("days")) {
                if days.as_u64().is_none_or(|d| d == 0) {
                    return Err(bad_json("expiration.days must be a positive integer"));
                }
            }
        }
    }
    let has_ttl = rules
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if snapshot_enabled && has_ttl {
        return Err(ApiError::new(
            400,
            "InvalidRequest",
            format!("TTL and lifecycle rules are not supported on snapshot-enabled bucket {name}"),
        ));
    }
    let mut remove_notifications = false;
    if let Some(n) = patch.get("object_notifications") {
        let obj = n
            .as_object()
            .ok_or_else(|| bad_json("object_notifications must be an object"))?;
        if obj.is_empty() {
            remove_notifications = true;
        } else {
            let url = obj.get("web_hook").and_then(Value::as_str).unwrap_or("");
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(bad_json(
                    "object_notifications.web_hook must be an http(s) URL",
                ));
            }
            let filter = obj.get("filter").and_then(Value::as_str).unwrap_or("");
            crate::filter::parse(filter)
                .map_err(|e| bad_json(format!("Invalid notification filter: {e}")))?;
        }
    }
    if snapshot_enabled != bucket.snapshot_enabled {
        store.set_snapshot_enabled(name, snapshot_enabled)?;
    }
    let settings = store.settings_mut(name)?;
    for (k, v) in patch {
        if k == "type" {
            continue;
        }
        if k == "object_notifications" && remove_notifications {
            settings.remove(&k);
        } else {
            settings.insert(k, v);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-4", 10), Some((0, 4)));
        assert_eq!(parse_range("bytes=5-", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=-3", 10), Some((7, 9)));
        assert_eq!(parse_range("bytes=8-100", 10), Some((8, 9)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }
}
