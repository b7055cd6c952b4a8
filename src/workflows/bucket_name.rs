//! Bucket-name check applied before any request (S3/Tigris rules, docs/protocol.md §9.6).

use super::shown;

/// `Ok` when `name` is a valid bucket name; otherwise the reason, as
/// `Invalid bucket name "<name>": <rule>`.
pub(crate) fn check_bucket_name(name: &str) -> Result<(), String> {
    match violated_rule(name) {
        None => Ok(()),
        Some(rule) => Err(format!("Invalid bucket name \"{}\": {rule}", shown(name))),
    }
}

fn violated_rule(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if !(3..=63).contains(&name.chars().count()) {
        return Some("must be between 3 and 63 characters long");
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-')
    {
        return Some("may contain only lowercase letters, digits, dots and hyphens");
    }
    let alnum = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !alnum(bytes.first()) || !alnum(bytes.last()) {
        return Some("must start and end with a letter or digit");
    }
    if name.contains("..") {
        return Some("must not contain two adjacent dots");
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("must not be formatted as an IP address");
    }
    if name.starts_with("xn--") {
        return Some("must not start with \"xn--\"");
    }
    if name.ends_with("-s3alias") {
        return Some("must not end with \"-s3alias\"");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::check_bucket_name;

    #[test]
    fn accepts_valid_names() {
        for name in [
            "abc",
            "my-bucket",
            "a.b.c",
            "agent-run-42",
            &"a".repeat(63),
            "1.2.3",
            "1.2.3.4a",
        ] {
            assert_eq!(check_bucket_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_each_rule() {
        let cases = [
            ("ab", "must be between 3 and 63 characters long"),
            (&*"a".repeat(64), "must be between 3 and 63 characters long"),
            ("", "must be between 3 and 63 characters long"),
            (
                "My-Bucket",
                "may contain only lowercase letters, digits, dots and hyphens",
            ),
            (
                "my_bucket",
                "may contain only lowercase letters, digits, dots and hyphens",
            ),
            (
                "bücket",
                "may contain only lowercase letters, digits, dots and hyphens",
            ),
            ("-abc", "must start and end with a letter or digit"),
            ("abc.", "must start and end with a letter or digit"),
            ("a..b", "must not contain two adjacent dots"),
            ("192.168.5.4", "must not be formatted as an IP address"),
            ("xn--abc", "must not start with \"xn--\""),
            ("abc-s3alias", "must not end with \"-s3alias\""),
        ];
        for (name, rule) in cases {
            assert_eq!(
                check_bucket_name(name),
                Err(format!("Invalid bucket name \"{name}\": {rule}"))
            );
        }
    }

    #[test]
    fn long_names_are_cut_in_the_message() {
        let message = check_bucket_name(&"x".repeat(1 << 20))
            .err()
            .unwrap_or_default();
        assert!(message.len() < 200, "{message}");
        assert!(message.starts_with("Invalid bucket name \"xxxx"));
    }
}
