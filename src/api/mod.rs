//! The nine original exports, as shims (the fork lifecycle's are in `lifecycle.rs`, `presign`'s in
//! `presign.rs`, the webhook receiver's in `receive.rs`): convert the JS arguments, build the
//! client for this call's `config`, validate the arguments into the workflows' types, run one
//! workflow, and resolve to `{ data }` or `{ error }` (`error` a real JS `Error` with a `code`,
//! see [`crate::error_code::ErrorCode`]). They never throw and never reject. TypeScript
//! signatures come from the package's hand-written `index.d.ts` (hence `skip_typescript`).
//!
//! When a call has several invalid inputs, the error reported is the one the original reports,
//! so each export checks in the original's order: the JS types and `config` first (read
//! here), then the values, in the order each export lists below.

mod convert;
mod error;
mod lifecycle;
mod presign;
mod receive;

use crate::client::TigrisClient;
use crate::js::{JsEnvironment, JsRuntime};
use crate::workflows::{checkpoint, coordination, forks, workspace, WorkflowError};
use convert::{count_arg, string_arg, Invalid, Options};
use js_sys::Promise;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;

/// One export's work, boxed so that every export shares a single promise adapter (one
/// `future_to_promise` instantiation instead of nine keeps the module small).
type ExportFuture = Pin<Box<dyn Future<Output = Result<JsValue, WorkflowError>>>>;

/// A promise that always resolves, to `{ data }` or `{ error }` with `error` a
/// `new Error(message)` carrying `code` (see [`error::js_error`]).
fn respond(work: ExportFuture) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        Ok(match work.await {
            Ok(data) => convert::plain(&[("data", data)]),
            Err(failure) => convert::plain(&[("error", error::js_error(&failure))]),
        })
    })
}

/// The client for one call: explicit `config` > environment > defaults, with the call's
/// `credentialProvider`. Boxed: each export's future then holds a pointer instead of the whole
/// client, which keeps every export's state machine (and the wasm) smaller.
fn client(options: &Options) -> Result<Box<TigrisClient<JsRuntime>>, Invalid> {
    let (config, provider) = options.config()?;
    let signal = options.signal()?;
    Ok(Box::new(TigrisClient::new(
        config,
        &JsEnvironment,
        JsRuntime::new(provider, signal),
    )))
}

/// Registers the environment reader (`(name) => string | undefined`) used for `TIGRIS_*`
/// variables; called by the Node and Deno entry files. Anything but a function removes it.
#[wasm_bindgen(js_name = __setEnvironmentReader, skip_typescript)]
pub fn set_environment_reader(reader: JsValue) {
    crate::js::set_environment_reader(reader);
}

/// `createForks(baseBucket, count, options?)`.
#[wasm_bindgen(js_name = createForks, skip_typescript)]
pub fn create_forks(base_bucket: JsValue, count: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let base = string_arg(&base_bucket, "baseBucket")?;
        let count = count_arg(&count, "count")?;
        let options = Options::new(&options)?;
        let prefix = options.string("prefix")?;
        let credentials = options.role()?;
        let concurrency = options.count("concurrency")?;
        let atomic = options.boolean("atomic")?;
        let client = client(&options)?;
        // The values: `count`, then `concurrency`, then the base name (the fork names, which
        // depend on the prefix, in the workflow).
        let count = forks::ForkCount::from_js(count)?;
        let concurrency = concurrency.map(forks::concurrency).transpose()?;
        let base = forks::base_bucket(&base)?;
        let fork_options = forks::CreateForksOptions {
            prefix,
            credentials,
            concurrency,
            atomic,
        };
        let set = forks::create_forks(&*client, &base, count, &fork_options).await?;
        Ok(convert::forks_js(&set))
    }))
}

/// `teardownForks(forkSet, options?)`.
#[wasm_bindgen(js_name = teardownForks, skip_typescript)]
pub fn teardown_forks(fork_set: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let set = convert::fork_set_arg(&fork_set)?;
        let options = Options::new(&options)?;
        let concurrency = options.count("concurrency")?;
        let delete_snapshot = options.boolean("deleteSnapshot")?;
        let client = client(&options)?;
        let teardown = forks::TeardownForksOptions {
            concurrency: concurrency.map(forks::concurrency).transpose()?,
            delete_snapshot,
        };
        forks::teardown_forks(&*client, &set, &teardown).await?;
        Ok(JsValue::UNDEFINED)
    }))
}

