//! `setupCoordination` / `teardownCoordination`: bucket webhooks (docs/protocol.md §5.8, §7). Options are
//! validated before any request with the SDK's texts.

use super::bucket_name::{bucket_in, BucketName};
use super::WorkflowError;
use crate::ops::{NotificationConfig, TigrisOps, WebhookAuth};
use crate::secret::Secret;

/// `auth` as given: each field present or not (the shape is checked by [`setup_coordination`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookAuthInput {
    /// `auth.token`.
    pub token: Option<Secret>,
    /// `auth.username`.
    pub username: Option<String>,
    /// `auth.password`.
    pub password: Option<Secret>,
}

/// `SetupCoordinationOptions` (without `config`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetupCoordinationOptions {
    /// `webhookUrl`: an absolute http(s) URL (required).
    pub webhook_url: Option<String>,
    /// `filter`; `""` (no filter) when absent.
    pub filter: Option<String>,
    /// `auth`: `{token}` or `{username, password}`.
    pub auth: Option<WebhookAuthInput>,
}

/// Every `setupCoordination` failure reads `Failed to setup coordination on "<bucket>": …`.
const SETUP_FAILED: &str = "Failed to setup coordination on";

/// Every `teardownCoordination` failure reads `Failed to teardown coordination on "<bucket>": …`.
const TEARDOWN_FAILED: &str = "Failed to teardown coordination on";

/// The `bucket` of `setupCoordination`, validated (a name error under its prefix).
pub fn setup_bucket(bucket: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(bucket, SETUP_FAILED, bucket)
}

/// The `bucket` of `teardownCoordination`, validated (a name error under its prefix).
pub fn teardown_bucket(bucket: &str) -> Result<BucketName, WorkflowError> {
    bucket_in(bucket, TEARDOWN_FAILED, bucket)
}

/// Points `bucket`'s object notifications at `webhookUrl` (reads the settings, then PATCHes the
/// merged `object_notifications`). Invalid options fail before any request; every error reads
/// `Failed to setup coordination on "<bucket>": <m>`.
pub async fn setup_coordination<O: TigrisOps>(
    ops: &O,
    bucket: &BucketName,
    options: &SetupCoordinationOptions,
) -> Result<(), WorkflowError> {
    let bucket = bucket.as_str();
    let invalid = |reason: &str| WorkflowError::invalid_in(SETUP_FAILED, bucket, reason);
    let url = options.webhook_url.as_deref().unwrap_or_default();
    check_webhook_url(url).map_err(invalid)?;
    let auth = match &options.auth {
        Some(auth) => Some(check_auth(auth).map_err(invalid)?),
        None => None,
    };
    let config = NotificationConfig {
        url: url.to_owned(),
        filter: options.filter.clone().unwrap_or_default(),
        auth,
    };
    ops.set_notifications(bucket, &config)
        .await
        .map_err(|e| WorkflowError::operation(SETUP_FAILED, bucket, &e))
}

/// Clears `bucket`'s notification configuration (one PATCH); objects are untouched. Fails with
/// `Failed to teardown coordination on "<bucket>": <m>`.
pub async fn teardown_coordination<O: TigrisOps>(
    ops: &O,
    bucket: &BucketName,
) -> Result<(), WorkflowError> {
    let bucket = bucket.as_str();
    ops.clear_notifications(bucket)
        .await
        .map_err(|e| WorkflowError::operation(TEARDOWN_FAILED, bucket, &e))
}

/// JS `String.prototype.trim` (Unicode white space plus the BOM).
fn js_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// The SDK's URL checks: `url.trim() === ''`, then `new URL(url)` and its protocol.
fn check_webhook_url(url: &str) -> Result<(), &'static str> {
    if js_trim(url).is_empty() {
        return Err("Notification URL is required");
    }
    match url_scheme_and_rest(url) {
        None => Err("Notification URL is not a valid URL"),
        Some((scheme, rest)) if scheme == "http" || scheme == "https" => {
            if has_valid_authority(&rest) {
                Ok(())
            } else {
                Err("Notification URL is not a valid URL")
            }
        }
        Some(_) => Err("Notification URL must use http or https"),
    }
}

