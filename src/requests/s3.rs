//! Bucket requests: the S3-transport calls (the AWS SDK `S3Client` calls of docs/protocol.md
//! §5.1–5.5 and the snapshot deletion of §5.13), without the SDK's `amz-sdk-*` / user-agent
//! headers (browsers forbid or CORS-block them; they are not needed), and the fork-lifecycle
//! calls the SDK sends over the Tigris HTTP transport (§3.2, §5.13): path-style on the endpoint
//! host, `Content-Type: application/json`, no body.

use super::{check_headers, BuildError, Endpoint};
use crate::ops::{Access, BucketListing, CreateBucketOptions};
use crate::runtime::HttpRequest;
use crate::sigv4::encode_component;

/// The 186-byte `CreateBucketConfiguration` body sent with every bucket/snapshot/fork create.
pub const CREATE_BUCKET_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>auto</LocationConstraint></CreateBucketConfiguration>";

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// `createBucket(name, options)`: `PUT` on the bucket URL with the CreateBucketConfiguration
/// body; `x-amz-acl: public-read` only for public, `X-Amz-Acl-Public-List-Objects-Enabled: false`
/// always, `X-Tigris-Enable-Snapshot: true` when asked, fork headers for a fork (the snapshot
/// header only when both source fields are non-empty).
pub fn create_bucket(
    endpoint: &Endpoint,
    name: &str,
    options: &CreateBucketOptions,
) -> Result<HttpRequest, BuildError> {
    let mut headers = Vec::new();
    if options.access == Some(Access::Public) {
        headers.push(h("x-amz-acl", "public-read"));
    }
    headers.push(h("content-type", "application/xml"));
    headers.push(h("X-Amz-Acl-Public-List-Objects-Enabled", "false"));
    if options.enable_snapshot {
        headers.push(h("X-Tigris-Enable-Snapshot", "true"));
    }
    if let Some(fork) = &options.fork_of {
        let snapshot = fork.snapshot.as_deref().unwrap_or("");
        if fork.bucket.is_empty() && !snapshot.is_empty() {
            return Err(BuildError(
                "sourceBucketName is required when sourceBucketSnapshot is provided".to_owned(),
            ));
        }
        if !fork.bucket.is_empty() {
            headers.push(h("X-Tigris-Fork-Source-Bucket", &fork.bucket));
            if !snapshot.is_empty() {
                headers.push(h("X-Tigris-Fork-Source-Bucket-Snapshot", snapshot));
            }
        }
    }
    let request = HttpRequest {
        method: "PUT",
        url: endpoint.bucket_url(name),
        headers,
        body: CREATE_BUCKET_BODY.as_bytes().to_vec(),
    };
    check_headers(&request)?;
    Ok(request)
}

/// `createBucketSnapshot(bucket, {name})`: `PUT` on the bucket URL with
/// `X-Tigris-Snapshot: true[; name=<name>]` (name raw) and the CreateBucketConfiguration body.
pub fn create_snapshot(
    endpoint: &Endpoint,
    bucket: &str,
    name: Option<&str>,
) -> Result<HttpRequest, BuildError> {
    if bucket.is_empty() {
        return Err(BuildError("Source bucket name is required".to_owned()));
    }
    let value = match name {
        Some(n) if !n.is_empty() => format!("true; name={n}"),
        _ => "true".to_owned(),
    };
    let request = HttpRequest {
        method: "PUT",
        url: endpoint.bucket_url(bucket),
        headers: vec![
            h("content-type", "application/xml"),
            h("X-Tigris-Snapshot", &value),
        ],
        body: CREATE_BUCKET_BODY.as_bytes().to_vec(),
    };
    check_headers(&request)?;
    Ok(request)
}

/// `listBucketSnapshots(bucket, {limit, paginationToken})`: `GET /` on the bare endpoint with
/// query `[continuation-token=T&][max-buckets=N&]x-id=ListBuckets` and `X-Tigris-Snapshot: <bucket>`.
pub fn list_snapshots(
    endpoint: &Endpoint,
    bucket: &str,
    limit: Option<u32>,
    continuation_token: Option<&str>,
) -> Result<HttpRequest, BuildError> {
    if bucket.is_empty() {
        return Err(BuildError("Source bucket name is required".to_owned()));
    }
    let mut query = String::new();
    if let Some(token) = continuation_token.filter(|t| !t.is_empty()) {
        query.push_str("continuation-token=");
        query.push_str(&encode_component(token));
        query.push('&');
    }
    if let Some(limit) = limit {
        query.push_str(&format!("max-buckets={limit}&"));
    }
    query.push_str("x-id=ListBuckets");
    let request = HttpRequest {
        method: "GET",
        url: format!("{}/?{query}", endpoint.origin()),
        headers: vec![h("X-Tigris-Snapshot", bucket)],
        body: Vec::new(),
    };
    check_headers(&request)?;
    Ok(request)
}

