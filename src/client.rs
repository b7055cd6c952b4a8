//! [`TigrisClient`]: the wire implementation of [`TigrisOps`] over a [`Runtime`]. Each operation
//! validates the configuration (no request when incomplete), builds the exact request of the
//! official SDK call, signs it per attempt, retries transient failures and maps the answer to
//! the SDK's message and an [`OpErrorKind`]. Messages never contain the configured secret,
//! session token, provider secret or webhook credentials.

use std::future::Future;
use std::pin::Pin;

use crate::config::{resolve, AuthPlan, ConfigInput, Environment, ResolvedConfig};
use crate::ops::{
    AccessKey, CreateBucketOptions, NotificationConfig, OpError, OpErrorKind, Role, SnapshotPage,
    TigrisOps, WebhookAuth,
};
use crate::parse::json::Value;
use crate::parse::responses;
use crate::requests::{iam, s3, settings, uuid_v4, BuildError, Endpoint};
use crate::retry::{send_with_retry, Attempted, Recover, RetryPolicy};
use crate::runtime::{HttpRequest, HttpResponse, Runtime, TransportError};
use crate::signing::{sign_request, SigningKeys};

mod lost_snapshot;

/// Prefix the S3 SDK wrappers put before the SDK message (spec §6.1).
const CREATE_BUCKET: &str = "Unable to create bucket ";
const CREATE_SNAPSHOT: &str = "Unable to create bucket snapshot ";
const LIST_SNAPSHOTS: &str = "Unable to list bucket snapshots ";
const REMOVE_BUCKET: &str = "Unable to remove bucket ";

/// The Tigris client: resolved configuration, the runtime and the retry policy.
pub struct TigrisClient<R: Runtime> {
    config: ResolvedConfig,
    runtime: R,
    policy: RetryPolicy,
}

impl<R: Runtime> std::fmt::Debug for TigrisClient<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TigrisClient")
            .field("config", &self.config)
            .field("policy", &self.policy)
            .finish()
    }
}

/// How one call signs: keys plus the extra headers (namespace, token mode).
struct CallAuth {
    keys: Option<SigningKeys>,
    extra_headers: Vec<(String, String)>,
}

/// Per-call context: the message prefix and the secrets to keep out of messages.
struct Call {
    prefix: &'static str,
    secrets: Vec<String>,
}

impl Call {
    fn new(prefix: &'static str, config: &ResolvedConfig) -> Self {
        let mut secrets = Vec::new();
        for r in [&config.secret_access_key, &config.session_token] {
            if let Some(v) = r.present() {
                secrets.push(v.to_owned());
            }
        }
        Call { prefix, secrets }
    }

    fn scrub(&self, message: &str) -> String {
        let mut m = message.to_owned();
        for s in &self.secrets {
            if s.len() >= 4 {
                m = m.replace(s.as_str(), "******");
            }
        }
        m
    }

    fn error(&self, kind: OpErrorKind, message: &str) -> OpError {
        OpError {
            kind,
            message: format!("{}{}", self.prefix, self.scrub(message)),
        }
    }

    fn unprefixed(&self, kind: OpErrorKind, message: &str) -> OpError {
        OpError {
            kind,
            message: self.scrub(message),
        }
    }

    fn build_error(&self, e: BuildError) -> OpError {
        if e.0.starts_with("Invalid character") || e.0 == "Invalid URL" {
            self.error(OpErrorKind::Other, &e.0)
        } else {
            self.unprefixed(OpErrorKind::Other, &e.0)
        }
    }
}

