//! The native Rust client (cargo feature `native`): [`AgentKit`], the same workflows as the JS
//! exports over [`NativeRuntime`] (reqwest + tokio). Each method converts its Rust options into
//! the workflows' validated types with the workflows' own validators, in the JS export's order of
//! checks (`src/api/mod.rs`), runs one workflow and maps its failure into [`Error`]; nothing
//! else. docs/native.md describes the API and how to add a method.

mod config;
mod env;
mod error;
mod options;
mod runtime;

pub use config::{Config, CredentialProvider};
pub use env::ProcessEnvironment;
pub use error::Error;
pub use options::{
    CheckpointOptions, CoordinationEvent, CreateForksOptions, CreateWorkspaceOptions,
    CredentialsOptions, LifecycleOptions, ListCheckpointsOptions, ListForksOptions, MergeResult,
    PresignOptions, PresignedUrl, ReceiveCoordinationOptions, RestoreOptions, RestoreResult,
    SetupCoordinationOptions, TeardownCoordinationOptions, TeardownForksOptions,
    TeardownWorkspaceOptions, Ttl, WebhookAuth,
};
pub use runtime::NativeRuntime;

use crate::client::TigrisClient;
use crate::config::{Environment, NoEnvironment};
use crate::ops::ErrorCode;
use crate::workflows::checkpoint::{self, Checkpoint, CheckpointPage};
use crate::workflows::forks::{self, Forks};
use crate::workflows::lifecycle::{self, ForkPage as ListForksResponse};
use crate::workflows::presign::{self, Presign};
use crate::workflows::workspace::{self, Workspace};
use crate::workflows::{coordination, WorkflowError};
use std::future::Future;
use std::sync::Arc;

/// The client every clone of an [`AgentKit`] shares.
type Client = TigrisClient<NativeRuntime>;

/// The agent kit for Rust: one method per JS export, the same requests, results and messages.
/// Cheap to clone (one `Arc`), `Send + Sync`; every method's future is `Send + 'static`, so it
/// can be handed to `tokio::spawn`, and calls run concurrently over one connection pool.
/// Dropping a future cancels its call. Needs a tokio runtime with the timer enabled. `Debug`
/// masks the secret key and the session token.
#[derive(Clone, Debug)]
pub struct AgentKit {
    client: Arc<Client>,
}

impl AgentKit {
    /// A kit for `config` alone (no environment): a field it does not set takes its default.
    /// An incomplete config fails each call with the JS message, before any request, as in JS.
    /// Fails now only for an invalid timeout (`request_timeout_ms`, `call_timeout_ms`,
    /// `deadline_ms`) or an unusable TLS setup.
    pub fn new(config: Config) -> Result<Self, Error> {
        Self::build(config, &NoEnvironment)
    }

