//! The fork-lifecycle exports, as shims like the nine: `listForks`, `mergeFork`, `rebaseFork`
//! and `deleteCheckpoint` (the workflows are in `crate::workflows::lifecycle`). The four share
//! one future ([`run`]): each export only reads its arguments' JS types, so that the module
//! holds one state machine for all four instead of four.

use super::convert::{plain, string_arg, Invalid, Options};
use super::{client, respond};
use crate::workflows::checkpoint::MAX_LIMIT;
use crate::workflows::lifecycle::{self, ForkInfo, ForkPage, ListForksOptions};
use crate::workflows::PositiveInt;
use js_sys::{Array, Date, Promise};
use wasm_bindgen::prelude::*;

/// One lifecycle call with its string arguments.
enum Call {
    /// `listForks(baseBucket)`.
    ListForks(String),
    /// `mergeFork(fork, baseBucket)`.
    MergeFork(String, String),
    /// `rebaseFork(fork)`.
    RebaseFork(String),
    /// `deleteCheckpoint(bucket, snapshotId)`.
    DeleteCheckpoint(String, String),
}

/// Runs `call` with `options`: the JS types first (arguments, then `options` and its fields),
/// then the values, then the workflow.
fn run(call: Result<Call, Invalid>, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let call = call?;
        let options = Options::new(&options)?;
        let listing = match call {
            Call::ListForks(_) => {
                Some((options.count("limit")?, options.string("paginationToken")?))
            }
            _ => None,
        };
        let client = client(&options)?;
        let snapshot_id = match call {
            Call::ListForks(base) => {
                let (limit, pagination_token) = listing.unwrap_or_default();
                // The values: the base, then `limit`.
                let base = lifecycle::listed_base(&base)?;
                let list_options = ListForksOptions {
                    limit: limit
                        .map(|l| PositiveInt::from_js(l, MAX_LIMIT, "options.limit"))
                        .transpose()?,
                    pagination_token,
                };
                let page = lifecycle::list_forks(&client, &base, &list_options).await?;
                return Ok(fork_page_js(&page));
            }
            Call::MergeFork(fork, base) => {
                let (fork, base) = lifecycle::merge_buckets(&fork, &base)?;
                lifecycle::merge_fork(&client, &fork, &base).await?
            }
            Call::RebaseFork(fork) => {
                let fork = lifecycle::rebased_fork(&fork)?;
                lifecycle::rebase_fork(&client, &fork).await?
            }
            Call::DeleteCheckpoint(bucket, snapshot_id) => {
                let bucket = lifecycle::checkpoint_to_delete(&bucket, &snapshot_id)?;
                lifecycle::delete_checkpoint(&client, &bucket, &snapshot_id).await?;
                return Ok(JsValue::UNDEFINED);
            }
        };
        Ok(plain(&[("snapshotId", JsValue::from_str(&snapshot_id))]))
    }))
}

/// `{ forks: [{ bucket, baseBucket, snapshotId, createdAt }], paginationToken }`, `createdAt`
/// a `Date` (an invalid one when the server gave no time).
fn fork_page_js(page: &ForkPage) -> JsValue {
    let forks = Array::new();
    for ForkInfo {
        bucket,
        base_bucket,
        snapshot_id,
        created_at_ms,
    } in &page.forks
    {
        let created_at = Date::new(&JsValue::from_f64(created_at_ms.unwrap_or(f64::NAN)));
        forks.push(&plain(&[
            ("bucket", JsValue::from_str(bucket)),
            ("baseBucket", JsValue::from_str(base_bucket)),
            ("snapshotId", JsValue::from_str(snapshot_id)),
            ("createdAt", created_at.into()),
        ]));
    }
    let token = page
        .pagination_token
        .as_deref()
        .map_or(JsValue::UNDEFINED, JsValue::from_str);
    plain(&[("forks", forks.into()), ("paginationToken", token)])
}

/// `listForks(baseBucket, options?)`.
#[wasm_bindgen(js_name = listForks, skip_typescript)]
pub fn list_forks(base_bucket: JsValue, options: JsValue) -> Promise {
    run(
        string_arg(&base_bucket, "baseBucket").map(Call::ListForks),
        options,
    )
}

/// `mergeFork(fork, baseBucket, options?)`.
#[wasm_bindgen(js_name = mergeFork, skip_typescript)]
pub fn merge_fork(fork: JsValue, base_bucket: JsValue, options: JsValue) -> Promise {
    let call = string_arg(&fork, "fork").and_then(|fork| {
        Ok(Call::MergeFork(
            fork,
            string_arg(&base_bucket, "baseBucket")?,
        ))
    });
    run(call, options)
}

/// `rebaseFork(fork, options?)`.
#[wasm_bindgen(js_name = rebaseFork, skip_typescript)]
pub fn rebase_fork(fork: JsValue, options: JsValue) -> Promise {
    run(string_arg(&fork, "fork").map(Call::RebaseFork), options)
}

/// `deleteCheckpoint(bucket, snapshotId, options?)`.
#[wasm_bindgen(js_name = deleteCheckpoint, skip_typescript)]
pub fn delete_checkpoint(bucket: JsValue, snapshot_id: JsValue, options: JsValue) -> Promise {
    let call = string_arg(&bucket, "bucket").and_then(|bucket| {
        Ok(Call::DeleteCheckpoint(
            bucket,
            string_arg(&snapshot_id, "snapshotId")?,
        ))
    });
    run(call, options)
}
