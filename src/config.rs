//! Configuration: what the caller passed explicitly, what the environment holds, and the
//! defaults, resolved exactly as the original does (spec `tigris-wire.md` §2).

/// The explicit `config` object as the caller gave it. `None` = the field was absent or
/// `undefined` (an explicit empty string is `Some("")` and wins, like JS `??`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConfigInput {
    /// `accessKeyId`.
    pub access_key_id: Option<String>,
    /// `secretAccessKey`; never printed.
    pub secret_access_key: Option<String>,
    /// `sessionToken`; never printed.
    pub session_token: Option<String>,
    /// `organizationId`.
    pub organization_id: Option<String>,
    /// `endpoint` (S3 and the JSON bucket API).
    pub endpoint: Option<String>,
    /// `iamEndpoint`.
    pub iam_endpoint: Option<String>,
    /// `mgmtEndpoint` (accepted, unused by these calls).
    pub mgmt_endpoint: Option<String>,
    /// Whether a `credentialProvider` function was given (the runtime calls it).
    pub has_credential_provider: bool,
}

impl std::fmt::Debug for ConfigInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let masked = |v: &Option<String>| v.as_ref().map(|_| "******");
        f.debug_struct("ConfigInput")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &masked(&self.secret_access_key))
            .field("session_token", &masked(&self.session_token))
            .field("organization_id", &self.organization_id)
            .field("endpoint", &self.endpoint)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("mgmt_endpoint", &self.mgmt_endpoint)
            .field("has_credential_provider", &self.has_credential_provider)
            .finish()
    }
}

/// Read access to environment variables (`process.env` then `.env` in Node, `Deno.env` when
/// permitted, nothing in Workers and browsers).
pub trait Environment {
    /// The value of `name`, or `None` when unset or unreadable.
    fn var(&self, name: &str) -> Option<String>;
}

/// No environment at all (Workers, browsers, tests).
pub struct NoEnvironment;

impl Environment for NoEnvironment {
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
}
