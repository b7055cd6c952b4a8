//! [`TigrisClient`]: the wire implementation of [`TigrisOps`] over a [`Runtime`]. Each operation
//! validates the configuration (no request when incomplete), builds the exact request of the
//! official SDK call, declares what repeating it does ([`Idempotency`]), signs each attempt,
//! retries transient failures and maps the answer to the SDK's message and an
//! [`crate::ops::ErrorCode`]. Messages never contain the configured secret, session token,
//! provider secret or webhook credentials.
//!
//! One private module per job: `auth` (auth plan → keys, headers, signing of each attempt),
//! `s3_transport` and `json_transport` (the two transports and their error bodies), `errors`
//! (codes and message scrubbing), `lost_snapshot` (recognising the snapshot a lost attempt
//! made).

use std::num::NonZeroU32;

use crate::config::{resolve, AuthPlan, ConfigInput, Environment, ResolvedConfig};
use crate::ops::{
    AccessKey, BucketListing, BucketPage, CreateBucketOptions, Created, ErrorCode,
    NotificationConfig, ObjectGrant, OpError, PresignedObject, Role, SnapshotPage, TigrisOps,
    WebhookAuth,
};
use crate::parse::json::Value;
use crate::parse::responses;
use crate::requests::{iam, s3, settings, uuid_v4};
use crate::retry::{is_done_by_lost_attempt, send_with_retry, Idempotency, RetryPolicy};
use crate::runtime::{within, BoxFuture, HttpRequest, HttpResponse, Runtime, TransportError};
use crate::secret::Secret;
use crate::sigv4::{object_url, PresignRequest};

mod auth;
mod errors;
mod json_transport;
mod lost_snapshot;
mod s3_transport;
#[cfg(test)]
pub(crate) mod test_runtime;

use auth::RequestAuth;
use errors::ErrorContext;
use json_transport::JsonHost;
use s3_transport::s3_failure;

/// Prefix the S3 SDK wrappers put before the SDK message (docs/protocol.md §6.1).
const CREATE_BUCKET: &str = "Unable to create bucket ";
const CREATE_SNAPSHOT: &str = "Unable to create bucket snapshot ";
const LIST_SNAPSHOTS: &str = "Unable to list bucket snapshots ";
const REMOVE_BUCKET: &str = "Unable to remove bucket ";
const DELETE_SNAPSHOT: &str = "Unable to delete bucket snapshot ";
/// Prefix the SDK's `listForks` puts before a failure of its fork listing (docs/protocol.md §5.13).
const LIST_BUCKETS: &str = "Unable to list buckets ";

/// The Tigris client: resolved configuration, the runtime, the retry policy and the call's
/// deadlines. One client serves one exported call: it is created when the call starts.
pub struct TigrisClient<R: Runtime> {
    config: ResolvedConfig,
    runtime: R,
    policy: RetryPolicy,
    /// `callTimeoutMs`: each operation, credentials and every attempt and wait included.
    call_timeout_ms: u32,
    /// `deadlineMs`: the time the whole call may take.
    deadline_ms: Option<u32>,
    /// `deadlineMs` as a time (`now_ms`): the end of the whole call.
    deadline_at: Option<f64>,
    /// Set once the call cleans up: `deadlineMs` no longer applies (each request keeps its
    /// `requestTimeoutMs`).
    cleaning_up: std::sync::atomic::AtomicBool,
}

/// `callTimeoutMs` when the config does not set it.
pub const DEFAULT_CALL_TIMEOUT_MS: u32 = 60_000;

impl<R: Runtime> std::fmt::Debug for TigrisClient<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TigrisClient")
            .field("config", &self.config)
            .field("policy", &self.policy)
            .finish()
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