/// Classifies a refusal by status, error code and message.
pub fn classify(status: u16, code: Option<&str>, message: &str) -> OpErrorKind {
    let code = code.unwrap_or("");
    if message.starts_with("Snapshots are not enabled") || code.contains("SnapshotsNotEnabled") {
        return OpErrorKind::SnapshotsNotEnabled;
    }
    match code {
        "NoSuchBucket" | "NoSuchKey" | "NoSuchEntity" | "NotFound" => return OpErrorKind::NotFound,
        "BucketAlreadyExists" | "BucketAlreadyOwnedByYou" | "EntityAlreadyExists" => {
            return OpErrorKind::AlreadyExists
        }
        "AccessDenied"
        | "SignatureDoesNotMatch"
        | "InvalidAccessKeyId"
        | "InvalidClientTokenId" => return OpErrorKind::Denied,
        _ => {}
    }
    match status {
        404 => OpErrorKind::NotFound,
        401 | 403 => OpErrorKind::Denied,
        429 | 500..=599 => OpErrorKind::Transient,
        _ => OpErrorKind::Other,
    }
}

fn transport_message(e: &TransportError) -> String {
    match e {
        TransportError::Network(m) if !m.is_empty() => m.clone(),
        TransportError::Network(_) => "Network error".to_owned(),
        TransportError::Timeout => "Request timed out".to_owned(),
    }
}

fn header<'a>(response: &'a HttpResponse, name: &str) -> Option<&'a str> {
    response
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

impl<R: Runtime> TigrisClient<R> {
    /// A client for `config` (resolved against `env` and the defaults). Never fails: an
    /// incomplete configuration is reported by each operation, before any request.
    pub fn new(config: ConfigInput, env: &dyn Environment, runtime: R) -> Self {
        let defaults = RetryPolicy::default();
        TigrisClient {
            config: resolve(&config, env),
            runtime,
            policy: RetryPolicy {
                deadline_ms: config.request_timeout_ms.unwrap_or(defaults.deadline_ms),
                ..defaults
            },
        }
    }

    /// The same client with another retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The runtime this client sends through.
    pub fn runtime(&self) -> &R {
        &self.runtime
    }

    /// The resolved configuration.
    pub fn config(&self) -> &ResolvedConfig {
        &self.config
    }

