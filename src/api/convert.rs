//! JS values in, option structs out (and results back). Total: any JS value — `undefined`,
//! `null`, numbers, Symbols, 1 MB strings, objects whose getters throw, Proxies that throw on
//! every trap — becomes either a value or a clear message such as
//! `options.ttl.days must be a positive integer`. Unknown keys are ignored, and so are inherited
//! ones: every field is read as an own property (a polluted `Object.prototype` changes nothing).

use crate::config::ConfigInput;
use crate::js::own;
use crate::ops::{Access, Role};
use crate::secret::Secret;
use crate::workflows::checkpoint::{Checkpoint, CheckpointPage};
use crate::workflows::coordination::WebhookAuthInput;
use crate::workflows::forks::{Fork, Forks, MAX_FORKS};
use crate::workflows::workspace::Workspace;
use crate::workflows::{Credentials, WorkflowError};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// A conversion failure: the message given to the caller as `error.message`.
pub(crate) type Invalid = String;

/// Every conversion failure is an argument refused before any request.
impl From<Invalid> for WorkflowError {
    fn from(message: Invalid) -> Self {
        WorkflowError::invalid(message)
    }
}

/// `undefined` or `null`: the field is absent (JS `??`).
fn is_nullish(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// `<path>.<key><rest>`: a field's path, or a message about it (`options.ttl must be an object`).
fn dotted(path: &str, key: &str, rest: &str) -> String {
    let mut out = String::from(path);
    out.push('.');
    out.push_str(key);
    out.push_str(rest);
    out
}

/// `<name> must be <rule>`.
fn must_be(name: &str, rule: &str) -> String {
    let mut out = String::from(name);
    out.push_str(" must be ");
    out.push_str(rule);
    out
}

/// Reads the own property `target[key]` (inherited ones are `undefined`; a throwing getter or
/// Proxy trap becomes an error naming `path.key`).
fn read(target: &JsValue, path: &str, key: &str) -> Result<JsValue, Invalid> {
    own(target, &JsValue::from_str(key)).map_err(|_| dotted(path, key, " could not be read"))
}

/// An object-valued argument or option: `None` when falsy (`undefined`, `null`, `false`, `0`, `""`
/// — what the original's `options ?? {}` / `if (ttl)` skip), the value when an object or a
/// function, an error otherwise.
pub(crate) fn object(value: &JsValue, path: &str) -> Result<Option<JsValue>, Invalid> {
    if value.is_falsy() {
        Ok(None)
    } else if value.is_object() || value.is_function() {
        Ok(Some(value.clone()))
    } else {
        Err(must_be(path, "an object"))
    }
}

/// An optional string field.
fn optional_string(target: &JsValue, path: &str, key: &str) -> Result<Option<String>, Invalid> {
    let value = read(target, path, key)?;
    if is_nullish(&value) {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| dotted(path, key, " must be a string"))
}

/// An optional number field meant as a positive integer (the range is checked by the workflow).
fn optional_count(target: &JsValue, path: &str, key: &str) -> Result<Option<f64>, Invalid> {
    let value = read(target, path, key)?;
    if is_nullish(&value) {
        return Ok(None);
    }
    value
        .as_f64()
        .map(Some)
        .ok_or_else(|| dotted(path, key, " must be a positive integer"))
}

/// A required string argument such as `bucket`.
pub(crate) fn string_arg(value: &JsValue, name: &str) -> Result<String, Invalid> {
    value.as_string().ok_or_else(|| must_be(name, "a string"))
}

/// A required number argument such as `count` (its range is checked by the workflow).
pub(crate) fn count_arg(value: &JsValue, name: &str) -> Result<f64, Invalid> {
    value
        .as_f64()
        .ok_or_else(|| must_be(name, "a positive integer"))
}

/// The `options` argument, read field by field.
pub(crate) struct Options {
    value: Option<JsValue>,
}

impl Options {
    /// `options` (`undefined`/`null`/falsy = `{}`).
    pub fn new(value: &JsValue) -> Result<Self, Invalid> {
        Ok(Options {
            value: object(value, "options")?,
        })
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, Invalid> {
        match &self.value {
            Some(v) => optional_string(v, "options", key),
            None => Ok(None),
        }
    }

    pub fn count(&self, key: &str) -> Result<Option<f64>, Invalid> {
        match &self.value {
            Some(v) => optional_count(v, "options", key),
            None => Ok(None),
        }
    }

    pub fn boolean(&self, key: &str) -> Result<bool, Invalid> {
        let Some(v) = &self.value else {
            return Ok(false);
        };
        let value = read(v, "options", key)?;
        if is_nullish(&value) {
            return Ok(false);
        }
        value
            .as_bool()
            .ok_or_else(|| dotted("options", key, " must be a boolean"))
    }

    /// `options.signal`: an `AbortSignal` (any object whose `aborted` reads as a boolean, so a
    /// signal from another realm or polyfill counts), `None` when absent.
    pub fn signal(&self) -> Result<Option<JsValue>, Invalid> {
        let Some(v) = &self.value else {
            return Ok(None);
        };
        let signal = read(v, "options", "signal")?;
        if is_nullish(&signal) {
            return Ok(None);
        }
        let aborted = signal
            .is_object()
            .then(|| Reflect::get(&signal, &JsValue::from_str("aborted")).ok())
            .flatten();
        match aborted.and_then(|a| a.as_bool()) {
            Some(_) => Ok(Some(signal)),
            None => Err("options.signal must be an AbortSignal".to_owned()),
        }
    }

    /// A nested object option (`ttl`, `credentials`, `auth`, `config`), `None` when falsy.
    pub fn object(&self, key: &str) -> Result<Option<JsValue>, Invalid> {
        let Some(v) = &self.value else {
            return Ok(None);
        };
        object(&read(v, "options", key)?, &dotted("options", key, ""))
    }

    /// `options.access`: `"public"` or `"private"`.
    pub fn access(&self) -> Result<Option<Access>, Invalid> {
        let Some(v) = &self.value else {
            return Ok(None);
        };
        let value = read(v, "options", "access")?;
        if is_nullish(&value) {
            return Ok(None);
        }
        match value.as_string().as_deref() {
            Some("public") => Ok(Some(Access::Public)),
            Some("private") => Ok(Some(Access::Private)),
            _ => Err(access_error()),
        }
    }

    /// `options.credentials.role`: `"Editor"` or `"ReadOnly"`.
    pub fn role(&self) -> Result<Option<Role>, Invalid> {
        let Some(credentials) = self.object("credentials")? else {
            return Ok(None);
        };
        let role_error =
            || "options.credentials.role must be \"Editor\" or \"ReadOnly\"".to_owned();
        match read(&credentials, "options.credentials", "role")?
            .as_string()
            .as_deref()
        {
            Some("Editor") => Ok(Some(Role::Editor)),
            Some("ReadOnly") => Ok(Some(Role::ReadOnly)),
            _ => Err(role_error()),
        }
    }

    /// `options.ttl.days` when `ttl` is given (missing `days` is an error).
    pub fn ttl_days(&self) -> Result<Option<f64>, Invalid> {
        let Some(ttl) = self.object("ttl")? else {
            return Ok(None);
        };
        match optional_count(&ttl, "options.ttl", "days")? {
            Some(days) => Ok(Some(days)),
            None => Err("options.ttl.days must be a positive integer".to_owned()),
        }
    }

    /// `options.config` as a [`ConfigInput`] plus its `credentialProvider` function.
    pub fn config(&self) -> Result<(ConfigInput, Option<Function>), Invalid> {
        let Some(config) = self.object("config")? else {
            return Ok((ConfigInput::default(), None));
        };
        let path = "options.config";
        let field = |key: &str| optional_string(&config, path, key);
        let provider = read(&config, path, "credentialProvider")?;
        let provider =
            if is_nullish(&provider) {
                None
            } else {
                Some(provider.dyn_into::<Function>().map_err(|_| {
                    "options.config.credentialProvider must be a function".to_owned()
                })?)
            };
        let input = ConfigInput {
            access_key_id: field("accessKeyId")?,
            secret_access_key: field("secretAccessKey")?.map(Secret::from),
            session_token: field("sessionToken")?.map(Secret::from),
            organization_id: field("organizationId")?,
            endpoint: field("endpoint")?,
            iam_endpoint: field("iamEndpoint")?,
            mgmt_endpoint: field("mgmtEndpoint")?,
            has_credential_provider: provider.is_some(),
            request_timeout_ms: timeout_ms(&config, path, "requestTimeoutMs")?,
            call_timeout_ms: timeout_ms(&config, path, "callTimeoutMs")?,
            deadline_ms: timeout_ms(&config, path, "deadlineMs")?,
        };
        Ok((input, provider))
    }
}

/// `requestTimeoutMs`, `callTimeoutMs`, `deadlineMs` (the rule: [`crate::config::timeout_ms`]).
fn timeout_ms(config: &JsValue, path: &str, key: &str) -> Result<Option<u32>, Invalid> {
    optional_count(config, path, key)?
        .map(|ms| crate::config::timeout_ms(key, ms))
        .transpose()
        .map_err(|e| e.0)
}

fn access_error() -> Invalid {
    "options.access must be \"public\" or \"private\"".to_owned()
}

/// `{ token?, username?, password? }` of `options.auth`, each a string when present (the
/// rules on them are the workflow's).
pub(crate) fn webhook_auth(auth: &JsValue) -> Result<WebhookAuthInput, Invalid> {
    let path = "options.auth";
    Ok(WebhookAuthInput {
        token: optional_string(auth, path, "token")?.map(Secret::from),
        username: optional_string(auth, path, "username")?,
        password: optional_string(auth, path, "password")?.map(Secret::from),
    })
}

/// `credentials` of a workspace or fork given back to a teardown: only `accessKeyId` is needed.
fn teardown_credentials(owner: &JsValue, path: &str) -> Result<Option<Credentials>, Invalid> {
    let value = read(owner, path, "credentials")?;
    let path = dotted(path, "credentials", "");
    let Some(credentials) = object(&value, &path)? else {
        return Ok(None);
    };
    let access_key_id = read(&credentials, &path, "accessKeyId")?
        .as_string()
        .ok_or_else(|| dotted(&path, "accessKeyId", " must be a string"))?;
    Ok(Some(Credentials {
        access_key_id,
        secret_access_key: Secret::default(),
    }))
}

/// The `workspace` argument of `teardownWorkspace`.
pub(crate) fn workspace_arg(value: &JsValue) -> Result<Workspace, Invalid> {
    let path = "workspace";
    let workspace = object(value, path)?.ok_or_else(|| must_be(path, "an object"))?;
    let bucket = read(&workspace, path, "bucket")?
        .as_string()
        .ok_or_else(|| dotted(path, "bucket", " must be a string"))?;
    Ok(Workspace {
        bucket,
        credentials: teardown_credentials(&workspace, path)?,
    })
}

/// The `forkSet` argument of `teardownForks`.
pub(crate) fn fork_set_arg(value: &JsValue) -> Result<Forks, Invalid> {
    let path = "forkSet";
    let set = object(value, path)?.ok_or_else(|| must_be(path, "an object"))?;
    let lenient = |key: &str| {
        read(&set, path, key)
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let list = read(&set, path, "forks")?;
    if !Array::is_array(&list) {
        return Err(format!("{path}.forks must be an array"));
    }
    let length = read(&list, "forkSet.forks", "length")?
        .as_f64()
        .unwrap_or(0.0);
    if !(0.0..=f64::from(MAX_FORKS)).contains(&length) {
        return Err(format!(
            "{path}.forks must have at most {MAX_FORKS} entries"
        ));
    }
    let mut forks = Vec::with_capacity(length as usize);
    for i in 0..length as u32 {
        let path = format!("{path}.forks[{i}]");
        let entry =
            own(&list, &JsValue::from(i)).map_err(|_| format!("{path} could not be read"))?;
        let fork = object(&entry, &path)?.ok_or_else(|| must_be(&path, "an object"))?;
        let bucket = read(&fork, &path, "bucket")?
            .as_string()
            .ok_or_else(|| dotted(&path, "bucket", " must be a string"))?;
        forks.push(Fork {
            bucket,
            credentials: teardown_credentials(&fork, &path)?,
        });
    }
    Ok(Forks {
        base_bucket: lenient("baseBucket"),
        snapshot_id: lenient("snapshotId"),
        forks,
    })
}

/// A plain object built from `(key, value)` pairs (every key an own property, even when the
/// value is `undefined`).
pub(crate) fn plain(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

fn credentials_js(credentials: &Credentials) -> JsValue {
    plain(&[
        ("accessKeyId", JsValue::from_str(&credentials.access_key_id)),
        (
            "secretAccessKey",
            JsValue::from_str(credentials.secret_access_key.expose()),
        ),
    ])
}

/// `{ bucket, credentials? }` — the `credentials` key is absent when there are none.
pub(crate) fn bucket_with_credentials(bucket: &str, credentials: Option<&Credentials>) -> JsValue {
    match credentials {
        Some(c) => plain(&[
            ("bucket", JsValue::from_str(bucket)),
            ("credentials", credentials_js(c)),
        ]),
        None => plain(&[("bucket", JsValue::from_str(bucket))]),
    }
}

/// `{ baseBucket, snapshotId, forks }`.
pub(crate) fn forks_js(set: &Forks) -> JsValue {
    let forks = Array::new();
    for fork in &set.forks {
        forks.push(&bucket_with_credentials(
            &fork.bucket,
            fork.credentials.as_ref(),
        ));
    }
    plain(&[
        ("baseBucket", JsValue::from_str(&set.base_bucket)),
        ("snapshotId", JsValue::from_str(&set.snapshot_id)),
        ("forks", forks.into()),
    ])
}

fn optional_str(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// `{ snapshotId, name, createdAt }` with `createdAt` a `Date` (keys present even when
/// `undefined`, as the original's object literal has them).
pub(crate) fn checkpoint_js(checkpoint: &Checkpoint) -> JsValue {
    let created_at = checkpoint.created_at_ms.map_or(JsValue::UNDEFINED, |ms| {
        js_sys::Date::new(&JsValue::from_f64(ms)).into()
    });
    plain(&[
        ("snapshotId", JsValue::from_str(&checkpoint.snapshot_id)),
        ("name", optional_str(checkpoint.name.as_deref())),
        ("createdAt", created_at),
    ])
}

/// `{ checkpoints, paginationToken }`.
pub(crate) fn checkpoint_page_js(page: &CheckpointPage) -> JsValue {
    let checkpoints = Array::new();
    for checkpoint in &page.checkpoints {
        checkpoints.push(&checkpoint_js(checkpoint));
    }
    plain(&[
        ("checkpoints", checkpoints.into()),
        (
            "paginationToken",
            optional_str(page.pagination_token.as_deref()),
        ),
    ])
}
