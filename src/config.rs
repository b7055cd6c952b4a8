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
    /// `requestTimeoutMs` (this package's addition): the deadline of each HTTP attempt, after
    /// which it is retried like a network error. `None`: 30 s.
    pub request_timeout_ms: Option<u32>,
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
            .field("request_timeout_ms", &self.request_timeout_ms)
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

use crate::ops::{OpError, OpErrorKind};

/// Default S3 endpoint (also the host of the JSON bucket API).
pub const DEFAULT_ENDPOINT: &str = "https://t3.storage.dev";
/// Default IAM endpoint.
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.storageapi.dev";
/// Default management endpoint (accepted, unused by these calls).
pub const DEFAULT_MGMT_ENDPOINT: &str = "https://mgmt.storageapi.dev";

/// Environment variable names, spec §2.2.
pub mod env_vars {
    /// `accessKeyId`.
    pub const ACCESS_KEY_ID: &str = "TIGRIS_STORAGE_ACCESS_KEY_ID";
    /// `secretAccessKey`.
    pub const SECRET_ACCESS_KEY: &str = "TIGRIS_STORAGE_SECRET_ACCESS_KEY";
    /// `endpoint`.
    pub const ENDPOINT: &str = "TIGRIS_STORAGE_ENDPOINT";
    /// `iamEndpoint`.
    pub const IAM_ENDPOINT: &str = "TIGRIS_IAM_ENDPOINT";
    /// `mgmtEndpoint`.
    pub const MGMT_ENDPOINT: &str = "TIGRIS_MGMT_ENDPOINT";
    /// `sessionToken`.
    pub const SESSION_TOKEN: &str = "TIGRIS_SESSION_TOKEN";
    /// `organizationId`.
    pub const ORGANIZATION_ID: &str = "TIGRIS_ORGANIZATION_ID";
}

/// Where a resolved value came from (the S3 transport treats option values and environment
/// values differently, spec §2.3 and §3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The explicit `config` object.
    Option,
    /// An environment variable.
    Environment,
    /// The built-in default.
    Default,
}

/// A resolved value and where it came from; an empty string counts as missing, like JS `!value`.
#[derive(Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The value (`None` when neither option, environment nor default gave one).
    pub value: Option<String>,
    /// Its origin.
    pub source: Source,
}

impl Resolved {
    fn pick(
        explicit: &Option<String>,
        env: &dyn Environment,
        var: &str,
        default: Option<&str>,
    ) -> Self {
        if let Some(v) = explicit {
            return Resolved {
                value: Some(v.clone()),
                source: Source::Option,
            };
        }
        if let Some(v) = env.var(var) {
            return Resolved {
                value: Some(v),
                source: Source::Environment,
            };
        }
        Resolved {
            value: default.map(str::to_owned),
            source: Source::Default,
        }
    }

    /// The value when it is a non-empty string (JS truthiness).
    pub fn present(&self) -> Option<&str> {
        self.value.as_deref().filter(|v| !v.is_empty())
    }

    /// The value when it is non-empty and came from the explicit options.
    pub fn from_options(&self) -> Option<&str> {
        if self.source == Source::Option {
            self.present()
        } else {
            None
        }
    }
}

/// The configuration after applying explicit > environment > defaults (spec §2.2), evaluated
/// once per client. `Debug` masks the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct ResolvedConfig {
    /// `accessKeyId`.
    pub access_key_id: Resolved,
    /// `secretAccessKey`.
    pub secret_access_key: Resolved,
    /// `sessionToken`.
    pub session_token: Resolved,
    /// `organizationId`.
    pub organization_id: Resolved,
    /// S3 endpoint.
    pub endpoint: Resolved,
    /// IAM endpoint.
    pub iam_endpoint: Resolved,
    /// Management endpoint.
    pub mgmt_endpoint: Resolved,
    /// Whether a `credentialProvider` was given.
    pub has_credential_provider: bool,
}

impl std::fmt::Debug for ResolvedConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let masked = |r: &Resolved| r.value.as_ref().map(|_| "******");
        f.debug_struct("ResolvedConfig")
            .field("access_key_id", &self.access_key_id.value)
            .field("secret_access_key", &masked(&self.secret_access_key))
            .field("session_token", &masked(&self.session_token))
            .field("organization_id", &self.organization_id.value)
            .field("endpoint", &self.endpoint.value)
            .field("iam_endpoint", &self.iam_endpoint.value)
            .field("mgmt_endpoint", &self.mgmt_endpoint.value)
            .field("has_credential_provider", &self.has_credential_provider)
            .finish()
    }
}