    fn random_uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        self.runtime.fill_random(&mut bytes);
        uuid_v4(bytes)
    }

    /// Turns an auth plan into keys + headers, calling the credential provider when needed.
    async fn call_auth(&self, plan: AuthPlan, call: &mut Call) -> Result<CallAuth, OpError> {
        let namespace_header = |ns: Option<String>| {
            ns.map(|n| vec![("X-Tigris-Namespace".to_owned(), n)])
                .unwrap_or_default()
        };
        match plan {
            AuthPlan::Sign { keys, namespace } => Ok(CallAuth {
                keys: Some(SigningKeys {
                    access_key_id: keys.access_key_id,
                    secret_access_key: keys.secret_access_key,
                    session_token: keys.session_token,
                }),
                extra_headers: namespace_header(namespace),
            }),
            AuthPlan::Token { token, namespace } => {
                call.secrets.push(token.0.clone());
                Ok(CallAuth {
                    keys: None,
                    extra_headers: vec![
                        ("x-amz-security-token".to_owned(), token.0),
                        ("X-Tigris-Namespace".to_owned(), namespace),
                    ],
                })
            }
            AuthPlan::Provider { namespace } => match self.runtime.provide_credentials().await {
                Some(Ok(c)) => {
                    call.secrets.push(c.secret_access_key.clone());
                    if let Some(t) = &c.session_token {
                        call.secrets.push(t.clone());
                    }
                    Ok(CallAuth {
                        keys: Some(SigningKeys {
                            access_key_id: c.access_key_id,
                            secret_access_key: c.secret_access_key,
                            session_token: c.session_token.filter(|t| !t.is_empty()),
                        }),
                        extra_headers: namespace_header(namespace),
                    })
                }
                Some(Err(message)) => Err(call.error(OpErrorKind::Config, &message)),
                None => Err(call.unprefixed(
                    OpErrorKind::Config,
                    "Session token or credentials are required",
                )),
            },
        }
    }

    /// Sends `request` (plus the auth headers), re-signing per attempt, with retries (and
    /// `recover` asked after a missing response, see [`Recover`]).
    async fn send(
        &self,
        request: HttpRequest,
        auth: &CallAuth,
        call: &Call,
        recover: Option<Recover<'_>>,
    ) -> Result<Attempted, OpError> {
        let mut base = request;
        base.headers.extend(auth.extra_headers.iter().cloned());
        // The first attempt is signed here, so a request aws-sigv4 refuses fails before any
        // send; later attempts are re-signed at their own time.
        let mut first = base.clone();
        if let Some(keys) = &auth.keys {
            sign_request(&mut first, keys, self.runtime.now_ms())
                .map_err(|e| call.error(OpErrorKind::Other, &e.0))?;
        }
        let mut first = Some(first);
        let runtime = &self.runtime;
        Ok(send_with_retry(runtime, &self.policy, recover, || {
            if let Some(r) = first.take() {
                return r;
            }
            let mut r = base.clone();
            if let Some(keys) = &auth.keys {
                if sign_request(&mut r, keys, runtime.now_ms()).is_err() {
                    return base.clone();
                }
            }
            r
        })
        .await)
    }

    /// Credentials, signing, sending and retries of one call. Boxed so that its state machine
    /// exists once in the wasm instead of being inlined into every operation and export.
    fn exchange<'a, 'r: 'a>(
        &'a self,
        plan: AuthPlan,
        request: HttpRequest,
        call: &'a mut Call,
        recover: Option<Recover<'r>>,
    ) -> Pin<Box<dyn Future<Output = Result<Attempted, OpError>> + 'a>> {
        Box::pin(async move {
            let auth = self.call_auth(plan, call).await?;
            self.send(request, &auth, call, recover).await
        })
    }

    fn s3_endpoint(&self, call: &Call) -> Result<Endpoint, OpError> {
        let url = self.config.s3_endpoint()?;
        Endpoint::parse(url).map_err(|e| call.error(OpErrorKind::Config, &e.0))
    }

    /// Runs one S3-transport call up to the final answer (a transport failure is an error).
    async fn s3_call(
        &self,
        prefix: &'static str,
        build: &dyn Fn(&Endpoint) -> Result<HttpRequest, BuildError>,
        recover: Option<Recover<'_>>,
    ) -> Result<(HttpResponse, bool, Call), OpError> {
        let mut call = Call::new(prefix, &self.config);
        let plan = self.config.s3_auth()?;
        let endpoint = self.s3_endpoint(&call)?;
        let request = build(&endpoint).map_err(|e| call.build_error(e))?;
        let attempted = self.exchange(plan, request, &mut call, recover).await?;
        match attempted.result {
            Ok(response) => Ok((response, attempted.after_transient_failure, call)),
            Err(e) => Err(call.error(OpErrorKind::Transient, &transport_message(&e))),
        }
    }

    fn s3_failure(call: &Call, response: &HttpResponse) -> OpError {
        let body = String::from_utf8_lossy(&response.body);
        let (code, message) = responses::s3_error(&body);
        call.error(
            classify(response.status, code.as_deref(), &message),
            &message,
        )
    }

    /// Runs one Tigris HTTP-transport call (no prefix on messages).
    async fn http_call(
        &self,
        call: &mut Call,
        iam_host: bool,
        build: &dyn Fn(&Endpoint) -> HttpRequest,
    ) -> Result<(HttpResponse, bool), OpError> {
        let plan = self.config.http_auth()?;
        let url = if iam_host {
            self.config.iam_endpoint.present()
        } else {
            self.config.endpoint.present()
        };
        let endpoint = Endpoint::parse(url.unwrap_or(""))
            .map_err(|e| call.unprefixed(OpErrorKind::Config, &e.0))?;
        let request = build(&endpoint);
        let attempted = self.exchange(plan, request, call, None).await?;
        match attempted.result {
            Ok(response) => Ok((response, attempted.after_transient_failure)),
            Err(e) => Err(call.unprefixed(OpErrorKind::Transient, &transport_message(&e))),
        }
    }

    fn http_failure(call: &Call, response: &HttpResponse) -> OpError {
        let body = String::from_utf8_lossy(&response.body);
        let (code, message) = responses::json_error(&response.status_text, &body);
        call.unprefixed(
            classify(response.status, code.as_deref(), &message),
            &message,
        )
    }

    /// After an attempt to snapshot `bucket` as `name` got no response: the answer it would have
    /// had, when the listing shows the snapshot it made (see [`lost_snapshot`]). A failed
    /// listing counts as "none": the request is sent again.
    async fn lost_snapshot(
        &self,
        bucket: &str,
        name: &str,
        first_sent_ms: f64,
    ) -> Option<HttpResponse> {
        let page = self
            .list_snapshots(bucket, Some(lost_snapshot::LOOKUP_PAGE), None)
            .await
            .ok()?;
        let version = lost_snapshot::find(&page, name, first_sent_ms)?;
        Some(HttpResponse {
            status: 200,
            status_text: "OK".to_owned(),
            headers: vec![("x-tigris-snapshot-version".to_owned(), version)],
            body: Vec::new(),
        })
    }

    /// `getBucketInfo` as JSON (`{}` for a non-JSON 2xx).
    async fn bucket_info(&self, call: &mut Call, bucket: &str) -> Result<Value, OpError> {
        let (response, _) = self
            .http_call(call, false, &|e| settings::bucket_info(e, bucket))
            .await?;
        if !is_success(response.status) {
            return Err(Self::http_failure(call, &response));
        }
        if !responses::is_json(header(&response, "content-type")) {
            return Ok(Value::Object(Vec::new()));
        }
        responses::json_body(&String::from_utf8_lossy(&response.body)).map_err(|_| {
            call.unprefixed(OpErrorKind::Other, "Invalid JSON in bucket info response")
        })
    }

    async fn patch_settings(
        &self,
        call: &mut Call,
        bucket: &str,
        body: String,
    ) -> Result<(), OpError> {
        let (response, _) = self
            .http_call(call, false, &|e| settings::patch(e, bucket, &body))
            .await?;
        if !is_success(response.status) {
            return Err(Self::http_failure(call, &response));
        }
        let text = String::from_utf8_lossy(&response.body);
        responses::patch_outcome(header(&response, "content-type"), &text)
            .map_err(|m| call.unprefixed(classify(response.status, None, &m), &m))
    }
}

