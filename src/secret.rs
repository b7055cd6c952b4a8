//! Values that must never be printed: [`Secret`] (a secret key, a session token, a webhook
//! password or token) and [`KeyPair`] (the credentials one request signs with). Their `Debug`
//! shows `******`, so a secret cannot reach a log or an error through `{:?}`.

use std::fmt;

/// A secret string. `Debug` prints `******`; the value is read with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the request that carries it (never for a message).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (JS `!value`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("******")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

/// An access key id with its secret and an optional session token: the configured keys, the
/// ones a `credentialProvider` returns, and what a request is signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPair {
    /// Access key id (`tid_…`; may be empty: the S3 session-token mode signs with empty keys).
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Session token, added and signed as `x-amz-security-token`.
    pub session_token: Option<Secret>,
}

impl KeyPair {
    /// A key pair from its three parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        session_token: Option<Secret>,
    ) -> Self {
        KeyPair {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_every_secret() {
        let keys = KeyPair::new("tid_x", "tsec_hidden", Some(Secret::new("token_hidden")));
        let shown = format!("{keys:?}");
        assert!(shown.contains("tid_x"), "{shown}");
        assert!(!shown.contains("hidden"), "{shown}");
        assert_eq!(format!("{:?}", Secret::new("s")), "******");
        assert_eq!(keys.secret_access_key.expose(), "tsec_hidden");
    }
}
