//! Bucket-name rules the wire layer needs for addressing. (The full client-side validation with
//! user-facing messages lives in the workflows, docs/protocol.md §9.6.)

/// Whether `bucket` can be addressed virtual-hosted (`bucket.host`): a DNS label of 3–63
/// lower-case letters, digits and hyphens that starts and ends with a letter or digit and is not
/// an IPv4 address. Names with dots, upper case or underscores go path-style (as the AWS SDK does).
pub fn is_virtual_hostable(bucket: &str) -> bool {
    let b = bucket.as_bytes();
    let alnum = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && alnum(b.first())
        && alnum(b.last())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        for ok in ["abc", "my-bucket", "a1-2b", "ws2-fork-0"] {
            assert!(is_virtual_hostable(ok), "{ok}");
        }
        for no in [
            "ab",
            "my.bucket",
            "My",
            "a_b",
            "-ab",
            "ab-",
            "",
            &"a".repeat(64),
        ] {
            assert!(!is_virtual_hostable(no), "{no}");
        }
    }
}
