//! The SigV4 canonical request as S3 defines it, one builder for header and query-string auth:
//!
//! ```text
//! METHOD \n PATH \n QUERY \n name:value \n … \n \n signed;headers \n PAYLOAD-HASH
//! ```
//!
//! - PATH: the URL's path exactly as sent (S3: single encoding, no normalisation, `/` kept;
//!   `/` when empty). Object keys are encoded with [`super::encode_key`] when the URL is built.
//! - QUERY: every `name=value` pair of the URL (a bare `name` is `name=`), each component
//!   percent-decoded then URI-encoded (RFC 3986, upper-case hex), sorted by name then value,
//!   joined with `&`.
//! - Headers: names lower-cased; values trimmed, runs of spaces and tabs (and CR/LF) made one
//!   space; sorted by name, values of a repeated name joined with `,` in the order given.
//!
//! See `docs/protocol.md §3.3`.

use std::borrow::Cow;

use super::encode::{is_canonical_component, push_canonical_component};
use super::SignError;
use crate::text::{contains, split_once};

/// The parts of an absolute URL the signature covers.
pub(crate) struct UrlParts<'a> {
    /// `scheme://authority/path` as given (what a presigned URL is built on).
    pub base: &'a str,
    /// The `host` header value: lower-case authority, default port (`:80` for http, `:443` for
    /// https) dropped.
    pub host: Cow<'a, str>,
    /// The path as sent, `/` when empty.
    pub path: &'a str,
    /// The raw query (without `?`), empty when none; any `#fragment` is dropped.
    pub query: &'a str,
}

/// Splits `scheme://authority[/path][?query][#fragment]`; `InvalidUrl` without a scheme or
/// host, or with user info (`user@host`, never sent by `fetch`).
pub(crate) fn split_url(url: &str) -> Result<UrlParts<'_>, SignError> {
    let (scheme, rest) = split_once(url, "://").ok_or(SignError::InvalidUrl)?;
    if scheme.is_empty() {
        return Err(SignError::InvalidUrl);
    }
    let before_fragment = split_once(rest, "#").map_or(rest, |(before, _)| before);
    let authority_len = before_fragment
        .bytes()
        .position(|b| matches!(b, b'/' | b'?'))
        .unwrap_or(before_fragment.len());
    let (authority, target) = before_fragment
        .split_at_checked(authority_len)
        .ok_or(SignError::InvalidUrl)?;
    let (path, query) = split_once(target, "?").unwrap_or((target, ""));
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        ":443"
    } else if scheme.eq_ignore_ascii_case("http") {
        ":80"
    } else {
        ""
    };
    let mut host = authority;
    if !default_port.is_empty() {
        host = host.strip_suffix(default_port).unwrap_or(host);
    }
    host = host.strip_suffix(':').unwrap_or(host);
    if host.is_empty() || host.starts_with(':') || contains(host, "@") {
        return Err(SignError::InvalidUrl);
    }
    let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    };
    let base_len = scheme.len() + 3 + authority.len() + path.len();
    Ok(UrlParts {
        base: url.get(..base_len).unwrap_or(url),
        host,
        path: if path.is_empty() { "/" } else { path },
        query,
    })
}

/// One query component in canonical form: borrowed from the URL when already canonical.
fn canonical_component(raw: &str) -> Cow<'_, str> {
    if is_canonical_component(raw) {
        Cow::Borrowed(raw)
    } else {
        let mut out = String::with_capacity(raw.len() + 8);
        push_canonical_component(&mut out, raw);
        Cow::Owned(out)
    }
}

/// Canonical (encoded) query pairs, unsorted.
pub(crate) type QueryPairs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// The canonical pairs of a raw URL query, with room for `extra` more; a pair named `skip`
/// (case-insensitive, e.g. `X-Amz-Signature` of a URL being re-signed) is left out.
pub(crate) fn query_pairs<'a>(query: &'a str, extra: usize, skip: &str) -> QueryPairs<'a> {
    let count = if query.is_empty() {
        0
    } else {
        query.bytes().filter(|&b| b == b'&').count() + 1
    };
    let mut pairs = Vec::with_capacity(count + extra);
    let mut rest = query;
    while !rest.is_empty() {
        let (part, after) = split_once(rest, "&").unwrap_or((rest, ""));
        rest = after;
        let (name, value) = split_once(part, "=").unwrap_or((part, ""));
        if part.is_empty() || (!skip.is_empty() && name.eq_ignore_ascii_case(skip)) {
            continue;
        }
        pairs.push((canonical_component(name), canonical_component(value)));
    }
    pairs
}

/// A header to sign: lower-case name and raw value.
pub(crate) type HeaderEntry<'a> = (Cow<'a, str>, &'a str);

/// A header name in lower case, borrowed when it already is.
pub(crate) fn lower_name(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Stable insertion sort: a request has a handful of headers and parameters, and this is a
/// fraction of the wasm bytes of the standard library's sorts.
fn insertion_sort<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for end in 1..items.len() {
        let mut at = end;
        while at > 0 {
            match (items.get(at - 1), items.get(at)) {
                (Some(before), Some(item)) if less(item, before) => items.swap(at - 1, at),
                _ => break,
            }
            at -= 1;
        }
    }
}

