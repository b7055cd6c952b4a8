//! The request, reply and error types of the API layer.

use bytes::Bytes;
use serde_json::{json, Value};

use super::ErrorFormat;
use crate::sigv4;
use crate::store::StoreError;
use crate::xml;

/// A fully read request. Its `Debug` shows header names only (values may be credentials).
#[derive(Clone)]
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

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Request {
    /// First value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn params(&self) -> Vec<(String, String)> {
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
    pub(super) fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub(super) fn with(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub(super) fn xml(status: u16, body: String) -> Reply {
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

    pub(super) fn denied() -> ApiError {
        ApiError::new(403, "AccessDenied", "Access Denied.")
    }

    /// Renders the error in the operation's format.
    pub fn reply(&self, format: ErrorFormat, resource: &str) -> Reply {
        if format == ErrorFormat::Json {
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

pub(super) fn malformed_xml(why: &str) -> ApiError {
    ApiError::new(400, "MalformedXML", format!("The XML you provided was not well-formed or did not validate against our published schema: {why}"))
}

pub(super) fn bad_json(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidArgument", message)
}
