//! Object operations: put (with checksums), get/head (ranges, snapshot reads), delete, copy,
//! multipart, DeleteObjects and ListObjectsV2, one handler each.

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;

use super::message::malformed_xml;
use super::{parse_version, Api, Notification, S3_NS};
use super::{ApiError, Reply, Request};
use crate::clock;
use crate::keys::{Access, Principal};
use crate::sigv4;
use crate::store::{Event, Object, Store, Ts};
use crate::xml;

impl Api {
    /// GetObject / HeadObject, at `X-Tigris-Snapshot-Version` when given.
    pub(super) fn get_object(&self, req: &Request, b: &str, k: &str) -> Result<Reply, ApiError> {
        let at = snapshot_header(req)?;
        let obj = self.data().store.get(b, k, at)?;
        Ok(object_reply(req, &obj))
    }

    /// PutObject; checksums are verified before the data lock is taken.
    pub(super) fn put_object(
        &self,
        req: &Request,
        b: &str,
        k: &str,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        check_checksums(req)?;
        let obj = Object::new(
            Arc::from(&req.body[..]),
            content_type(req),
            kept_headers(req),
        );
        let mut data = self.data();
        let (obj, change) = data.store.put(b, k, obj, Event::CreatedPut)?;
        self.notify(&data.store, &change, notes);
        let crc = base64::engine::general_purpose::STANDARD.encode(obj.crc32.to_be_bytes());
        Ok(Reply::new(200)
            .with("ETag", obj.etag.clone())
            .with("x-amz-checksum-crc32", crc))
    }

    /// DeleteObject (deleting a missing key succeeds).
    pub(super) fn delete_object(
        &self,
        b: &str,
        k: &str,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let mut data = self.data();
        if let Some(change) = data.store.delete(b, k)? {
            self.notify(&data.store, &change, notes);
        }
        Ok(Reply::new(204))
    }

    /// CreateMultipartUpload.
    pub(super) fn create_upload(&self, req: &Request, b: &str, k: &str) -> Result<Reply, ApiError> {
        let id = self.data().store.create_upload(b, k, content_type(req))?;
        Ok(Reply::xml(
            200,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult xmlns=\"{S3_NS}\"><Bucket>{}</Bucket><Key>{}</Key><UploadId>{id}</UploadId></InitiateMultipartUploadResult>",
                xml::escape(b),
                xml::escape(k)
            ),
        ))
    }

    /// UploadPart (`partNumber` from the query).
    pub(super) fn upload_part(
        &self,
        req: &Request,
        b: &str,
        k: &str,
        id: &str,
        part_number: Option<&str>,
    ) -> Result<Reply, ApiError> {
        let n: u32 = part_number.and_then(|n| n.parse().ok()).ok_or_else(|| {
            ApiError::new(400, "InvalidArgument", "partNumber must be an integer")
        })?;
        check_checksums(req)?;
        let body = Arc::from(&req.body[..]);
        let etag = self.data().store.put_part(b, k, id, n, body)?;
        Ok(Reply::new(200).with("ETag", etag))
    }

    /// CompleteMultipartUpload; the body is parsed before the data lock is taken.
    pub(super) fn complete_upload(
        &self,
        req: &Request,
        b: &str,
        k: &str,
        id: &str,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let parts = completed_parts(req)?;
        let mut data = self.data();
        let (obj, change) = data.store.complete_upload(b, k, id, &parts)?;
        self.notify(&data.store, &change, notes);
        Ok(Reply::xml(
            200,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult xmlns=\"{S3_NS}\"><Location>/{b}/{k}</Location><Bucket>{b}</Bucket><Key>{k}</Key><ETag>{}</ETag></CompleteMultipartUploadResult>",
                xml::escape(&obj.etag),
                b = xml::escape(b),
                k = xml::escape(k),
            ),
        ))
    }

    /// CopyObject (`PUT` with `x-amz-copy-source`): needs read access to the source; the body is
    /// shared, not copied.
    pub(super) fn copy_object(
        &self,
        req: &Request,
        p: &Principal,
        b: &str,
        k: &str,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
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
        let at = snapshot_header(req)?;
        let mut data = self.data();
        let source = data.store.get(sb, sk, at)?;
        let (obj, change) = data.store.put(b, k, source.copy(), Event::CreatedCopy)?;
        self.notify(&data.store, &change, notes);
        Ok(Reply::xml(
            200,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyObjectResult><LastModified>{}</LastModified><ETag>{}</ETag></CopyObjectResult>",
                clock::rfc3339_ms(obj.last_modified),
                xml::escape(&obj.etag)
            ),
        ))
    }

    /// DeleteObjects (`POST /<bucket>?delete`): deletes each listed key, reporting each.
    pub(super) fn delete_objects(
        &self,
        req: &Request,
        b: &str,
        notes: &mut Vec<Notification>,
    ) -> Result<Reply, ApiError> {
        let doc =
            std::str::from_utf8(&req.body).map_err(|_| malformed_xml("the body is not UTF-8"))?;
        let el = xml::parse(doc).map_err(|e| malformed_xml(&e))?;
        if el.name != "Delete" {
            return Err(malformed_xml("expected Delete"));
        }
        let quiet = el.child_text("Quiet").is_some_and(|q| q.trim() == "true");
        let mut data = self.data();
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
}

pub(super) fn snapshot_header(req: &Request) -> Result<Option<Ts>, ApiError> {
    req.header("x-tigris-snapshot-version")
        .filter(|v| !v.trim().is_empty())
        .map(|v| parse_version(v, "X-Tigris-Snapshot-Version"))
        .transpose()
}

/// The request's content type (S3 default `application/octet-stream`).
fn content_type(req: &Request) -> String {
    req.header("content-type")
        .unwrap_or("application/octet-stream")
        .to_string()
}

/// Headers stored with an object and returned on reads.
fn kept_headers(req: &Request) -> Vec<(String, String)> {
    req.headers
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
        .collect()
}

/// The `(part number, etag)` list of a CompleteMultipartUpload body.
fn completed_parts(req: &Request) -> Result<Vec<(u32, String)>, ApiError> {
    let doc = std::str::from_utf8(&req.body).map_err(|_| malformed_xml("the body is not UTF-8"))?;
    let el = xml::parse(doc).map_err(|e| malformed_xml(&e))?;
    if el.name != "CompleteMultipartUpload" {
        return Err(malformed_xml("expected CompleteMultipartUpload"));
    }
    el.all("Part")
        .map(|p| {
            let n = p
                .child_text("PartNumber")
                .and_then(|n| n.trim().parse().ok())
                .ok_or_else(|| malformed_xml("Part needs a numeric PartNumber"))?;
            Ok((n, p.child_text("ETag").unwrap_or("").trim().to_string()))
        })
        .collect()
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

pub(super) fn list_objects(
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
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