/// Resolves `input` against `env` and the defaults (spec §2.2): an explicit value (even `""`)
/// wins over the environment, which wins over the default.
pub fn resolve(input: &ConfigInput, env: &dyn Environment) -> ResolvedConfig {
    use env_vars::*;
    ResolvedConfig {
        access_key_id: Resolved::pick(&input.access_key_id, env, ACCESS_KEY_ID, None),
        secret_access_key: Resolved::pick(&input.secret_access_key, env, SECRET_ACCESS_KEY, None),
        session_token: Resolved::pick(&input.session_token, env, SESSION_TOKEN, None),
        organization_id: Resolved::pick(&input.organization_id, env, ORGANIZATION_ID, None),
        endpoint: Resolved::pick(&input.endpoint, env, ENDPOINT, Some(DEFAULT_ENDPOINT)),
        iam_endpoint: Resolved::pick(
            &input.iam_endpoint,
            env,
            IAM_ENDPOINT,
            Some(DEFAULT_IAM_ENDPOINT),
        ),
        mgmt_endpoint: Resolved::pick(
            &input.mgmt_endpoint,
            env,
            MGMT_ENDPOINT,
            Some(DEFAULT_MGMT_ENDPOINT),
        ),
        has_credential_provider: input.has_credential_provider,
    }
}

/// Static keys taken from the configuration.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticKeys {
    /// Access key id (may be empty in S3 session-token mode, as the SDK signs then).
    pub access_key_id: String,
    /// Secret (may be empty in S3 session-token mode).
    pub secret_access_key: String,
    /// Session token signed as `x-amz-security-token`.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"******")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "******"),
            )
            .finish()
    }
}

/// How one call authenticates, decided before any request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthPlan {
    /// SigV4 with configured keys; `namespace` adds a signed `X-Tigris-Namespace`.
    Sign {
        /// The keys.
        keys: StaticKeys,
        /// Organization id sent as `X-Tigris-Namespace`, if any.
        namespace: Option<String>,
    },
    /// SigV4 with the keys the `credentialProvider` returns at call time.
    Provider {
        /// Organization id sent as `X-Tigris-Namespace`, if any.
        namespace: Option<String>,
    },
    /// Tigris HTTP transport session-token mode: no signature, `x-amz-security-token` and
    /// `X-Tigris-Namespace` headers (spec §3.4).
    Token {
        /// The session token (never printed).
        token: Masked,
        /// The organization id.
        namespace: String,
    },
}

/// A string whose `Debug` prints `******`.
#[derive(Clone, PartialEq, Eq)]
pub struct Masked(pub String);

impl std::fmt::Debug for Masked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("******")
    }
}

fn config_error(message: String) -> OpError {
    OpError {
        kind: OpErrorKind::Config,
        message,
    }
}

fn incomplete(field: &str, var: &str) -> OpError {
    config_error(format!(
        "Tigris Config incomplete: {field} is missing. Set {var} in environment or pass it as an option."
    ))
}

impl ResolvedConfig {
    /// Authentication of an S3-transport call (createBucket, snapshots, removeBucket), with the
    /// SDK's validation texts (spec §2.3, §3.4). A `credentialProvider` is honoured with or
    /// without an organization id (deliberate improvement).
    pub fn s3_auth(&self) -> Result<AuthPlan, OpError> {
        let option_org = self.organization_id.from_options().map(str::to_owned);
        let option_token = self.session_token.from_options().map(str::to_owned);
        if self.has_credential_provider {
            self.s3_endpoint()?;
            return Ok(AuthPlan::Provider {
                namespace: option_org,
            });
        }
        let token_mode = option_token.is_some() && option_org.is_some();
        let key = self.access_key_id.present();
        let secret = self.secret_access_key.present();
        if !token_mode {
            if key.is_none() {
                return Err(incomplete("accessKeyId", env_vars::ACCESS_KEY_ID));
            }
            if secret.is_none() {
                return Err(incomplete("secretAccessKey", env_vars::SECRET_ACCESS_KEY));
            }
        }
        self.s3_endpoint()?;
        Ok(AuthPlan::Sign {
            keys: StaticKeys {
                access_key_id: key.unwrap_or_default().to_owned(),
                secret_access_key: secret.unwrap_or_default().to_owned(),
                session_token: option_token,
            },
            namespace: if token_mode { option_org } else { None },
        })
    }

    /// The S3 endpoint, or the SDK's "endpoint is missing" error.
    pub fn s3_endpoint(&self) -> Result<&str, OpError> {
        self.endpoint
            .present()
            .ok_or_else(|| incomplete("endpoint", env_vars::ENDPOINT))
    }

    /// Authentication of a Tigris HTTP-transport call (metadata GET, settings PATCH, IAM), with
    /// that transport's validation texts (spec §2.3, §3.2, §3.4).
    pub fn http_auth(&self) -> Result<AuthPlan, OpError> {
        if let Some(token) = self.session_token.present() {
            let Some(org) = self.organization_id.present() else {
                return Err(config_error("Organization ID is required".to_owned()));
            };
            return Ok(AuthPlan::Token {
                token: Masked(token.to_owned()),
                namespace: org.to_owned(),
            });
        }
        if let (Some(key), Some(secret)) = (
            self.access_key_id.present(),
            self.secret_access_key.present(),
        ) {
            return Ok(AuthPlan::Sign {
                keys: StaticKeys {
                    access_key_id: key.to_owned(),
                    secret_access_key: secret.to_owned(),
                    session_token: None,
                },
                namespace: None,
            });
        }
        if self.has_credential_provider {
            return Ok(AuthPlan::Provider {
                namespace: self.organization_id.present().map(str::to_owned),
            });
        }
        Err(config_error(
            "Session token or credentials are required".to_owned(),
        ))
    }
}
