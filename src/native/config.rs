//! [`Config`]: the JS `TigrisAgentKitConfig`, field by field, and the [`CredentialProvider`]
//! closure. Resolution against the environment and the defaults is [`crate::config`]'s.

use crate::config::ConfigInput;
use crate::runtime::BoxFuture;
use crate::secret::{KeyPair, Secret};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// An async closure returning the keys to sign with, called before every call that signs
/// (`credentialProvider` in JS). `Err` carries a message without secrets; it becomes
/// `credentialProvider failed: <message>` with code `AccessDenied`.
#[derive(Clone)]
pub struct CredentialProvider(
    Arc<dyn Fn() -> BoxFuture<'static, Result<KeyPair, String>> + Send + Sync>,
);

impl CredentialProvider {
    /// Wraps `provider`, e.g. `CredentialProvider::new(|| async { Ok(KeyPair::new("tid_…",
    /// "tsec_…", None)) })`.
    pub fn new<F, Fut>(provider: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<KeyPair, String>> + Send + 'static,
    {
        CredentialProvider(Arc::new(move || Box::pin(provider())))
    }

    /// Calls the provider once.
    pub(crate) fn call(&self) -> BoxFuture<'static, Result<KeyPair, String>> {
        (self.0)()
    }
}

impl fmt::Debug for CredentialProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialProvider")
    }
}

/// The JS `TigrisAgentKitConfig`, snake_case. `None` = not given: the field falls back to the
/// environment (with [`AgentKit::from_env`](crate::AgentKit::from_env)) and then to the default;
/// `Some("")` is given, and wins, as in JS. `Debug` shows `******` for the secret and the token.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// `accessKeyId`.
    pub access_key_id: Option<String>,
    /// `secretAccessKey`.
    pub secret_access_key: Option<Secret>,
    /// `sessionToken`.
    pub session_token: Option<Secret>,
    /// `organizationId`.
    pub organization_id: Option<String>,
    /// `endpoint` (S3 and the JSON bucket API; default `https://t3.storage.dev`).
    pub endpoint: Option<String>,
    /// `iamEndpoint` (default `https://iam.storageapi.dev`).
    pub iam_endpoint: Option<String>,
    /// `mgmtEndpoint` (accepted, unused by these calls).
    pub mgmt_endpoint: Option<String>,
    /// `credentialProvider`: keys fetched at call time instead of configured ones.
    pub credential_provider: Option<CredentialProvider>,
    /// `requestTimeoutMs`: the deadline of each HTTP attempt (1 to 2³¹ − 1; default 30 000),
    /// after which it is retried like a network error.
    pub request_timeout_ms: Option<u32>,
    /// `callTimeoutMs`: the time one operation may take, its credentials, attempts and waits
    /// included (1 to 2³¹ − 1; default 60 000); it then fails with code `Timeout`.
    pub call_timeout_ms: Option<u32>,
    /// `deadlineMs`: the time one whole method call may take (1 to 2³¹ − 1; no default).
    pub deadline_ms: Option<u32>,
}

impl Config {
    /// The core's view of this config.
    pub(crate) fn input(&self) -> ConfigInput {
        ConfigInput {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
            organization_id: self.organization_id.clone(),
            endpoint: self.endpoint.clone(),
            iam_endpoint: self.iam_endpoint.clone(),
            mgmt_endpoint: self.mgmt_endpoint.clone(),
            has_credential_provider: self.credential_provider.is_some(),
            request_timeout_ms: self.request_timeout_ms,
            call_timeout_ms: self.call_timeout_ms,
            deadline_ms: self.deadline_ms,
        }
    }
}
