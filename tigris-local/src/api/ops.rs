//! Every operation tigris-local serves, resolved once per request from method, address, query and
//! Tigris headers (docs/protocol.md §8.1), with its access rule and error format in one table.
//!
//! Adding a route means adding a variant, its row in [`Op::rule`] and its arm in
//! [`Op::resolve`]; the compiler then asks for its handler in `routing.rs`.

use super::routing::Addressed;
use super::Request;
use crate::keys::Access;

/// How an operation's errors are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    /// S3's `<Error><Code>…` document.
    Xml,
    /// `{"Code","Message"}`, as Tigris's JSON routes and IAM answer.
    Json,
}

/// One operation, with the bucket (and key) it acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `POST /`: an IAM action (`Action=` in the query or form body).
    Iam,
    /// `POST /?func=presign`: sign a GET or PUT URL (`getPresignedUrl`); the access it needs
    /// depends on the bucket and operation in the body, so the handler checks it.
    Presign,
    /// `GET /`: ListBuckets (XML), filtered to the caller's buckets.
    ListBuckets,
    /// `GET /` with `Accept: application/json`: the JSON bucket listing, or with
    /// `X-Tigris-Fork: <source>` the direct forks of that bucket.
    ListBucketsJson { forks_of: Option<String> },
    /// `GET /` with `X-Tigris-Snapshot: <bucket>`: the bucket's snapshots.
    ListSnapshots { bucket: String },
    /// `/` with any other method.
    RootMethodNotAllowed { method: String },
    /// `PUT /<bucket>`: CreateBucket, or a fork with `X-Tigris-Fork-Source-Bucket`.
    CreateBucket { bucket: String },
    /// `PUT /<base>` with `X-Tigris-Merge-Source-Bucket: <fork>`: merge a direct fork.
    MergeFork { bucket: String, fork: String },
    /// `PUT /<fork>` with `X-Tigris-Rebase`: move the fork onto its parent's present.
    RebaseFork { bucket: String },
    /// `PUT /<bucket>` with `X-Tigris-Snapshot`: take a snapshot.
    TakeSnapshot { bucket: String },
    /// `DELETE /<bucket>` with `X-Tigris-Snapshot-Version`: delete that snapshot.
    DeleteSnapshot { bucket: String },
    /// `DELETE /<bucket>`: DeleteBucket (`Tigris-Force-Delete` for a non-empty one).
    DeleteBucket { bucket: String },
    /// `HEAD /<bucket>`.
    HeadBucket { bucket: String },
    /// `GET /<bucket>?metadata`: the bucket-info JSON.
    BucketInfo { bucket: String },
    /// `GET /<bucket>?location`.
    BucketLocation { bucket: String },
    /// `GET /<bucket>` with listing parameters only: ListObjects(V2).
    ListObjects { bucket: String },
    /// `PATCH /<bucket>`: merge JSON settings.
    PatchBucket { bucket: String },
    /// `POST /<bucket>?delete`: DeleteObjects.
    DeleteObjects { bucket: String },
    /// Any other bucket request.
    BucketNotImplemented { bucket: String, method: String },
    /// `GET`/`HEAD /<bucket>/<key>` (ranges, `X-Tigris-Snapshot-Version`).
    GetObject { bucket: String, key: String },
    /// `PUT /<bucket>/<key>`.
    PutObject { bucket: String, key: String },
    /// `PUT /<bucket>/<key>` with `x-amz-copy-source` (also needs read access to the source,
    /// checked by the handler since the source is in a header).
    CopyObject { bucket: String, key: String },
    /// `DELETE /<bucket>/<key>`.
    DeleteObject { bucket: String, key: String },
    /// `POST /<bucket>/<key>?uploads`.
    CreateUpload { bucket: String, key: String },
    /// `PUT /<bucket>/<key>?uploadId=…&partNumber=…`.
    UploadPart {
        bucket: String,
        key: String,
        upload_id: String,
    },
    /// `POST /<bucket>/<key>?uploadId=…`.
    CompleteUpload {
        bucket: String,
        key: String,
        upload_id: String,
    },
    /// `DELETE /<bucket>/<key>?uploadId=…`.
    AbortUpload {
        bucket: String,
        key: String,
        upload_id: String,
    },
    /// Any other object request.
    ObjectNotImplemented {
        bucket: String,
        key: String,
        method: String,
    },
}

/// Query parameters a ListObjects request may carry (anything else is another operation).
const LIST_PARAMS: &[&str] = &[
    "list-type",
    "prefix",
    "delimiter",
    "max-keys",
    "continuation-token",
    "start-after",
    "encoding-type",
    "fetch-owner",
    "x-id",
    "marker",
];

/// Whether the request asks for JSON (`Accept: application/json`).
fn accepts_json(req: &Request) -> bool {
    req.header("accept")
        .is_some_and(|a| a.to_ascii_lowercase().contains("application/json"))
}

/// A ListObjects parameter, or one that only authenticates (`X-Amz-*` of a presigned URL).
fn is_list_param(name: &str) -> bool {
    LIST_PARAMS.contains(&name)
        || name
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("x-amz-"))
}