/// Splits an absolute URL into its lower-cased scheme and the rest, after the WHATWG
/// pre-processing (outer C0 controls and spaces trimmed, tabs and newlines removed). `None`
/// when there is no valid scheme (a relative reference, which `new URL` rejects without a base).
fn url_scheme_and_rest(url: &str) -> Option<(String, String)> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let mut cleaned = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        if !matches!(c, '\t' | '\n' | '\r') {
            cleaned.push(c);
        }
    }
    let colon = crate::text::find(&cleaned, ":")?;
    let scheme = cleaned.get(..colon)?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    Some((
        scheme.to_ascii_lowercase(),
        cleaned.get(colon + 1..)?.to_owned(),
    ))
}

/// Whether the part after `http:` has a non-empty, well-formed host (and a valid port if any).
fn has_valid_authority(rest: &str) -> bool {
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'\\' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or_default();
    let host_port =
        crate::text::rsplit_once_ascii(authority, b'@').map_or(authority, |(_, host)| host);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let Some((inside, after)) = crate::text::split_once(v6, "]") else {
                return false;
            };
            let v6_ok = !inside.is_empty()
                && inside
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
            let port = match after {
                "" => None,
                _ => match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => return false,
                },
            };
            if !v6_ok {
                return false;
            }
            ("[]", port)
        }
        None => match crate::text::rsplit_once_ascii(host_port, b':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let port_ok = port.is_none_or(|p| {
        p.is_empty()
            || (p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| n <= 65535))
    });
    let forbidden = |c: char| {
        c.is_control()
            || matches!(
                c,
                ' ' | '#' | '%' | '/' | ':' | '<' | '>' | '?' | '@' | '[' | ']' | '\\' | '^' | '|'
            )
    };
    port_ok && !host.is_empty() && (host == "[]" || !host.contains(forbidden))
}

