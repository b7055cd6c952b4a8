//! Configuration: what the caller passed explicitly, what the environment holds, and the
//! defaults, resolved exactly as the original does (docs/protocol.md §2). Its one error type is
//! [`ConfigError`]: a message the client reports with `error.code` `InvalidArgument`.

use crate::secret::{KeyPair, Secret};

/// The explicit `config` object as the caller gave it. `None` = the field was absent or
/// `undefined` (an explicit empty string is `Some("")` and wins, like JS `??`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigInput {
    /// `accessKeyId`.
    pub access_key_id: Option<String>,
    /// `secretAccessKey`.
    pub secret_access_key: Option<Secret>,
    /// `sessionToken`.
    pub session_token: Option<Secret>,
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
    /// `callTimeoutMs` (this package's addition): the time one operation may take, its
    /// credentials, attempts and waits included. `None`: 60 s.
    pub call_timeout_ms: Option<u32>,
    /// `deadlineMs` (this package's addition): the time the whole exported call may take.
    /// `None`: no such limit.
    pub deadline_ms: Option<u32>,
}

/// Read access to environment variables (`process.env` then `.env` in Node, `Deno.env` when
/// permitted, nothing in Workers and browsers).
pub trait Environment {
    /// The value of `name`, or `None` when unset or unreadable.
    fn var(&self, name: &str) -> Option<String>;

    /// The value of `name`, or why there is none; an environment that can tell "not readable
    /// here" from "unset" overrides this, so that a missing-value message can say so.
    fn lookup(&self, name: &str) -> Lookup {
        self.var(name).map_or(Lookup::Unset, Lookup::Set)
    }
}

/// One environment variable as the runtime gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Set to this value.
    Set(String),
    /// Readable and not set.
    Unset,
    /// Not readable in this runtime.
    Unreadable(Unreadable),
}

/// Why a runtime cannot read an environment variable; the hint appended to a "missing" message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Workers and browsers have no environment.
    NoEnvironment,
    /// Deno without the env permission for that variable.
    NotPermitted,
}

impl Unreadable {
    /// ` (<hint>)` for the variable `var` of the config field `field`.
    fn hint(self, field: &str, var: &str) -> String {
        match self {
            Unreadable::NoEnvironment => {
                format!(" (this runtime has no environment: pass config.{field})")
            }
            Unreadable::NotPermitted => {
                format!(" (Deno: the env permission for {var} is not granted)")
            }
        }
    }
}

/// No environment at all (Workers, browsers, tests).
pub struct NoEnvironment;

impl Environment for NoEnvironment {
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
}

/// Default S3 endpoint (also the host of the JSON bucket API).
pub const DEFAULT_ENDPOINT: &str = "https://t3.storage.dev";
/// Default IAM endpoint.
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.storageapi.dev";
/// Default management endpoint (accepted, unused by these calls).
pub const DEFAULT_MGMT_ENDPOINT: &str = "https://mgmt.storageapi.dev";

/// Environment variable names, docs/protocol.md §2.2.
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
/// values differently, docs/protocol.md §2.3 and §3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The explicit `config` object.
    Option,
    /// An environment variable.
    Environment,
    /// The built-in default.
    Default,
}

/// A configuration value: text ([`String`]) or a [`Secret`].
pub trait ConfigValue: Clone + From<String> {
    /// The text (for a secret: to sign or send with, never to print).
    fn text(&self) -> &str;
}

impl ConfigValue for String {
    fn text(&self) -> &str {
        self
    }
}

impl ConfigValue for Secret {
    fn text(&self) -> &str {
        self.expose()
    }
}

/// A resolved value and where it came from; an empty string counts as missing, like JS `!value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved<T = String> {
    /// The value (`None` when neither option, environment nor default gave one).
    pub value: Option<T>,
    /// Its origin.
    pub source: Source,
    /// Why the environment could not be read, when that is why there is no value.
    pub unreadable: Option<Unreadable>,
}

impl<T: ConfigValue> Resolved<T> {
    fn pick(explicit: &Option<T>, env: &dyn Environment, var: &str, default: Option<&str>) -> Self {
        if let Some(v) = explicit {
            return Resolved {
                value: Some(v.clone()),
                source: Source::Option,
                unreadable: None,
            };
        }
        let unreadable = match env.lookup(var) {
            Lookup::Set(v) => {
                return Resolved {
                    value: Some(T::from(v)),
                    source: Source::Environment,
                    unreadable: None,
                }
            }
            Lookup::Unset => None,
            Lookup::Unreadable(why) => Some(why),
        };
        Resolved {
            value: default.map(|d| T::from(d.to_owned())),
            source: Source::Default,
            unreadable,
        }
    }