/// The final answer of one exchange: a response, or no response after every retry.
type Exchanged = Result<Result<HttpResponse, TransportError>, OpError>;

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
            call_timeout_ms: config.call_timeout_ms.unwrap_or(DEFAULT_CALL_TIMEOUT_MS),
            deadline_ms: config.deadline_ms,
            deadline_at: None,
            cleaning_up: std::sync::atomic::AtomicBool::new(false),
        }
        .starting_now()
    }

    /// A client for one more call with this one's configuration and runtime: its `deadlineMs`
    /// starts now and it is not cleaning up (a long-lived native kit makes one per method call).
    pub fn for_call(&self) -> Self
    where
        R: Clone,
    {
        TigrisClient {
            config: self.config.clone(),
            runtime: self.runtime.clone(),
            policy: self.policy,
            call_timeout_ms: self.call_timeout_ms,
            deadline_ms: self.deadline_ms,
            deadline_at: None,
            cleaning_up: std::sync::atomic::AtomicBool::new(false),
        }
        .starting_now()
    }

    /// This client with its call starting now: `deadlineMs` counts from here.
    fn starting_now(mut self) -> Self {
        self.deadline_at = self
            .deadline_ms
            .map(|ms| self.runtime.now_ms() + f64::from(ms));
        self
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

    /// The error context of one call: `prefix`, with the configured secrets hidden.
    fn errors(&self, prefix: &'static str) -> ErrorContext {
        let mut errors = ErrorContext::new(prefix);
        for secret in [&self.config.secret_access_key, &self.config.session_token] {
            if let Some(s) = &secret.value {
                errors.hide(s);
            }
        }
        errors
    }

    /// Credentials, signing, sending and retries of one request. Boxed so that its state
    /// machine exists once in the wasm instead of being inlined into every operation and export.
    fn exchange<'a, 'r: 'a>(
        &'a self,
        plan: AuthPlan,
        request: HttpRequest,
        errors: &'a mut ErrorContext,
        idempotency: Idempotency<'r>,
    ) -> BoxFuture<'a, Exchanged> {
        Box::pin(async move {
            if self.runtime.aborted() {
                return Ok(Err(TransportError::Aborted));
            }
            let budget = self.budget_ms();
            let started = self.runtime.now_ms();
            let resolving = RequestAuth::resolve(plan, &self.runtime, errors);
            let Some(auth) = within(&self.runtime, budget, resolving).await else {
                return Ok(Err(self.cut_short()));
            };
            let auth = auth?;
            let spent = (self.runtime.now_ms() - started).max(0.0) as u32;
            let policy = RetryPolicy {
                budget_ms: Some(budget.saturating_sub(spent)),
                ..self.policy
            };
            let errors = &*errors;
            send_with_retry(&self.runtime, &policy, idempotency, || {
                auth.apply(&request, self.runtime.now_ms(), errors)
            })
            .await
        })
    }

    /// The time one operation may take from now: `callTimeoutMs`, or less when `deadlineMs`
    /// ends the call sooner (not while cleaning up).
    fn budget_ms(&self) -> u32 {
        let cleaning_up = self.cleaning_up.load(std::sync::atomic::Ordering::Relaxed);
        match self.deadline_at {
            Some(end) if !cleaning_up => {
                let left = (end - self.runtime.now_ms()).max(0.0) as u32;
                left.min(self.call_timeout_ms)
            }
            _ => self.call_timeout_ms,
        }
    }

    /// Why a step that ran out of time ended: the abort that interrupted it, or its deadline.
    fn cut_short(&self) -> TransportError {
        if self.runtime.aborted() {
            TransportError::Aborted
        } else {
            TransportError::Timeout
        }
    }
}

impl<R: Runtime> TigrisOps for TigrisClient<R> {
    async fn create_bucket(
        &self,
        name: &str,
        options: &CreateBucketOptions,
    ) -> Result<Created, OpError> {
        let (response, errors) = self
            .s3_call(
                CREATE_BUCKET,
                &|e| s3::create_bucket(e, name, options),
                Idempotency::CreateBucket,
            )
            .await?;
        if is_done_by_lost_attempt(&response) {
            return Ok(Created::Owned);
        }
        if is_success(response.status) {
            return Ok(Created::Answered);
        }
        Err(s3_failure(&errors, &response))
    }

