//! Multipart uploads in progress: parts by number, assembled in order on completion.

use std::collections::BTreeMap;
use std::sync::Arc;

use md5::{Digest, Md5};

use super::{Change, Event, Object, Store, StoreError};

/// An in-progress multipart upload.
#[derive(Debug)]
pub(super) struct Upload {
    pub(super) bucket: String,
    key: String,
    content_type: String,
    pub(super) parts: BTreeMap<u32, (Arc<[u8]>, String)>,
}

impl Store {
    /// Starts a multipart upload; returns its id.
    pub fn create_upload(
        &mut self,
        bucket: &str,
        key: &str,
        content_type: String,
    ) -> Result<String, StoreError> {
        self.bucket(bucket)?;
        let id = format!("{:032x}", rand::random::<u128>());
        self.uploads.insert(
            id.clone(),
            Upload {
                bucket: bucket.to_string(),
                key: key.to_string(),
                content_type,
                parts: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    fn upload_mut(&mut self, bucket: &str, key: &str, id: &str) -> Result<&mut Upload, StoreError> {
        match self.uploads.get_mut(id) {
            Some(u) if u.bucket == bucket && u.key == key => Ok(u),
            _ => Err(StoreError::NoSuchUpload),
        }
    }

    /// Stores one part; returns its quoted ETag.
    pub fn put_part(
        &mut self,
        bucket: &str,
        key: &str,
        id: &str,
        number: u32,
        body: Arc<[u8]>,
    ) -> Result<String, StoreError> {
        if !(1..=10_000).contains(&number) {
            return Err(StoreError::Invalid(
                "Part number must be an integer between 1 and 10000, inclusive".into(),
            ));
        }
        let upload = self.upload_mut(bucket, key, id)?;
        let etag = format!("\"{}\"", hex::encode(Md5::digest(&body)));
        upload.parts.insert(number, (body, etag.clone()));
        Ok(etag)
    }

    /// Completes an upload from the listed `(part number, etag)` pairs.
    pub fn complete_upload(
        &mut self,
        bucket: &str,
        key: &str,
        id: &str,
        parts: &[(u32, String)],
    ) -> Result<(Arc<Object>, Change), StoreError> {
        let upload = self.upload_mut(bucket, key, id)?;
        if parts.is_empty() {
            return Err(StoreError::Invalid(
                "You must specify at least one part".into(),
            ));
        }
        let mut body = Vec::new();
        let mut md5s = Vec::new();
        let mut last = 0;
        for (n, etag) in parts {
            let (data, stored) = upload.parts.get(n).ok_or(StoreError::InvalidPart(*n))?;
            if *n <= last || stored.trim_matches('"') != etag.trim_matches('"') {
                return Err(StoreError::InvalidPart(*n));
            }
            last = *n;
            body.extend_from_slice(data);
            md5s.extend_from_slice(&Md5::digest(data));
        }
        let content_type = upload.content_type.clone();
        self.uploads.remove(id);
        let mut obj = Object::new(body.into(), content_type, Vec::new());
        obj.etag = format!("\"{}-{}\"", hex::encode(Md5::digest(&md5s)), parts.len());
        self.put(bucket, key, obj, Event::CreatedMultipart)
    }

    /// Aborts an upload.
    pub fn abort_upload(&mut self, bucket: &str, key: &str, id: &str) -> Result<(), StoreError> {
        self.upload_mut(bucket, key, id)?;
        self.uploads.remove(id);
        Ok(())
    }
}