/// `createWorkspace(name, options?)`.
#[wasm_bindgen(js_name = createWorkspace, skip_typescript)]
pub fn create_workspace(name: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let name = string_arg(&name, "name")?;
        let options = Options::new(&options)?;
        let access = options.access()?;
        let ttl_days = options.ttl_days()?;
        let enable_snapshots = options.boolean("enableSnapshots")?;
        let credentials = options.role()?;
        let atomic = options.boolean("atomic")?;
        let client = client(&options)?;
        // The values: the name, then `ttl.days`.
        let name = workspace::workspace_name(&name)?;
        let workspace_options = workspace::CreateWorkspaceOptions {
            access,
            ttl_days: ttl_days.map(workspace::ttl_days).transpose()?,
            enable_snapshots,
            credentials,
            atomic,
        };
        let ws = workspace::create_workspace(&*client, &name, &workspace_options).await?;
        Ok(convert::bucket_with_credentials(
            &ws.bucket,
            ws.credentials.as_ref(),
        ))
    }))
}

/// `teardownWorkspace(workspace, options?)`; `workspace` may also be a `restore` result.
#[wasm_bindgen(js_name = teardownWorkspace, skip_typescript)]
pub fn teardown_workspace(workspace: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let ws = convert::workspace_arg(&workspace)?;
        let client = client(&Options::new(&options)?)?;
        workspace::teardown_workspace(&*client, &ws).await?;
        Ok(JsValue::UNDEFINED)
    }))
}

/// `checkpoint(bucket, options?)`.
#[wasm_bindgen(js_name = checkpoint, skip_typescript)]
pub fn checkpoint(bucket: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let bucket = string_arg(&bucket, "bucket")?;
        let options = Options::new(&options)?;
        let name = options.string("name")?;
        let client = client(&options)?;
        // The values: the bucket, then (in the workflow) the checkpoint name.
        let bucket = checkpoint::checkpoint_bucket(&bucket)?;
        let ck = checkpoint::checkpoint(&*client, &bucket, name.as_deref()).await?;
        Ok(convert::checkpoint_js(&ck))
    }))
}

/// `restore(bucket, snapshotId, options?)`.
#[wasm_bindgen(js_name = restore, skip_typescript)]
pub fn restore(bucket: JsValue, snapshot_id: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let bucket = string_arg(&bucket, "bucket")?;
        let snapshot_id = string_arg(&snapshot_id, "snapshotId")?;
        let options = Options::new(&options)?;
        let restore_options = checkpoint::RestoreOptions {
            fork_name: options.string("forkName")?,
            credentials: options.role()?,
            atomic: options.boolean("atomic")?,
        };
        let client = client(&options)?;
        // The values: the bucket, then (in the workflow) the snapshot id and the fork name.
        let bucket = checkpoint::restore_bucket(&bucket, &snapshot_id)?;
        let restored =
            checkpoint::restore(&*client, &bucket, &snapshot_id, &restore_options).await?;
        Ok(convert::bucket_with_credentials(
            &restored.bucket,
            restored.credentials.as_ref(),
        ))
    }))
}

/// `listCheckpoints(bucket, options?)`.
#[wasm_bindgen(js_name = listCheckpoints, skip_typescript)]
pub fn list_checkpoints(bucket: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let bucket = string_arg(&bucket, "bucket")?;
        let options = Options::new(&options)?;
        let limit = options.count("limit")?;
        let pagination_token = options.string("paginationToken")?;
        let client = client(&options)?;
        // The values: the bucket, then `limit`.
        let bucket = checkpoint::listed_bucket(&bucket)?;
        let list_options = checkpoint::ListCheckpointsOptions {
            limit: limit.map(checkpoint::limit).transpose()?,
            pagination_token,
        };
        let page = checkpoint::list_checkpoints(&*client, &bucket, &list_options).await?;
        Ok(convert::checkpoint_page_js(&page))
    }))
}

/// `setupCoordination(bucket, options)`.
#[wasm_bindgen(js_name = setupCoordination, skip_typescript)]
pub fn setup_coordination(bucket: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let bucket = string_arg(&bucket, "bucket")?;
        let options = Options::new(&options)?;
        let auth = match options.object("auth")? {
            Some(auth) => Some(convert::webhook_auth(&auth)?),
            None => None,
        };
        let setup = coordination::SetupCoordinationOptions {
            webhook_url: options.string("webhookUrl")?,
            filter: options.string("filter")?,
            auth,
        };
        let client = client(&options)?;
        // The values: the bucket, then (in the workflow) the URL and the auth.
        let bucket = coordination::setup_bucket(&bucket)?;
        coordination::setup_coordination(&*client, &bucket, &setup).await?;
        Ok(JsValue::UNDEFINED)
    }))
}

/// `teardownCoordination(bucket, options?)`.
#[wasm_bindgen(js_name = teardownCoordination, skip_typescript)]
pub fn teardown_coordination(bucket: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let bucket = string_arg(&bucket, "bucket")?;
        let client = client(&Options::new(&options)?)?;
        let bucket = coordination::teardown_bucket(&bucket)?;
        coordination::teardown_coordination(&*client, &bucket).await?;
        Ok(JsValue::UNDEFINED)
    }))
}