    async fn create_snapshot(&self, bucket: &str, name: Option<&str>) -> Result<String, OpError> {
        // A named snapshot can be found in the listing: after an attempt that got no response,
        // the one it made (if any) is returned instead of taking another. An unnamed one cannot
        // be told apart, so it is simply sent again.
        let first_sent_ms = self.runtime.now_ms();
        let named = name.unwrap_or_default();
        let find = || -> BoxFuture<'_, Option<HttpResponse>> {
            Box::pin(self.lost_snapshot(bucket, named, first_sent_ms))
        };
        let idempotency = if named.is_empty() {
            Idempotency::NotIdempotent
        } else {
            Idempotency::Recoverable(&find)
        };
        let (response, errors) = self
            .s3_call(
                CREATE_SNAPSHOT,
                &|e| s3::create_snapshot(e, bucket, name),
                idempotency,
            )
            .await?;
        if !is_success(response.status) {
            return Err(s3_failure(&errors, &response));
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
        let (response, errors) = self
            .s3_call(
                LIST_SNAPSHOTS,
                &|e| s3::list_snapshots(e, bucket, limit, continuation_token),
                Idempotency::Idempotent,
            )
            .await?;
        if !is_success(response.status) {
            return Err(s3_failure(&errors, &response));
        }
        responses::snapshot_page(&String::from_utf8_lossy(&response.body))
            .map_err(|m| errors.error(ErrorCode::ServerError, &m))
    }

    async fn fork_parent_snapshot(&self, bucket: &str) -> Result<Option<String>, OpError> {
        let mut errors = self.errors("");
        let info = self.bucket_info(&mut errors, bucket).await?;
        Ok(responses::fork_parent_snapshot(&info).map(str::to_owned))
    }

    async fn list_buckets(
        &self,
        listing: BucketListing<'_>,
        continuation_token: Option<&str>,
    ) -> Result<BucketPage, OpError> {
        let mut errors = self.errors("");
        let page = self
            .json_call(
                &mut errors,
                JsonHost::Storage,
                &|e| s3::list_buckets(e, listing, continuation_token),
                Idempotency::Idempotent,
            )
            .await
            .and_then(|response| {
                responses::bucket_page(
                    header(&response, "content-type"),
                    &String::from_utf8_lossy(&response.body),
                )
                .map_err(|m| errors.unprefixed(ErrorCode::ServerError, &m))
            });
        match listing {
            BucketListing::ForksOf { .. } => page.map_err(|e| OpError {
                message: format!("{LIST_BUCKETS}{}", e.message),
                ..e
            }),
            BucketListing::WithForkInfo => page,
        }
    }

    async fn merge_fork(&self, fork: &str, base: &str) -> Result<String, OpError> {
        self.snapshot_put(&|e| s3::merge_fork(e, fork, base)).await
    }

    async fn rebase_fork(&self, fork: &str) -> Result<String, OpError> {
        self.snapshot_put(&|e| s3::rebase_fork(e, fork)).await
    }

    async fn remove_bucket(&self, name: &str) -> Result<(), OpError> {
        let (response, errors) = self
            .s3_call(
                REMOVE_BUCKET,
                &|e| s3::remove_bucket(e, name),
                Idempotency::Delete,
            )
            .await?;
        if is_success(response.status) {
            return Ok(());
        }
        Err(s3_failure(&errors, &response))
    }

    async fn delete_snapshot(&self, bucket: &str, version: &str) -> Result<(), OpError> {
        let (response, errors) = self
            .s3_call(
                DELETE_SNAPSHOT,
                &|e| s3::delete_snapshot(e, bucket, version),
                Idempotency::Delete,
            )
            .await?;
        if is_success(response.status) {
            return Ok(());
        }
        Err(s3_failure(&errors, &response))
    }

    async fn set_bucket_ttl(&self, bucket: &str, days: NonZeroU32) -> Result<(), OpError> {
        let mut errors = self.errors("");
        let info = self.bucket_info(&mut errors, bucket).await?;
        let body = settings::ttl_body(&info, days.get(), &self.random_uuid());
        self.patch_settings(&mut errors, bucket, body).await
    }