/// `removeBucket(bucket, {force: true})`: `DELETE` on the bucket URL with `Tigris-Force-Delete: true`.
pub fn remove_bucket(endpoint: &Endpoint, bucket: &str) -> Result<HttpRequest, BuildError> {
    Ok(HttpRequest {
        method: "DELETE",
        url: endpoint.bucket_url(bucket),
        headers: vec![h("Tigris-Force-Delete", "true")],
        body: Vec::new(),
    })
}

/// `deleteBucketSnapshot(bucket, version)`: `DELETE` on the bucket URL with
/// `X-Tigris-Snapshot-Version: <version>` (docs/protocol.md §5.13).
pub fn delete_snapshot(
    endpoint: &Endpoint,
    bucket: &str,
    version: &str,
) -> Result<HttpRequest, BuildError> {
    if bucket.is_empty() || version.is_empty() {
        return Err(BuildError(
            "Source bucket name and snapshot version are required".to_owned(),
        ));
    }
    let request = HttpRequest {
        method: "DELETE",
        url: endpoint.bucket_url(bucket),
        headers: vec![h("X-Tigris-Snapshot-Version", version)],
        body: Vec::new(),
    };
    check_headers(&request)?;
    Ok(request)
}

/// The JSON bucket listing as `listForks` sends it: `GET /?<query>` with
/// `Content-Type: application/json`, `Accept: application/json` and, for
/// [`BucketListing::ForksOf`], `X-Tigris-Fork: <base>`. The query is written in the SDK's order:
/// `IncludeForkInfo=true` (for [`BucketListing::WithForkInfo`]), `continuation-token`,
/// `max-buckets`, each only when given (so `GET /?` without any).
pub fn list_buckets(
    endpoint: &Endpoint,
    listing: BucketListing<'_>,
    continuation_token: Option<&str>,
) -> HttpRequest {
    let mut headers = vec![
        h("Content-Type", "application/json"),
        h("Accept", "application/json"),
    ];
    let mut query = String::new();
    let mut limit = None;
    match listing {
        BucketListing::ForksOf { base, limit: l } => {
            headers.push(h("X-Tigris-Fork", base));
            limit = l;
        }
        BucketListing::WithForkInfo => query.push_str("&IncludeForkInfo=true"),
    }
    if let Some(token) = continuation_token.filter(|t| !t.is_empty()) {
        query.push_str("&continuation-token=");
        query.push_str(&encode_component(token));
    }
    if let Some(limit) = limit {
        query.push_str("&max-buckets=");
        // `format!`, not `to_string`: it shares the formatting code already in the module.
        query.push_str(&format!("{limit}"));
    }
    HttpRequest {
        method: "GET",
        url: format!("{}/?{}", endpoint.origin(), query.get(1..).unwrap_or("")),
        headers,
        body: Vec::new(),
    }
}

/// A fork-lifecycle `PUT /<bucket>` with `Content-Type: application/json`, `header` and no body.
fn lifecycle_put(endpoint: &Endpoint, bucket: &str, header: (&str, &str)) -> HttpRequest {
    HttpRequest {
        method: "PUT",
        url: format!("{}/{}", endpoint.origin(), encode_component(bucket)),
        headers: vec![h("Content-Type", "application/json"), h(header.0, header.1)],
        body: Vec::new(),
    }
}

/// `mergeFork(fork, base)`: `PUT /<base>` with `X-Tigris-Merge-Source-Bucket: <fork>`.
pub fn merge_fork(endpoint: &Endpoint, fork: &str, base: &str) -> HttpRequest {
    lifecycle_put(endpoint, base, ("X-Tigris-Merge-Source-Bucket", fork))
}

/// `rebaseFork(fork)`: `PUT /<fork>` with `X-Tigris-Rebase: true`.
pub fn rebase_fork(endpoint: &Endpoint, fork: &str) -> HttpRequest {
    lifecycle_put(endpoint, fork, ("X-Tigris-Rebase", "true"))
}