impl<R: Runtime> TigrisOps for TigrisClient<R> {
    async fn create_bucket(
        &self,
        name: &str,
        options: &CreateBucketOptions,
    ) -> Result<(), OpError> {
        let (response, after_failure, call) = self
            .s3_call(
                CREATE_BUCKET,
                &|e| s3::create_bucket(e, name, options),
                None,
            )
            .await?;
        if is_success(response.status) {
            return Ok(());
        }
        let err = Self::s3_failure(&call, &response);
        let body = String::from_utf8_lossy(&response.body);
        if after_failure
            && responses::s3_error(&body).0.as_deref() == Some("BucketAlreadyOwnedByYou")
        {
            return Ok(());
        }
        Err(err)
    }

    async fn create_snapshot(&self, bucket: &str, name: Option<&str>) -> Result<String, OpError> {
        // A named snapshot can be found in the listing: after an attempt that got no response,
        // the one it made (if any) is returned instead of taking another.
        let first_sent_ms = self.runtime.now_ms();
        let named = name.unwrap_or_default();
        let find = || -> Pin<Box<dyn Future<Output = Option<HttpResponse>> + '_>> {
            Box::pin(self.lost_snapshot(bucket, named, first_sent_ms))
        };
        let recover: Option<Recover<'_>> = (!named.is_empty()).then_some(&find);
        let (response, _, call) = self
            .s3_call(
                CREATE_SNAPSHOT,
                &|e| s3::create_snapshot(e, bucket, name),
                recover,
            )
            .await?;
        if !is_success(response.status) {
            return Err(Self::s3_failure(&call, &response));
        }
        Ok(header(&response, "x-tigris-snapshot-version")
            .unwrap_or("")
            .to_owned())
    }

    async fn list_snapshots(
        &self,
        bucket: &str,
        limit: Option<u32>,
        continuation_token: Option<&str>,
    ) -> Result<SnapshotPage, OpError> {
        let (response, _, call) = self
            .s3_call(
                LIST_SNAPSHOTS,
                &|e| s3::list_snapshots(e, bucket, limit, continuation_token),
                None,
            )
            .await?;
        if !is_success(response.status) {
            return Err(Self::s3_failure(&call, &response));
        }
        responses::snapshot_page(&String::from_utf8_lossy(&response.body))
            .map_err(|m| call.error(OpErrorKind::Other, &m))
    }

    async fn remove_bucket(&self, name: &str) -> Result<(), OpError> {
        let (response, after_failure, call) = self
            .s3_call(REMOVE_BUCKET, &|e| s3::remove_bucket(e, name), None)
            .await?;
        if is_success(response.status) || (after_failure && response.status == 404) {
            return Ok(());
        }
        Err(Self::s3_failure(&call, &response))
    }

    async fn set_bucket_ttl(&self, bucket: &str, days: u32) -> Result<(), OpError> {
        let mut call = Call::new("", &self.config);
        if days == 0 {
            return Err(call.unprefixed(OpErrorKind::Other, "TTL days must be a positive integer"));
        }
        let info = self.bucket_info(&mut call, bucket).await?;
        let body = settings::ttl_body(&info, days, &self.random_uuid());
        self.patch_settings(&mut call, bucket, body).await
    }

    async fn set_notifications(
        &self,
        bucket: &str,
        config: &NotificationConfig,
    ) -> Result<(), OpError> {
        let mut call = Call::new("", &self.config);
        match &config.auth {
            Some(WebhookAuth::Token(t)) => call.secrets.push(t.clone()),
            Some(WebhookAuth::Basic { password, .. }) => call.secrets.push(password.clone()),
            None => {}
        }
        settings::validate_notifications(config)
            .map_err(|m| call.unprefixed(OpErrorKind::Other, &m))?;
        let info = self.bucket_info(&mut call, bucket).await?;
        if let Some(auth) = info.get("object_notifications").and_then(|n| n.get("auth")) {
            for key in ["token", "basic_pass"] {
                if let Some(s) = auth.get(key).and_then(Value::as_str) {
                    call.secrets.push(s.to_owned());
                }
            }
        }
        let body = settings::notifications_body(&info, config);
        self.patch_settings(&mut call, bucket, body).await
    }

    async fn clear_notifications(&self, bucket: &str) -> Result<(), OpError> {
        let mut call = Call::new("", &self.config);
        self.patch_settings(
            &mut call,
            bucket,
            settings::CLEAR_NOTIFICATIONS_BODY.to_owned(),
        )
        .await
    }

    async fn create_access_key(
        &self,
        name: &str,
        bucket: &str,
        role: Role,
    ) -> Result<AccessKey, OpError> {
        let mut call = Call::new("", &self.config);
        let req_uuid = self.random_uuid();
        let (response, _) = self
            .http_call(&mut call, true, &|e| {
                iam::create_access_key(e, &req_uuid, name, bucket, role)
            })
            .await?;
        if !is_success(response.status) {
            return Err(Self::http_failure(&call, &response));
        }
        responses::access_key(
            header(&response, "content-type"),
            &String::from_utf8_lossy(&response.body),
        )
        .ok_or_else(|| call.unprefixed(OpErrorKind::Other, "Unable to create access key"))
    }

    async fn remove_access_key(&self, id: &str) -> Result<(), OpError> {
        let mut call = Call::new("", &self.config);
        let (response, after_failure) = self
            .http_call(&mut call, true, &|e| iam::delete_access_key(e, id))
            .await?;
        if is_success(response.status) || (after_failure && response.status == 404) {
            return Ok(());
        }
        Err(Self::http_failure(&call, &response))
    }

    fn now_ms(&self) -> f64 {
        self.runtime.now_ms()
    }
}