/// Sorts canonical query pairs by name, then value.
pub(crate) fn sort_query(pairs: &mut [(Cow<'_, str>, Cow<'_, str>)]) {
    insertion_sort(pairs, |a, b| a < b);
}

/// Sorts headers by name (stable: a repeated name keeps its values' order) and returns the
/// signed-headers list (`a;b;c`, each name once).
pub(crate) fn sort_headers(headers: &mut [HeaderEntry<'_>]) -> String {
    insertion_sort(headers, |a, b| a.0 < b.0);
    let mut list = String::with_capacity(headers.iter().map(|h| h.0.len() + 1).sum());
    let mut last: Option<&str> = None;
    for (name, _) in headers.iter() {
        if last != Some(name.as_ref()) {
            if last.is_some() {
                list.push(';');
            }
            list.push_str(name);
            last = Some(name);
        }
    }
    list
}

/// Appends a header value trimmed, with every run of spaces, tabs, CR and LF as one space.
fn push_header_value(out: &mut String, value: &str) {
    let mut pending_space = false;
    let mut any = false;
    for c in value.chars() {
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            pending_space = any;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
            any = true;
        }
    }
}

/// Appends `a=b&c=d` of the sorted `pairs`.
pub(crate) fn push_query(out: &mut String, pairs: &[(Cow<'_, str>, Cow<'_, str>)]) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

/// The canonical request of `method` on `url`'s path with the sorted `query` pairs, the sorted
/// `headers` (see [`sort_headers`]), their `signed` list and the payload hash.
pub(crate) fn canonical_request(
    method: &str,
    url: &UrlParts<'_>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    headers: &[HeaderEntry<'_>],
    signed: &str,
    payload_hash: &str,
) -> String {
    let path = url.path;
    let query_len: usize = query.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let headers_len: usize = headers.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(
        method.len() + path.len() + query_len + headers_len + signed.len() + payload_hash.len() + 8,
    );
    out.push_str(method);
    out.push('\n');
    out.push_str(path);
    out.push('\n');
    push_query(&mut out, query);
    out.push('\n');
    let mut last: Option<&str> = None;
    for (name, value) in headers {
        if last == Some(name.as_ref()) {
            out.push(',');
        } else {
            if last.is_some() {
                out.push('\n');
            }
            out.push_str(name);
            out.push(':');
            last = Some(name);
        }
        push_header_value(&mut out, value);
    }
    if last.is_some() {
        out.push('\n');
    }
    out.push('\n');
    out.push_str(signed);
    out.push('\n');
    out.push_str(payload_hash);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let p = split_url("https://B.Example.com:443/a%20b/c?x=1&y#frag").unwrap();
        assert_eq!(
            (p.base, p.host.as_ref(), p.path, p.query),
            (
                "https://B.Example.com:443/a%20b/c",
                "b.example.com",
                "/a%20b/c",
                "x=1&y"
            )
        );
        let p = split_url("http://127.0.0.1:9000?q").unwrap();
        assert_eq!(
            (p.host.as_ref(), p.path, p.query),
            ("127.0.0.1:9000", "/", "q")
        );
        let p = split_url("http://h:443/").unwrap();
        assert_eq!(p.host, "h:443");
        let p = split_url("http://[::1]:80").unwrap();
        assert_eq!(p.host, "[::1]");
        for bad in [
            "/x",
            "http:///x",
            "://h/",
            "http://:9/",
            "http://u@h/",
            "h/x",
        ] {
            assert!(split_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn query_is_decoded_encoded_and_sorted() {
        let mut pairs = query_pairs("b=2&a=%7e&&a=1&c&Sig=x&d=e%2fF+g", 0, "sig");
        sort_query(&mut pairs);
        let mut out = String::new();
        push_query(&mut out, &pairs);
        assert_eq!(out, "a=1&a=~&b=2&c=&d=e%2FF%2Bg");
        assert!(matches!(pairs[2].0, Cow::Borrowed(_)));
    }

    #[test]
    fn insertion_sort_is_stable() {
        let mut items: Vec<(u8, usize)> = [3, 1, 2, 1, 3, 0, 2].into_iter().zip(0..).collect();
        insertion_sort(&mut items, |a, b| a.0 < b.0);
        assert_eq!(
            items,
            [(0, 5), (1, 1), (1, 3), (2, 2), (2, 6), (3, 0), (3, 4)]
        );
        insertion_sort(&mut items[..0], |a, b| a.0 < b.0);
    }

    #[test]
    fn headers_are_trimmed_collapsed_joined_and_sorted() {
        let mut headers: Vec<HeaderEntry<'_>> = vec![
            (lower_name("X-B"), "  a   b \t c  "),
            (lower_name("host"), "h"),
            (lower_name("x-a"), "1"),
            (lower_name("X-A"), "2"),
            (lower_name("x-empty"), "   "),
        ];
        let signed = sort_headers(&mut headers);
        assert_eq!(signed, "host;x-a;x-b;x-empty");
        let url = split_url("https://h").unwrap();
        let creq = canonical_request("GET", &url, &[], &headers, &signed, "UNSIGNED-PAYLOAD");
        assert_eq!(
            creq,
            "GET\n/\n\nhost:h\nx-a:1,2\nx-b:a b c\nx-empty:\n\nhost;x-a;x-b;x-empty\nUNSIGNED-PAYLOAD"
        );
    }
}
