//! Bucket names: the S3/Tigris naming rules checked before any request (docs/protocol.md §9.6),
//! and [`BucketName`], a name that passed them.

use super::{phrase, WorkflowError};
use std::fmt;

/// A bucket name that passed the naming rules. Only [`BucketName::new`] makes one, so a workflow
/// that takes a `&BucketName` sends no request for an invalid name without checking again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketName(String);

impl BucketName {
    /// `name` when it is a valid bucket name; otherwise the reason, as
    /// `Invalid bucket name "<name>": <rule>` (an absurdly long name cut after 100 characters).
    pub fn new(name: &str) -> Result<Self, String> {
        BucketName::check(name).map(|()| BucketName(name.to_owned()))
    }

    /// What [`BucketName::new`] decides, without keeping the name: for the teardowns, which
    /// list an invalid name among their failures instead of refusing the call.
    pub(crate) fn check(name: &str) -> Result<(), String> {
        match violated_rule(name) {
            None => Ok(()),
            Some(rule) => {
                let mut message = phrase("Invalid bucket name \"", name, "\": ");
                message.push_str(rule);
                Err(message)
            }
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BucketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `name` as the bucket of a workflow whose messages read `<phrase> "<subject>": …`: an invalid
/// name fails (`InvalidArgument`) as `<phrase> "<subject>": Invalid bucket name "<name>": <rule>`.
/// Each workflow module passes its own phrase and subject, the ones its request failures carry.
pub(crate) fn bucket_in(
    name: &str,
    phrase: &str,
    subject: &str,
) -> Result<BucketName, WorkflowError> {
    BucketName::new(name).map_err(|reason| WorkflowError::invalid_in(phrase, subject, &reason))
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
    if crate::text::contains(name, "..") {
        return Some("must not contain two adjacent dots");
    }
    if crate::text::dotted_numbers(name, usize::MAX) {
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
    use super::{bucket_in, BucketName};
    use crate::ops::ErrorCode;

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
            let valid = BucketName::new(name).map(|n| (n.as_str().to_owned(), n.to_string()));
            assert_eq!(valid, Ok((name.to_owned(), name.to_owned())), "{name}");
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
                BucketName::new(name),
                Err(format!("Invalid bucket name \"{name}\": {rule}"))
            );
        }
    }

    #[test]
    fn long_names_are_cut_in_the_message() {
        let message = BucketName::new(&"x".repeat(1 << 20))
            .err()
            .unwrap_or_default();
        assert!(message.len() < 200, "{message}");
        assert!(message.starts_with("Invalid bucket name \"xxxx"));
    }

    #[test]
    fn a_name_error_carries_the_workflow_context() {
        let err = bucket_in("ab", "Failed to do", "it").map_err(|e| (e.code, e.message));
        assert_eq!(
            err,
            Err((
                ErrorCode::InvalidArgument,
                "Failed to do \"it\": Invalid bucket name \"ab\": must be between 3 and 63 characters long".to_owned()
            ))
        );
        let ok = bucket_in("abc", "Failed to do", "it").map(|n| format!("{n:?}"));
        assert_eq!(ok, Ok("BucketName(\"abc\")".to_owned()));
    }
}