    /// A kit for the `TIGRIS_*` environment variables (the process environment, then `./.env`,
    /// as Node reads them), read once now. Unlike JS, which fails per call, it fails now, with
    /// the JS message, when no key pair is found (e.g. `Tigris Config incomplete: accessKeyId is
    /// missing. Set TIGRIS_STORAGE_ACCESS_KEY_ID in environment or pass it as an option.`).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_with(Config::default())
    }

    /// A kit for `config` over the environment: each field `config` leaves `None` is read from
    /// the environment, then defaulted. Fails like [`AgentKit::from_env`].
    pub fn from_env_with(config: Config) -> Result<Self, Error> {
        Self::with_environment(config, &ProcessEnvironment::load())
    }

    /// A kit for `config` over `env` (read once now; e.g. a [`ProcessEnvironment`] of another
    /// `.env` file, or a secrets store): explicit > `env` > defaults, per field. Fails like
    /// [`AgentKit::from_env`] when no key pair is found.
    pub fn with_environment(config: Config, env: &dyn Environment) -> Result<Self, Error> {
        let kit = Self::build(config, env)?;
        kit.client.config().s3_auth()?;
        Ok(kit)
    }

    fn build(config: Config, env: &dyn Environment) -> Result<Self, Error> {
        for (key, ms) in [
            ("requestTimeoutMs", config.request_timeout_ms),
            ("callTimeoutMs", config.call_timeout_ms),
            ("deadlineMs", config.deadline_ms),
        ] {
            if let Some(ms) = ms {
                crate::config::timeout_ms(key, f64::from(ms))?;
            }
        }
        let runtime =
            NativeRuntime::new(config.credential_provider.clone()).map_err(|message| {
                Error::from(WorkflowError {
                    code: ErrorCode::NetworkError,
                    message,
                    reply: None,
                })
            })?;
        Ok(AgentKit {
            client: Arc::new(TigrisClient::new(config.input(), env, runtime)),
        })
    }

    /// Runs `work` on this kit's client as an owned, `Send` future.
    fn run<T, Fut>(
        &self,
        work: impl FnOnce(Arc<Client>) -> Fut,
    ) -> impl Future<Output = Result<T, Error>> + Send + 'static
    where
        Fut: Future<Output = Result<T, WorkflowError>> + Send + 'static,
    {
        let work = work(Arc::new(self.client.for_call()));
        async move { work.await.map_err(Error::from) }
    }

    /// `createForks(baseBucket, count, options)`: snapshots `base_bucket` once and creates
    /// `count` (1 to 1000) copy-on-write forks of that snapshot.
    pub fn create_forks(
        &self,
        base_bucket: impl Into<String>,
        count: u32,
        options: CreateForksOptions,
    ) -> impl Future<Output = Result<Forks, Error>> + Send + 'static {
        let base = base_bucket.into();
        self.run(move |client| async move {
            // The JS order: `count`, then `concurrency`, then the base name.
            let count = forks::ForkCount::from_js(f64::from(count))?;
            let concurrency = concurrency(options.concurrency)?;
            let base = forks::base_bucket(&base)?;
            let fork_options = forks::CreateForksOptions {
                prefix: options.prefix,
                credentials: options.credentials.map(|c| c.role),
                concurrency,
                atomic: options.atomic,
            };
            forks::create_forks(&*client, &base, count, &fork_options).await
        })
    }

    /// `teardownForks(forkSet, options)`: revokes each fork's key and deletes each fork (best
    /// effort; failures are listed in one `PartialFailure`).
    pub fn teardown_forks(
        &self,
        fork_set: &Forks,
        options: TeardownForksOptions,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'static {
        let set = fork_set.clone();
        self.run(move |client| async move {
            let teardown = forks::TeardownForksOptions {
                concurrency: concurrency(options.concurrency)?,
                delete_snapshot: options.delete_snapshot,
            };
            forks::teardown_forks(&*client, &set, &teardown).await
        })
    }

    /// `createWorkspace(name, options)`: a bucket for one agent, with an optional TTL, snapshots
    /// and a scoped key.
    pub fn create_workspace(
        &self,
        name: impl Into<String>,
        options: CreateWorkspaceOptions,
    ) -> impl Future<Output = Result<Workspace, Error>> + Send + 'static {
        let name = name.into();
        self.run(move |client| async move {
            // The JS order: the name, then `ttl.days`.
            let name = workspace::workspace_name(&name)?;
            let workspace_options = workspace::CreateWorkspaceOptions {
                access: options.access,
                ttl_days: options
                    .ttl
                    .map(|ttl| workspace::ttl_days(f64::from(ttl.days)))
                    .transpose()?,
                enable_snapshots: options.enable_snapshots,
                credentials: options.credentials.map(|c| c.role),
                atomic: options.atomic,
            };
            workspace::create_workspace(&*client, &name, &workspace_options).await
        })
    }

    /// `teardownWorkspace(workspace, options)`: revokes the workspace's key (when it has
    /// credentials) and deletes its bucket (best effort, `PartialFailure` on errors).
    pub fn teardown_workspace(
        &self,
        workspace: &Workspace,
        _options: TeardownWorkspaceOptions,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'static {
        let workspace = workspace.clone();
        self.run(
            move |client| async move { workspace::teardown_workspace(&*client, &workspace).await },
        )
    }

    /// `checkpoint(bucket, options)`: a (named) snapshot of `bucket`.
    pub fn checkpoint(
        &self,
        bucket: impl Into<String>,
        options: CheckpointOptions,
    ) -> impl Future<Output = Result<Checkpoint, Error>> + Send + 'static {
        let bucket = bucket.into();
        self.run(move |client| async move {
            let bucket = checkpoint::checkpoint_bucket(&bucket)?;
            checkpoint::checkpoint(&*client, &bucket, options.name.as_deref()).await
        })
    }

    /// `restore(bucket, snapshotId, options)`: a new bucket forked from `bucket` at
    /// `snapshot_id`.
    pub fn restore(
        &self,
        bucket: impl Into<String>,
        snapshot_id: impl Into<String>,
        options: RestoreOptions,
    ) -> impl Future<Output = Result<RestoreResult, Error>> + Send + 'static {
        let (bucket, snapshot_id) = (bucket.into(), snapshot_id.into());
        self.run(move |client| async move {
            let bucket = checkpoint::restore_bucket(&bucket, &snapshot_id)?;
            let restore_options = checkpoint::RestoreOptions {
                fork_name: options.fork_name,
                credentials: options.credentials.map(|c| c.role),
                atomic: options.atomic,
            };
            checkpoint::restore(&*client, &bucket, &snapshot_id, &restore_options).await
        })
    }

    /// `listCheckpoints(bucket, options)`: one page of `bucket`'s checkpoints.
    pub fn list_checkpoints(
        &self,
        bucket: impl Into<String>,
        options: ListCheckpointsOptions,
    ) -> impl Future<Output = Result<CheckpointPage, Error>> + Send + 'static {
        let bucket = bucket.into();
        self.run(move |client| async move {
            // The JS order: the bucket, then `limit`.
            let bucket = checkpoint::listed_bucket(&bucket)?;
            let list_options = checkpoint::ListCheckpointsOptions {
                limit: options
                    .limit
                    .map(|l| checkpoint::limit(f64::from(l)))
                    .transpose()?,
                pagination_token: options.pagination_token,
            };
            checkpoint::list_checkpoints(&*client, &bucket, &list_options).await
        })
    }

    /// `listForks(baseBucket, options)`: one page of the direct forks of `base_bucket`, with
    /// the lineage the server reports.
    pub fn list_forks(
        &self,
        base_bucket: impl Into<String>,
        options: ListForksOptions,
    ) -> impl Future<Output = Result<ListForksResponse, Error>> + Send + 'static {
        let base = base_bucket.into();
        self.run(move |client| async move {
            // The JS order: `limit`, then the base name.
            let limit = options
                .limit
                .map(|l| checkpoint::limit(f64::from(l)))
                .transpose()?;
            let base = lifecycle::listed_base(&base)?;
            let list_options = lifecycle::ListForksOptions {
                limit,
                pagination_token: options.pagination_token,
            };
            lifecycle::list_forks(&*client, &base, &list_options).await
        })
    }

    /// `mergeFork(fork, baseBucket, options)`: applies the direct fork `fork`'s changes to
    /// `base_bucket`; returns the base's snapshot after the merge.
    pub fn merge_fork(
        &self,
        fork: impl Into<String>,
        base_bucket: impl Into<String>,
        _options: LifecycleOptions,
    ) -> impl Future<Output = Result<MergeResult, Error>> + Send + 'static {
        let (fork, base) = (fork.into(), base_bucket.into());
        self.run(move |client| async move {
            let (fork, base) = lifecycle::merge_buckets(&fork, &base)?;
            let snapshot_id = lifecycle::merge_fork(&*client, &fork, &base).await?;
            Ok(MergeResult { snapshot_id })
        })
    }

    /// `rebaseFork(fork, options)`: moves `fork` onto its parent's present, keeping its own
    /// changes; returns the parent snapshot it now sits on.
    pub fn rebase_fork(
        &self,
        fork: impl Into<String>,
        _options: LifecycleOptions,
    ) -> impl Future<Output = Result<MergeResult, Error>> + Send + 'static {
        let fork = fork.into();
        self.run(move |client| async move {
            let fork = lifecycle::rebased_fork(&fork)?;
            let snapshot_id = lifecycle::rebase_fork(&*client, &fork).await?;
            Ok(MergeResult { snapshot_id })
        })
    }

    /// `deleteCheckpoint(bucket, snapshotId, options)`: releases one snapshot of `bucket`.
    pub fn delete_checkpoint(
        &self,
        bucket: impl Into<String>,
        snapshot_id: impl Into<String>,
        _options: LifecycleOptions,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'static {
        let (bucket, snapshot_id) = (bucket.into(), snapshot_id.into());
        self.run(move |client| async move {
            let bucket = lifecycle::checkpoint_to_delete(&bucket, &snapshot_id)?;
            lifecycle::delete_checkpoint(&*client, &bucket, &snapshot_id).await
        })
    }

    /// `setupCoordination(bucket, options)`: points `bucket`'s object notifications at a
    /// webhook.
    pub fn setup_coordination(
        &self,
        bucket: impl Into<String>,
        options: SetupCoordinationOptions,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'static {
        let bucket = bucket.into();
        self.run(move |client| async move {
            let setup = coordination::SetupCoordinationOptions {
                webhook_url: Some(options.webhook_url),
                filter: options.filter,
                auth: options.auth,
            };
            let bucket = coordination::setup_bucket(&bucket)?;
            coordination::setup_coordination(&*client, &bucket, &setup).await
        })
    }

    /// `teardownCoordination(bucket, options)`: removes `bucket`'s webhook.
    pub fn teardown_coordination(
        &self,
        bucket: impl Into<String>,
        _options: TeardownCoordinationOptions,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'static {
        let bucket = bucket.into();
        self.run(move |client| async move {
            let bucket = coordination::teardown_bucket(&bucket)?;
            coordination::teardown_coordination(&*client, &bucket).await
        })
    }

    /// `presign(bucket, key, options)`: a URL that lets its holder send one `GET`, `PUT`,
    /// `HEAD` or `DELETE` of `key` without credentials until it expires, signed with this kit's
    /// credentials (the provider's, when there is one); sends no request. It reads and writes the
    /// live bucket (a snapshot is reached through [`AgentKit::restore`]).
    pub fn presign(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        options: PresignOptions,
    ) -> impl Future<Output = Result<PresignedUrl, Error>> + Send + 'static {
        let (bucket, key) = (bucket.into(), key.into());
        self.run(move |client| async move {
            let method = options.method.map(|m| m.as_str());
            let expires_in = options.expires_in.map(f64::from);
            let call = Presign::new(&bucket, key, method, expires_in, options.content_type)?;
            let signed = presign::presign(&*client, &call).await?;
            let since_epoch = std::time::Duration::from_millis(signed.expires_at_ms as u64);
            Ok(PresignedUrl {
                url: signed.url,
                method: signed.method,
                expires_at: std::time::UNIX_EPOCH + since_epoch,
            })
        })
    }

    /// `receiveCoordinationEvents(request, options)`: the events of one webhook delivery that
    /// an HTTP server received (`headers` and the whole `body`). With `options.auth`, the
    /// `Authorization` header must match it (compared in constant time; missing, repeated,
    /// non-ASCII or other credentials are `Unauthorized`, and the body is then not parsed).
    /// A body over 1 MiB, not JSON with an `events` array, or with an event missing a field is
    /// `InvalidArgument`, naming the event and the field. Makes no request: the work is done
    /// when the method is called, and the future (async like every method, `Send + 'static`)
    /// is ready at once.
    pub fn receive_coordination_events(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        options: ReceiveCoordinationOptions,
    ) -> impl Future<Output = Result<Vec<CoordinationEvent>, Error>> + Send + 'static {
        std::future::ready(delivery_events(headers, body, &options))
    }
}

/// The events of one delivery, as [`AgentKit::receive_coordination_events`] returns them.
fn delivery_events(
    headers: &http::HeaderMap,
    body: &[u8],
    options: &ReceiveCoordinationOptions,
) -> Result<Vec<CoordinationEvent>, Error> {
    if let Some(auth) = &options.auth {
        let expected = crate::webhook::expected_auth(auth)?;
        let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
        // Several values, or one that is not visible ASCII, are credentials that match
        // nothing (as in JS).
        let presented = values.next().map(|first| match values.next() {
            None => first.to_str().unwrap_or_default(),
            Some(_) => "",
        });
        crate::webhook::authorize(&expected, presented)?;
    }
    crate::webhook::check_size(body.len())?;
    let events = crate::webhook::events(&String::from_utf8_lossy(body))?;
    Ok(events.into_iter().map(CoordinationEvent::from).collect())
}

/// `options.concurrency` of the fork methods, validated.
fn concurrency(value: Option<u32>) -> Result<Option<crate::workflows::PositiveInt>, WorkflowError> {
    value.map(|c| forks::concurrency(f64::from(c))).transpose()
}