impl Op {
    /// The operation `req`, addressed at `target`, asks for.
    pub fn resolve(req: &Request, target: Addressed) -> Op {
        let params = req.params();
        let has = |k: &str| params.iter().any(|(n, _)| n == k);
        let upload_id = params
            .iter()
            .find(|(n, _)| n == "uploadId")
            .map(|(_, v)| v.clone());
        let method = req.method.clone();
        match target {
            Addressed::Root => match method.as_str() {
                "POST" if params.iter().any(|(k, v)| k == "func" && v == "presign") => Op::Presign,
                "POST" => Op::Iam,
                "GET" | "HEAD" => match req.header("x-tigris-snapshot") {
                    Some(bucket) => Op::ListSnapshots {
                        bucket: bucket.to_string(),
                    },
                    None if accepts_json(req) => Op::ListBucketsJson {
                        forks_of: req.header("x-tigris-fork").map(|f| f.trim().to_string()),
                    },
                    None => Op::ListBuckets,
                },
                _ => Op::RootMethodNotAllowed { method },
            },
            Addressed::Bucket(bucket) => match method.as_str() {
                "PUT" if req.header("x-tigris-snapshot").is_some() => Op::TakeSnapshot { bucket },
                "PUT" => match req.header("x-tigris-merge-source-bucket") {
                    Some(fork) => Op::MergeFork {
                        bucket,
                        fork: fork.trim().to_string(),
                    },
                    None if req.header("x-tigris-rebase").is_some() => Op::RebaseFork { bucket },
                    None => Op::CreateBucket { bucket },
                },
                "DELETE" if req.header("x-tigris-snapshot-version").is_some() => {
                    Op::DeleteSnapshot { bucket }
                }
                "DELETE" => Op::DeleteBucket { bucket },
                "HEAD" => Op::HeadBucket { bucket },
                "GET" if has("metadata") => Op::BucketInfo { bucket },
                "GET" if has("location") => Op::BucketLocation { bucket },
                "GET" if params.iter().all(|(k, _)| is_list_param(k)) => Op::ListObjects { bucket },
                "PATCH" => Op::PatchBucket { bucket },
                "POST" if has("delete") => Op::DeleteObjects { bucket },
                _ => Op::BucketNotImplemented { bucket, method },
            },
            Addressed::Object(bucket, key) => match (method.as_str(), upload_id) {
                ("GET" | "HEAD", _) => Op::GetObject { bucket, key },
                ("PUT", Some(upload_id)) => Op::UploadPart {
                    bucket,
                    key,
                    upload_id,
                },
                ("PUT", None) if req.header("x-amz-copy-source").is_some() => {
                    Op::CopyObject { bucket, key }
                }
                ("PUT", None) => Op::PutObject { bucket, key },
                ("DELETE", Some(upload_id)) => Op::AbortUpload {
                    bucket,
                    key,
                    upload_id,
                },
                ("DELETE", None) => Op::DeleteObject { bucket, key },
                ("POST", None) if has("uploads") => Op::CreateUpload { bucket, key },
                ("POST", Some(upload_id)) => Op::CompleteUpload {
                    bucket,
                    key,
                    upload_id,
                },
                _ => Op::ObjectNotImplemented {
                    bucket,
                    key,
                    method,
                },
            },
        }
    }

    /// The table: the access the caller needs (`None`: any authenticated caller) and how errors
    /// are rendered, for every operation.
    pub fn rule(&self) -> (Option<Access<'_>>, ErrorFormat) {
        use ErrorFormat::{Json, Xml};
        match self {
            Op::Iam => (Some(Access::Admin), Json),
            Op::Presign => (None, Json),
            Op::ListBuckets => (Some(Access::ListBuckets), Xml),
            Op::ListBucketsJson { .. } => (Some(Access::ListBuckets), Json),
            Op::ListSnapshots { bucket } => (Some(Access::Read(bucket)), Xml),
            Op::RootMethodNotAllowed { .. } => (None, Xml),
            Op::CreateBucket { .. } => (Some(Access::Admin), Xml),
            Op::MergeFork { .. } | Op::RebaseFork { .. } => (Some(Access::Admin), Json),
            Op::TakeSnapshot { bucket } => (Some(Access::Write(bucket)), Xml),
            Op::DeleteSnapshot { .. } => (Some(Access::Admin), Xml),
            Op::DeleteBucket { .. } => (Some(Access::Admin), Xml),
            Op::HeadBucket { bucket } => (Some(Access::Read(bucket)), Xml),
            Op::BucketInfo { bucket } => (Some(Access::Read(bucket)), Json),
            Op::BucketLocation { bucket } => (Some(Access::Read(bucket)), Xml),
            Op::ListObjects { bucket } => (Some(Access::Read(bucket)), Xml),
            Op::PatchBucket { bucket } => (Some(Access::Write(bucket)), Json),
            Op::DeleteObjects { bucket } => (Some(Access::Write(bucket)), Xml),
            Op::BucketNotImplemented { .. } => (None, Xml),
            Op::GetObject { bucket, .. } => (Some(Access::Read(bucket)), Xml),
            Op::PutObject { bucket, .. }
            | Op::CopyObject { bucket, .. }
            | Op::DeleteObject { bucket, .. }
            | Op::CreateUpload { bucket, .. }
            | Op::UploadPart { bucket, .. }
            | Op::CompleteUpload { bucket, .. }
            | Op::AbortUpload { bucket, .. }
            | Op::ObjectNotImplemented { bucket, .. } => (Some(Access::Write(bucket)), Xml),
        }
    }

    /// The SigV4 scope services a signature for this operation may name: `s3` for every S3 and
    /// Tigris route, and also `iam` for the IAM actions (so an IAM-scoped signature never
    /// authorises an S3 request).
    pub fn services(&self) -> &'static [&'static str] {
        match self {
            Op::Iam => &["s3", "iam"],
            _ => &["s3"],
        }
    }

    /// How this operation's errors are rendered.
    pub fn error_format(&self) -> ErrorFormat {
        self.rule().1
    }
}
