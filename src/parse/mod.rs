//! Response parsing: a small XML element extractor, a small JSON value parser/serializer, and
//! the per-call readers built on them (S3 XML errors, snapshot listings, Tigris JSON errors,
//! bucket metadata, access keys). Every function returns a `Result`/`Option` and never panics on
//! any input.

pub mod json;
pub mod responses;
pub mod xml;
