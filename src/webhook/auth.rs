//! The `Authorization` check of a delivery: `Bearer <token>` or `Basic base64(user:pass)`, as
//! Tigris sends it for the bucket's `auth`. The expected and the presented credentials are each
//! hashed (SHA-256) and the two digests compared by [`same_digest`], which reads every byte
//! whatever the inputs: how long the check takes says nothing about how much of a guess was
//! right. Failures are `Unauthorized` and never quote the header or the secret.

use crate::ops::{ErrorCode, WebhookAuth};
use crate::workflows::coordination::{check_auth, WebhookAuthInput};
use crate::workflows::WorkflowError;
use sha2::{Digest, Sha256};

/// The receiver's `auth` option, checked as `setupCoordination` checks its own (same
/// `InvalidArgument` messages, e.g. `Auth token must not be empty`).
pub fn expected_auth(input: &WebhookAuthInput) -> Result<WebhookAuth, WorkflowError> {
    check_auth(input).map_err(WorkflowError::invalid)
}

/// `Unauthorized` with `message`.
fn unauthorized(message: &str) -> WorkflowError {
    WorkflowError {
        code: ErrorCode::Unauthorized,
        message: message.to_owned(),
        reply: None,
    }
}

/// Checks `presented` (the delivery's `Authorization` value, `None` when it has none) against
/// `expected`. The scheme is matched case-insensitively, surrounding spaces are ignored; a
/// missing header, the other scheme, undecodable Basic credentials or other credentials are
/// refused with `Unauthorized`.
pub fn authorize(expected: &WebhookAuth, presented: Option<&str>) -> Result<(), WorkflowError> {
    let presented =
        presented.ok_or_else(|| unauthorized("the delivery has no Authorization header"))?;
    let (scheme, credentials) = crate::text::split_once(presented.trim(), " ").unwrap_or_default();
    let credentials = credentials.trim();
    let (want, got) = match expected {
        WebhookAuth::Token(token) => (
            digest(&[token.expose().as_bytes()]),
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| digest(&[credentials.as_bytes()])),
        ),
        WebhookAuth::Basic { username, password } => (
            digest(&[username.as_bytes(), b":", password.expose().as_bytes()]),
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| base64_decode(credentials))
                .flatten()
                .map(|pair| digest(&[&pair])),
        ),
    };
    match got {
        Some(got) if same_digest(&want, &got) => Ok(()),
        _ => Err(unauthorized(
            "the delivery's Authorization header does not match options.auth",
        )),
    }
}

/// SHA-256 of the concatenated `parts`.
fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize().into()
}

/// Whether two digests are equal, in constant time: every byte pair is XORed into one
/// accumulator (kept opaque to the optimiser by `black_box`, so no early exit is compiled in)
/// and only the final accumulator is tested. Not `==`, which stops at the first difference.
fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    differing_bits(a.iter().zip(b)) == 0
}

/// The OR of `x ^ y` over all `pairs`, visiting each one.
fn differing_bits<'a>(pairs: impl Iterator<Item = (&'a u8, &'a u8)>) -> u8 {
    pairs.fold(0, |acc, (x, y)| std::hint::black_box(acc | (x ^ y)))
}

/// Standard base64 (RFC 4648 §4; the `=` padding optional), `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits, mut padding) = (0u32, 0u32, 0usize);
    for c in text.bytes() {
        let sextet = match c {
            b'=' => {
                padding += 1;
                continue;
            }
            // Nothing but padding after padding.
            _ if padding > 0 => return None,
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6 | u32::from(sextet)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    (padding <= 2 && (text.len() - padding) % 4 != 1).then_some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::secret::Secret;

    fn token() -> WebhookAuth {
        WebhookAuth::Token(Secret::new("s3cr3t-token"))
    }

    fn basic() -> WebhookAuth {
        WebhookAuth::Basic {
            username: "agent".into(),
            password: Secret::new("pa:ss"),
        }
    }

    #[test]
    fn the_comparison_reads_every_byte_even_when_the_first_differs() {
        let a = [0u8; 32];
        let mut b = [0u8; 32];
        b[0] = 1;
        for (x, y) in [(a, b), (a, a)] {
            let mut visited = 0;
            let bits = differing_bits(x.iter().zip(&y).inspect(|_| visited += 1));
            assert_eq!(visited, 32);
            assert_eq!(bits == 0, x == y);
        }
        let mut last = [0u8; 32];
        last[31] = 0x80;
        assert!(!same_digest(&a, &last));
        assert!(same_digest(&last, &last));
    }

    #[test]
    fn base64_decodes_the_standard_alphabet_with_or_without_padding() {
        assert_eq!(base64_decode("YWdlbnQ6cGE6c3M=").unwrap(), b"agent:pa:ss");
        assert_eq!(base64_decode("YWdlbnQ6cGE6c3M").unwrap(), b"agent:pa:ss");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
        for bad in [
            "YWdl bnQ", "YW=dl", "Y", "YWdlb", "YWdl-_", "é", "YQ===", "Y===", "YQ=x",
        ] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn bearer_tokens() {
        assert!(authorize(&token(), Some("Bearer s3cr3t-token")).is_ok());
        assert!(authorize(&token(), Some("  bearer   s3cr3t-token ")).is_ok());
        for wrong in [
            "Bearer s3cr3t-tokeN",
            "Bearer s3cr3t-token2",
            "Bearer ",
            "Bearer",
            "s3cr3t-token",
            "Basic s3cr3t-token",
            "Token s3cr3t-token",
            "",
        ] {
            let e = authorize(&token(), Some(wrong)).unwrap_err();
            assert_eq!(e.code, ErrorCode::Unauthorized, "{wrong}");
            assert!(!e.message.contains("s3cr3t"));
        }
        let missing = authorize(&token(), None).unwrap_err();
        assert_eq!(missing.code, ErrorCode::Unauthorized);
        assert!(missing.message.contains("no Authorization header"));
    }

    #[test]
    fn basic_credentials() {
        assert!(authorize(&basic(), Some("Basic YWdlbnQ6cGE6c3M=")).is_ok());
        assert!(authorize(&basic(), Some("BASIC YWdlbnQ6cGE6c3M")).is_ok());
        for wrong in [
            // agent:pa:sS, agent:pa, agent:pa:ss plus a byte, not base64, Bearer of the pair
            "Basic YWdlbnQ6cGE6c1M=",
            "Basic YWdlbnQ6cGE=",
            "Basic YWdlbnQ6cGE6c3MA",
            "Basic agent:pa:ss",
            "Bearer YWdlbnQ6cGE6c3M=",
            "Bearer pa:ss",
        ] {
            assert_eq!(
                authorize(&basic(), Some(wrong)).unwrap_err().code,
                ErrorCode::Unauthorized,
                "{wrong}"
            );
        }
    }
}
