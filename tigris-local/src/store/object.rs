//! The stored values: an object version's content and metadata, a version in a key's chain, a
//! listed object, and the change a write reports to webhooks.

use std::sync::Arc;

use md5::{Digest, Md5};

use super::Ts;

/// One stored object version's content and metadata.
#[derive(Debug)]
pub struct Object {
    /// The bytes, shared (never copied) between versions, snapshots and forks.
    pub body: Arc<[u8]>,
    /// Quoted entity tag (`"md5hex"` or `"md5hex-N"` for multipart).
    pub etag: String,
    /// Content type as uploaded.
    pub content_type: String,
    /// Write time (ns).
    pub last_modified: Ts,
    /// CRC-32/IEEE of the whole body.
    pub crc32: u32,
    /// Optional stored headers (`cache-control`, `content-disposition`, `x-amz-meta-*`).
    pub headers: Vec<(String, String)>,
}

impl Object {
    /// Builds an object for `body`, computing its MD5 ETag and CRC-32.
    pub fn new(body: Arc<[u8]>, content_type: String, headers: Vec<(String, String)>) -> Object {
        let etag = format!("\"{}\"", hex::encode(Md5::digest(&body)));
        let crc32 = crc32fast::hash(&body);
        Object {
            body,
            etag,
            content_type,
            last_modified: 0,
            crc32,
            headers,
        }
    }

    /// A new version with the same content (CopyObject): the body is shared, nothing is rehashed.
    pub fn copy(&self) -> Object {
        Object {
            body: self.body.clone(),
            etag: self.etag.clone(),
            content_type: self.content_type.clone(),
            last_modified: 0,
            crc32: self.crc32,
            headers: self.headers.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Version {
    pub(super) ts: Ts,
    pub(super) obj: Option<Arc<Object>>,
}

/// What happened to an object, as named in webhook events and the `Event-Type` filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// PutObject.
    CreatedPut,
    /// CompleteMultipartUpload.
    CreatedMultipart,
    /// CopyObject.
    CreatedCopy,
    /// DeleteObject, DeleteObjects or TTL expiry.
    Deleted,
}

impl Event {
    /// The event name on the wire (`OBJECT_CREATED_PUT`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Event::CreatedPut => "OBJECT_CREATED_PUT",
            Event::CreatedMultipart => "OBJECT_CREATED_MULTIPART",
            Event::CreatedCopy => "OBJECT_CREATED_COPY",
            Event::Deleted => "OBJECT_DELETED",
        }
    }
}

/// A change to report to the bucket's webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Event name (`OBJECT_CREATED_PUT`, `OBJECT_CREATED_MULTIPART`, `OBJECT_DELETED`).
    pub event: Event,
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Size in bytes (0 for deletions).
    pub size: u64,
    /// Unquoted ETag ("" for deletions).
    pub etag: String,
    /// Content type ("" for deletions).
    pub content_type: String,
    /// Event time (ns).
    pub time: Ts,
}

/// A listed object.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Key.
    pub key: String,
    /// The object.
    pub obj: Arc<Object>,
}
