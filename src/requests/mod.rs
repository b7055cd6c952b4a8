//! Request building for every call (docs/protocol.md §1 table): endpoint parsing and addressing, then one
//! module per wire concern — [`s3`] (bucket create/fork/snapshot/list/remove on the S3
//! transport), [`settings`] (metadata GET and settings PATCH on the Tigris HTTP transport) and
//! [`iam`] (access keys). Builders return unsigned [`HttpRequest`]s; [`crate::signing`] signs
//! them per attempt.

pub mod iam;
pub mod s3;
pub mod settings;
pub mod virtual_hosting;

use crate::runtime::HttpRequest;
use crate::sigv4::encode_component;

/// Why a request could not be built (bad endpoint, header value fetch would refuse). Permanent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError(pub String);

/// A parsed `http(s)://host[:port]` endpoint. A query or fragment is dropped, as
/// `new URL(path, endpoint)` does; a path other than `/` is refused (docs/protocol.md §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `http` or `https`.
    pub scheme: String,
    /// Lower-case host, IPv6 literals with brackets.
    pub host: String,
    /// Explicit non-default port.
    pub port: Option<u16>,
}

impl Endpoint {
    /// Parses an endpoint URL; `Invalid URL` for anything that is not absolute http(s) with a host.
    pub fn parse(url: &str) -> Result<Endpoint, BuildError> {
        let invalid = || BuildError("Invalid URL".to_owned());
        let url = url.trim();
        let (scheme, rest) = crate::text::split_once(url, "://").ok_or_else(invalid)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(invalid());
        }
        let cut = rest
            .bytes()
            .position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
            .unwrap_or(rest.len());
        let (authority, after) = (rest.get(..cut).unwrap_or(""), rest.get(cut..).unwrap_or(""));
        if crate::text::contains(authority, "@") {
            return Err(invalid());
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (inner, after) = crate::text::split_once(v6, "]").ok_or_else(invalid)?;
            if inner.is_empty()
                || !inner
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return Err(invalid());
            }
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(invalid)?),
            };
            (format!("[{}]", inner.to_ascii_lowercase()), port)
        } else {
            match crate::text::rsplit_once_ascii(authority, b':') {
                Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
                None => (authority.to_ascii_lowercase(), None),
            }
        };
        let host_ok = !host.is_empty()
            && (host.starts_with('[')
                || host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'));
        if !host_ok {
            return Err(invalid());
        }
        let port = match port {
            None | Some("") => None,
            Some(p) => {
                if !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                // Read as a `u32` (whose parser the module has anyway), then narrowed.
                let n = p.parse::<u32>().ok().and_then(|n| u16::try_from(n).ok());
                let n = n.ok_or_else(invalid)?;
                let default = if scheme == "https" { 443 } else { 80 };
                (n != default).then_some(n)
            }
        };
        let endpoint = Endpoint { scheme, host, port };
        let path_end = after
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(after.len());
        let path = after.get(..path_end).unwrap_or("");
        if !path.is_empty() && path != "/" && path != "\\" {
            return Err(BuildError(format!(
                "Invalid endpoint URL \"{}{}\": a path is not supported",
                endpoint.origin(),
                path.replace('\\', "/")
            )));
        }
        Ok(endpoint)
    }

    /// `host[:port]`.
    pub fn authority(&self) -> String {
        match self.port {
            // As a `u32`: the integer formatting code of `u16` is then not needed in the module.
            Some(p) => format!("{}:{}", self.host, u32::from(p)),
            None => self.host.clone(),
        }
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority())
    }

    /// Whether buckets on this host are addressed path-style: an IP literal (IPv4 dotted quad
    /// or bracketed IPv6), as the SDKs do, and — a deliberate difference — `localhost` or any
    /// other single-label host, whose `<bucket>.<host>` names do not resolve (docs/protocol.md
    /// §3.1).
    pub fn is_path_style(&self) -> bool {
        if self.host.starts_with('[') || !crate::text::contains(&self.host, ".") {
            return true;
        }
        crate::text::dotted_numbers(&self.host, 3)
    }

    /// URL of a bucket-level S3 operation (docs/protocol.md §3.1): `scheme://bucket.host/` when the bucket is
    /// a DNS label and the host takes virtual-hosted names ([`Endpoint::is_path_style`]), else
    /// path-style `scheme://host/bucket/`.
    pub fn bucket_url(&self, bucket: &str) -> String {
        if virtual_hosting::is_virtual_hostable(bucket) && !self.is_path_style() {
            format!("{}://{bucket}.{}/", self.scheme, self.authority())
        } else {
            format!("{}/{}/", self.origin(), encode_component(bucket))
        }
    }
}

/// `application/x-www-form-urlencoded` as `URLSearchParams` writes it: alphanumerics and
/// `*-._` kept, space → `+`, everything else `%XX` of the UTF-8 bytes.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            crate::sigv4::push_escaped(&mut out, b);
        }
    }
    out
}

/// Formats 16 random bytes as a version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`).
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        crate::sigv4::push_hex(&mut out, std::slice::from_ref(b));
    }
    out
}

/// Checks that every header value can be sent by `fetch` (visible ASCII, space, tab); otherwise
/// the error Node gives: `Invalid character in header content ["<name>"]`.
pub fn check_headers(request: &HttpRequest) -> Result<(), BuildError> {
    for (name, value) in &request.headers {
        if !value
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
        {
            return Err(BuildError(format!(
                "Invalid character in header content [\"{name}\"]"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("https://t3.storage.dev").unwrap();
        assert_eq!(
            e.bucket_url("my-bucket"),
            "https://my-bucket.t3.storage.dev/"
        );
        assert_eq!(
            e.bucket_url("my.bucket"),
            "https://t3.storage.dev/my.bucket/"
        );
        assert_eq!(
            e.bucket_url("My_Bucket"),
            "https://t3.storage.dev/My_Bucket/"
        );
        let l = Endpoint::parse("http://localhost:9000/?ignored#x").unwrap();
        assert_eq!(
            l.bucket_url("my-bucket"),
            "http://localhost:9000/my-bucket/"
        );
        let single = Endpoint::parse("http://tigris-local:8080").unwrap();
        assert_eq!(single.bucket_url("b-1"), "http://tigris-local:8080/b-1/");
        assert_eq!(
            Endpoint::parse("https://u:p@h.example/x").unwrap_err().0,
            "Invalid URL"
        );
        for (with_path, shown) in [
            (
                "http://h.example:9000/tigris?X-Amz-Secret=s",
                "http://h.example:9000/tigris",
            ),
            ("https://H.example\\a/b#f", "https://h.example/a/b"),
        ] {
            assert_eq!(
                Endpoint::parse(with_path).unwrap_err().0,
                format!("Invalid endpoint URL \"{shown}\": a path is not supported")
            );
        }
        let ip = Endpoint::parse("http://127.0.0.1:9999").unwrap();
        assert_eq!(ip.bucket_url("ws2-snap"), "http://127.0.0.1:9999/ws2-snap/");
        let v6 = Endpoint::parse("http://[::1]:9000").unwrap();
        assert_eq!(v6.bucket_url("b-1"), "http://[::1]:9000/b-1/");
        assert_eq!(
            Endpoint::parse("https://H.example:443/").unwrap().origin(),
            "https://h.example"
        );
        for bad in [
            "",
            "t3.storage.dev",
            "ftp://x",
            "http://",
            "http://a b",
            "http://u@h",
            "http://h:x",
            "http://h:99999",
            "http://[zz]",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encodings_and_uuid() {
        assert_eq!(form_encode("a b*~\"é"), "a+b*%7E%22%C3%A9");
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }
}
