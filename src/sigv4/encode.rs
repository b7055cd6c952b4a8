//! The byte encodings SigV4 needs: lower-case hex (hashes, signatures) and RFC 3986
//! percent-encoding with upper-case hex (paths, query components), written into caller buffers.

/// Whether `b` is an RFC 3986 unreserved character (`A-Za-z0-9-._~`), never percent-encoded.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// The hex digit of the low four bits of `n`, upper- or lower-case.
fn hex_digit(n: u8, upper: bool) -> char {
    let n = n & 15;
    char::from(match (n < 10, upper) {
        (true, _) => b'0' + n,
        (false, true) => b'A' + n - 10,
        (false, false) => b'a' + n - 10,
    })
}

/// Appends the lower-case hex of `bytes` (SigV4's `HexEncode`).
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        out.push(hex_digit(b >> 4, false));
        out.push(hex_digit(b, false));
    }
}

/// Appends `%XX` (upper-case hex) of one byte.
pub(crate) fn push_escaped(out: &mut String, b: u8) {
    out.push('%');
    out.push(hex_digit(b >> 4, true));
    out.push(hex_digit(b, true));
}

/// Appends `bytes` URI-encoded: unreserved characters as they are (and `/` when `keep_slash`),
/// every other byte as `%XX`.
pub(crate) fn push_uri_encoded(out: &mut String, bytes: &[u8], keep_slash: bool) {
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            push_escaped(out, b);
        }
    }
}

/// The value of one hex digit.
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Calls `each` with the bytes `raw` stands for: every `%XX` decoded, every other byte (a lone
/// `%` and `+` included) as it is.
fn for_each_decoded(raw: &[u8], mut each: impl FnMut(u8)) {
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        let escaped = (b == b'%')
            .then(|| Some((hex_value(*raw.get(i + 1)?)?, hex_value(*raw.get(i + 2)?)?)))
            .flatten();
        match escaped {
            Some((hi, lo)) => {
                each(hi << 4 | lo);
                i += 3;
            }
            None => {
                each(b);
                i += 1;
            }
        }
    }
}

/// Whether the query component `raw` is already in canonical form (decoding and re-encoding it
/// gives it back), so it can be signed as it is, without a copy.
pub(crate) fn is_canonical_component(raw: &str) -> bool {
    let mut canonical = true;
    let mut rest = raw.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            match tail {
                [hi @ (b'0'..=b'9' | b'A'..=b'F'), lo @ (b'0'..=b'9' | b'A'..=b'F'), more @ ..] => {
                    let byte = hex_value(*hi).unwrap_or(0) << 4 | hex_value(*lo).unwrap_or(0);
                    canonical &= !is_unreserved(byte);
                    rest = more;
                }
                _ => return false,
            }
        } else {
            canonical &= is_unreserved(b);
            rest = tail;
        }
    }
    canonical
}

/// Appends the canonical form of a query component taken from a URL: percent-decoded, then
/// URI-encoded (so `%7e` becomes `~` and a raw `:` becomes `%3A`; `+` stays a literal plus,
/// `%2B`, as S3 reads it).
pub(crate) fn push_canonical_component(out: &mut String, raw: &str) {
    for_each_decoded(raw.as_bytes(), |b| {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            push_escaped(out, b);
        }
    });
}

/// The URL path of an S3 object key, single-encoded as the AWS SDKs encode it: every byte but
/// the unreserved characters and `/` as `%XX` (so spaces, unicode, `+`, `%`, `?` and `#` are
/// escaped, and `a//b` keeps its empty segment). The signer signs a URL's path as it is, so a
/// key must be encoded with this before it goes into a URL.
pub fn encode_key(key: &str) -> String {
    uri_encoded(key, true)
}

/// One URL path segment or query component (a bucket name, a continuation token): as
/// [`encode_key`] but `/` is escaped too (`%2F`). Already canonical, so signed as it is.
pub fn encode_component(s: &str) -> String {
    uri_encoded(s, false)
}

/// `s` URI-encoded (see [`push_uri_encoded`]).
fn uri_encoded(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    push_uri_encoded(&mut out, s.as_bytes(), keep_slash);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_keys() {
        let mut s = String::new();
        push_hex(&mut s, &[0x00, 0x9f, 0xab, 0xff]);
        assert_eq!(s, "009fabff");
        assert_eq!(
            encode_key("a b/ü+%?#~._-/"),
            "a%20b/%C3%BC%2B%25%3F%23~._-/"
        );
        assert_eq!(
            encode_component("dir/my file (1).txt"),
            "dir%2Fmy%20file%20%281%29.txt"
        );
    }

    #[test]
    fn query_components() {
        for (raw, canonical) in [
            ("abc-._~", "abc-._~"),
            ("a%20b", "a%20b"),
            ("a%2fb", "a%2Fb"),
            ("%7E", "~"),
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("100%", "100%25"),
            ("%zz", "%25zz"),
            ("%4", "%254"),
            ("", ""),
        ] {
            let mut out = String::new();
            push_canonical_component(&mut out, raw);
            assert_eq!(out, canonical, "{raw}");
            assert_eq!(is_canonical_component(raw), raw == canonical, "{raw}");
        }
    }
}