/// The SDK's auth checks; a half of basic auth is refused like a missing auth. Also what
/// `receiveCoordinationEvents` checks its `auth` option with.
pub(crate) fn check_auth(auth: &WebhookAuthInput) -> Result<WebhookAuth, &'static str> {
    match (&auth.token, &auth.username, &auth.password) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err("Only one of auth.token or auth.username and auth.password can be provided")
        }
        (Some(token), None, None) => {
            if js_trim(token.expose()).is_empty() {
                Err("Auth token must not be empty")
            } else {
                Ok(WebhookAuth::Token(token.clone()))
            }
        }
        (None, Some(username), Some(password)) => {
            if js_trim(username).is_empty() {
                Err("Auth username must not be empty")
            } else if js_trim(password.expose()).is_empty() {
                Err("Auth password must not be empty")
            } else {
                Ok(WebhookAuth::Basic {
                    username: username.clone(),
                    password: password.clone(),
                })
            }
        }
        (None, _, _) => Err("Auth must include either token or username and password"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ops::ErrorCode;
    use crate::workflows::fake::{block_on, bucket, FakeOps};

    fn with_url(url: &str) -> SetupCoordinationOptions {
        SetupCoordinationOptions {
            webhook_url: Some(url.into()),
            ..Default::default()
        }
    }

    fn auth(
        token: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
    ) -> SetupCoordinationOptions {
        SetupCoordinationOptions {
            auth: Some(WebhookAuthInput {
                token: token.map(Into::into),
                username: username.map(Into::into),
                password: password.map(Into::into),
            }),
            ..with_url("https://example.com/hook")
        }
    }

    #[test]
    fn setup_sends_url_filter_and_auth() {
        let ops = FakeOps::new();
        let options = SetupCoordinationOptions {
            filter: Some("WHERE `key` REGEXP \"^results/\"".into()),
            ..auth(Some("tok-SECRET"), None, None)
        };
        block_on(setup_coordination(&ops, &bucket("pipe"), &options)).unwrap();
        let sent = ops.state.borrow().notifications["pipe"].clone();
        assert_eq!(
            sent,
            NotificationConfig {
                url: "https://example.com/hook".into(),
                filter: "WHERE `key` REGEXP \"^results/\"".into(),
                auth: Some(WebhookAuth::Token("tok-SECRET".into())),
            }
        );
        block_on(setup_coordination(
            &ops,
            &bucket("pipe"),
            &auth(None, Some("u"), Some("p")),
        ))
        .unwrap();
        let sent = ops.state.borrow().notifications["pipe"].clone();
        assert_eq!(sent.filter, "");
        assert_eq!(
            sent.auth,
            Some(WebhookAuth::Basic {
                username: "u".into(),
                password: "p".into()
            })
        );
        block_on(setup_coordination(
            &ops,
            &bucket("pipe"),
            &with_url("http://127.0.0.1:8080/x"),
        ))
        .unwrap();
        assert_eq!(ops.state.borrow().notifications["pipe"].auth, None);
        assert_eq!(ops.calls().len(), 3);
    }

    #[test]
    fn invalid_options_fail_before_any_request_with_the_sdk_texts() {
        let ops = FakeOps::new();
        let cases = [
            (
                SetupCoordinationOptions::default(),
                "Notification URL is required",
            ),
            (with_url(""), "Notification URL is required"),
            (with_url("  \t"), "Notification URL is required"),
            (with_url("not a url"), "Notification URL is not a valid URL"),
            (
                with_url("/relative/path"),
                "Notification URL is not a valid URL",
            ),
            (with_url("http://"), "Notification URL is not a valid URL"),
            (
                with_url("https://exa mple.com/"),
                "Notification URL is not a valid URL",
            ),
            (
                with_url("http://host:99999/"),
                "Notification URL is not a valid URL",
            ),
            (
                with_url("ftp://127.0.0.1/x"),
                "Notification URL must use http or https",
            ),
            (
                with_url("mailto:a@b.c"),
                "Notification URL must use http or https",
            ),
            (
                auth(Some("t"), Some("u"), Some("p")),
                "Only one of auth.token or auth.username and auth.password can be provided",
            ),
            (
                auth(Some("t"), None, Some("p")),
                "Only one of auth.token or auth.username and auth.password can be provided",
            ),
            (
                auth(None, Some("u"), None),
                "Auth must include either token or username and password",
            ),
            (
                auth(None, None, Some("p")),
                "Auth must include either token or username and password",
            ),
            (
                auth(None, None, None),
                "Auth must include either token or username and password",
            ),
            (auth(Some(""), None, None), "Auth token must not be empty"),
            (auth(Some("  "), None, None), "Auth token must not be empty"),
            (
                auth(None, Some(" "), Some("p")),
                "Auth username must not be empty",
            ),
            (
                auth(None, Some("u"), Some("")),
                "Auth password must not be empty",
            ),
        ];
        for (options, text) in cases {
            let err = block_on(setup_coordination(&ops, &bucket("pipe"), &options)).unwrap_err();
            assert_eq!(
                err.message,
                format!("Failed to setup coordination on \"pipe\": {text}"),
                "{options:?}"
            );
            assert_eq!(err.code, ErrorCode::InvalidArgument);
        }
        assert!(ops.calls().is_empty());
        let err = setup_bucket("PIPE").unwrap_err();
        assert_eq!(
            err.message,
            "Failed to setup coordination on \"PIPE\": Invalid bucket name \"PIPE\": may contain only lowercase letters, digits, dots and hyphens"
        );
    }

    #[test]
    fn accepted_urls() {
        for url in [
            "https://example.com/webhook",
            "http://127.0.0.1:3000/x",
            "HTTP://Example.COM",
            "https://u:p@h/x?y#z",
            "http://[::1]:80/",
            "http:example.com",
            " https://a.b ",
        ] {
            assert_eq!(check_webhook_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn failures_carry_the_prefix_and_no_secret() {
        let ops = FakeOps::new();
        ops.fail("set_notifications", ErrorCode::NotFound, "Not Found");
        let err = block_on(setup_coordination(
            &ops,
            &bucket("pipe"),
            &auth(Some("tok-SECRET"), None, None),
        ))
        .unwrap_err();
        assert_eq!(
            err.message,
            "Failed to setup coordination on \"pipe\": Not Found"
        );
        assert!(!format!(
            "{err:?}{:?}",
            auth(Some("tok-SECRET"), None, Some("pw-SECRET"))
        )
        .contains("SECRET"));
        ops.fail(
            "clear_notifications",
            ErrorCode::AccessDenied,
            "Access Denied",
        );
        let err = block_on(teardown_coordination(&ops, &bucket("pipe"))).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to teardown coordination on \"pipe\": Access Denied"
        );
        let err = teardown_bucket("PIPE").unwrap_err();
        assert_eq!(
            err.message,
            "Failed to teardown coordination on \"PIPE\": Invalid bucket name \"PIPE\": may contain only lowercase letters, digits, dots and hyphens"
        );
        assert_eq!(ops.calls(), ["set_notifications pipe NotificationConfig { url: \"https://example.com/hook\", filter: \"\", auth: Some(Token(******)) }", "clear_notifications pipe"]);
    }

    #[test]
    fn teardown_is_one_clear() {
        let ops = FakeOps::new();
        block_on(teardown_coordination(&ops, &bucket("pipe"))).unwrap();
        assert_eq!(ops.calls(), ["clear_notifications pipe"]);
    }
}