    /// The SDK's "missing" error for this value, with the runtime's hint when the environment
    /// could not be read.
    fn incomplete(&self, field: &str, var: &str) -> ConfigError {
        let hint = self
            .unreadable
            .map(|why| why.hint(field, var))
            .unwrap_or_default();
        ConfigError(format!(
            "Tigris Config incomplete: {field} is missing. Set {var} in environment or pass it as an option.{hint}"
        ))
    }

    /// The value when it is a non-empty string (JS truthiness).
    pub fn present(&self) -> Option<&str> {
        self.value.as_ref().map(T::text).filter(|v| !v.is_empty())
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

/// The configuration after applying explicit > environment > defaults (docs/protocol.md §2.2), evaluated
/// once per client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedConfig {
    /// `accessKeyId`.
    pub access_key_id: Resolved,
    /// `secretAccessKey`.
    pub secret_access_key: Resolved<Secret>,
    /// `sessionToken`.
    pub session_token: Resolved<Secret>,
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

/// Resolves `input` against `env` and the defaults (docs/protocol.md §2.2): an explicit value (even `""`)
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

/// How one call authenticates, decided before any request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthPlan {
    /// SigV4 with configured keys; `namespace` adds a signed `X-Tigris-Namespace`.
    Sign {
        /// The keys (the S3 session-token mode signs with empty ones, as the SDK does).
        keys: KeyPair,
        /// Organization id sent as `X-Tigris-Namespace`, if any.
        namespace: Option<String>,
    },
    /// SigV4 with the keys the `credentialProvider` returns at call time.
    Provider {
        /// Organization id sent as `X-Tigris-Namespace`, if any.
        namespace: Option<String>,
    },
    /// Tigris HTTP transport session-token mode: no signature, `x-amz-security-token` and
    /// `X-Tigris-Namespace` headers (docs/protocol.md §3.4).
    Token {
        /// The session token.
        token: Secret,
        /// The organization id.
        namespace: String,
    },
}

/// Why a call cannot be made with this configuration (a missing field, a missing organization
/// id): the SDK's message. Nothing has been sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

/// A `requestTimeoutMs`, `callTimeoutMs` or `deadlineMs` (named `key`), validated: a whole
/// number of milliseconds from 1 to 2³¹ − 1 (what `setTimeout` accepts).
pub fn timeout_ms(key: &str, ms: f64) -> Result<u32, ConfigError> {
    if ms.fract() == 0.0 && (1.0..=f64::from(i32::MAX)).contains(&ms) {
        Ok(ms as u32)
    } else {
        Err(ConfigError(format!(
            "options.config.{key} must be a positive integer"
        )))
    }
}

impl ResolvedConfig {
    /// Authentication of an S3-transport call (createBucket, snapshots, removeBucket), with the
    /// SDK's validation texts (docs/protocol.md §2.3, §3.4). A `credentialProvider` is honoured with or
    /// without an organization id (deliberate improvement).
    pub fn s3_auth(&self) -> Result<AuthPlan, ConfigError> {
        let option_org = self.organization_id.from_options().map(str::to_owned);
        let option_token = self.session_token.from_options().map(Secret::from);
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
                return Err(self
                    .access_key_id
                    .incomplete("accessKeyId", env_vars::ACCESS_KEY_ID));
            }
            if secret.is_none() {
                return Err(self
                    .secret_access_key
                    .incomplete("secretAccessKey", env_vars::SECRET_ACCESS_KEY));
            }
        }
        self.s3_endpoint()?;
        Ok(AuthPlan::Sign {
            keys: KeyPair::new(
                key.unwrap_or_default(),
                secret.unwrap_or_default(),
                option_token,
            ),
            namespace: if token_mode { option_org } else { None },
        })
    }

    /// The S3 endpoint, or the SDK's "endpoint is missing" error.
    pub fn s3_endpoint(&self) -> Result<&str, ConfigError> {
        self.endpoint
            .present()
            .ok_or_else(|| self.endpoint.incomplete("endpoint", env_vars::ENDPOINT))
    }

    /// Authentication of a Tigris HTTP-transport call (metadata GET, settings PATCH, IAM), with
    /// that transport's validation texts (docs/protocol.md §2.3, §3.2, §3.4).
    pub fn http_auth(&self) -> Result<AuthPlan, ConfigError> {
        if let Some(token) = self.session_token.present() {
            let Some(org) = self.organization_id.present() else {
                return Err(ConfigError("Organization ID is required".to_owned()));
            };
            return Ok(AuthPlan::Token {
                token: Secret::from(token),
                namespace: org.to_owned(),
            });
        }
        if let (Some(key), Some(secret)) = (
            self.access_key_id.present(),
            self.secret_access_key.present(),
        ) {
            return Ok(AuthPlan::Sign {
                keys: KeyPair::new(key, secret, None),
                namespace: None,
            });
        }
        if self.has_credential_provider {
            return Ok(AuthPlan::Provider {
                namespace: self.organization_id.present().map(str::to_owned),
            });
        }
        Err(ConfigError(
            "Session token or credentials are required".to_owned(),
        ))
    }
}