    async fn set_notifications(
        &self,
        bucket: &str,
        config: &NotificationConfig,
    ) -> Result<(), OpError> {
        let mut errors = self.errors("");
        match &config.auth {
            Some(WebhookAuth::Token(t)) => errors.hide(t),
            Some(WebhookAuth::Basic { password, .. }) => errors.hide(password),
            None => {}
        }
        let info = self.bucket_info(&mut errors, bucket).await?;
        if let Some(auth) = info.get("object_notifications").and_then(|n| n.get("auth")) {
            for key in ["token", "basic_pass"] {
                if let Some(s) = auth.get(key).and_then(Value::as_str) {
                    errors.hide(&Secret::from(s));
                }
            }
        }
        let body = settings::notifications_body(&info, config);
        self.patch_settings(&mut errors, bucket, body).await
    }

    async fn clear_notifications(&self, bucket: &str) -> Result<(), OpError> {
        let mut errors = self.errors("");
        self.patch_settings(
            &mut errors,
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
        let mut errors = self.errors("");
        // Every attempt carries this req_uuid, so the server mints at most one key.
        let req_uuid = self.random_uuid();
        let response = self
            .json_call(
                &mut errors,
                JsonHost::Iam,
                &|e| iam::create_access_key(e, &req_uuid, name, bucket, role),
                Idempotency::Idempotent,
            )
            .await?;
        responses::access_key(
            header(&response, "content-type"),
            &String::from_utf8_lossy(&response.body),
        )
        .ok_or_else(|| errors.unprefixed(ErrorCode::ServerError, "Unable to create access key"))
    }

    async fn remove_access_key(&self, id: &str) -> Result<(), OpError> {
        let mut errors = self.errors("");
        self.json_call(
            &mut errors,
            JsonHost::Iam,
            &|e| iam::delete_access_key(e, id),
            Idempotency::Delete,
        )
        .await?;
        Ok(())
    }

    async fn presign_object(
        &self,
        bucket: &str,
        key: &str,
        grant: &ObjectGrant,
    ) -> Result<PresignedObject, OpError> {
        let mut errors = self.errors("");
        let (plan, endpoint) = self.s3_target(&errors)?;
        let url = object_url(&endpoint.bucket_url(bucket), key, grant.method);
        drop(endpoint);
        // The provider is awaited within `callTimeoutMs` (and `deadlineMs`), as in every call.
        let resolving = RequestAuth::resolve(plan, &self.runtime, &mut errors);
        let Some(auth) = within(&self.runtime, self.budget_ms(), resolving).await else {
            return Err(errors.transport_error(&TransportError::Timeout, true));
        };
        let auth = auth?;
        let request = PresignRequest {
            method: grant.method.as_str(),
            url: &url,
            content_type: grant.content_type.as_deref(),
            expires_secs: grant.expires_secs,
        };
        let (url, expires_at_ms) = auth.presign(&request, self.runtime.now_ms(), &errors)?;
        Ok(PresignedObject {
            url,
            method: grant.method,
            expires_at_ms,
        })
    }

    fn now_ms(&self) -> f64 {
        self.runtime.now_ms()
    }

    fn start_cleanup(&self) {
        self.cleaning_up
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.runtime.ignore_abort();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::client::test_runtime::{answer, block_on, ScriptedRuntime};
    use crate::config::NoEnvironment;

    fn client(script: Vec<Result<HttpResponse, TransportError>>) -> TigrisClient<ScriptedRuntime> {
        let config = ConfigInput {
            access_key_id: Some("tid".into()),
            secret_access_key: Some("tsec_client_secret".into()),
            endpoint: Some("http://127.0.0.1:9".into()),
            ..ConfigInput::default()
        };
        TigrisClient::new(config, &NoEnvironment, ScriptedRuntime::new(script))
    }

    #[test]
    fn a_bucket_creation_tells_an_answer_from_a_lost_attempt() {
        let owned = "<Error><Code>BucketAlreadyOwnedByYou</Code><Message>m</Message></Error>";
        let create = |c: &TigrisClient<ScriptedRuntime>| {
            block_on(c.create_bucket("b-1", &CreateBucketOptions::default()))
        };
        assert_eq!(
            create(&client(vec![Ok(answer(200, &[], ""))])),
            Ok(Created::Answered)
        );
        let lost = client(vec![
            Err(TransportError::Timeout),
            Ok(answer(409, &[], owned)),
        ]);
        assert_eq!(create(&lost), Ok(Created::Owned));
        let retried = client(vec![Ok(answer(503, &[], "")), Ok(answer(200, &[], ""))]);
        assert_eq!(
            create(&retried),
            Ok(Created::Answered),
            "a 2xx is an answer"
        );
        let first = create(&client(vec![Ok(answer(409, &[], owned))]));
        assert_eq!(
            first.map_err(|e| e.code),
            Err(ErrorCode::BucketAlreadyExists)
        );
    }

    #[test]
    fn a_presigned_url_is_signed_with_the_call_keys_and_sends_nothing() {
        let grant = ObjectGrant {
            method: crate::ops::ObjectMethod::Put,
            content_type: Some("text/plain".into()),
            expires_secs: 60,
        };
        let c = client(vec![]);
        c.runtime().now.set(1_767_225_600_500.0);
        let signed = block_on(c.presign_object("b-1", "a b/ü", &grant)).unwrap();
        assert!(signed
            .url
            .starts_with("http://127.0.0.1:9/b-1/a%20b/%C3%BC?X-Amz-Algorithm="));
        assert!(signed.url.contains("X-Amz-Credential=tid%2F20260101%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&"));
        assert!(signed
            .url
            .ends_with("&X-Amz-SignedHeaders=content-type%3Bhost&x-id=PutObject"));
        assert_eq!(signed.expires_at_ms, 1_767_225_660_000.0);
        assert!(c.runtime().sent.borrow().is_empty(), "nothing sent");

        let mut runtime = ScriptedRuntime::new(vec![]);
        runtime.provider = Some(Ok(crate::secret::KeyPair::new(
            "tid_provided",
            "tsec_provided",
            Some(Secret::new("tok/+")),
        )));
        let config = ConfigInput {
            endpoint: Some("https://t3.storage.dev".into()),
            has_credential_provider: true,
            ..ConfigInput::default()
        };
        let provided = TigrisClient::new(config, &NoEnvironment, runtime);
        let signed = block_on(provided.presign_object("b-1", "k", &grant)).unwrap();
        assert!(
            signed.url.starts_with("https://b-1.t3.storage.dev/k?"),
            "virtual-hosted"
        );
        assert!(signed.url.contains("X-Amz-Credential=tid_provided%2F"));
        assert!(signed.url.contains("&X-Amz-Security-Token=tok%2F%2B&"));
        let incomplete = TigrisClient::new(
            ConfigInput::default(),
            &NoEnvironment,
            ScriptedRuntime::new(vec![]),
        );
        let e = block_on(incomplete.presign_object("b-1", "k", &grant)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        assert!(e
            .message
            .starts_with("Tigris Config incomplete: accessKeyId"));
    }

    #[test]
    fn the_fork_parent_snapshot_comes_from_the_bucket_info() {
        let json = [("content-type", "application/json")];
        let info = r#"{"ForkInfo":{"HasChildren":false,"Parents":[{"BucketName":"data","Snapshot":"42"}]}}"#;
        let c = client(vec![
            Ok(answer(200, &json, info)),
            Ok(answer(200, &json, "{}")),
        ]);
        assert_eq!(
            block_on(c.fork_parent_snapshot("f-1")),
            Ok(Some("42".into()))
        );
        assert_eq!(block_on(c.fork_parent_snapshot("p-1")), Ok(None));
        let sent = c.runtime().sent.borrow();
        assert!(sent
            .iter()
            .all(|r| r.method == "GET" && r.url.contains("?metadata")));
    }
}
