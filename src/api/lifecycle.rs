//! The fork-lifecycle exports, as shims like the nine: `listForks`, `mergeFork`, `rebaseFork`
//! and `deleteCheckpoint` (the workflows are in `crate::workflows::lifecycle`).

use super::convert::{plain, string_arg, Options};
use super::{client, respond};
use crate::workflows::lifecycle::{self, ForkInfo, ForkPage, ListForksOptions};
use js_sys::{Array, Date, Promise};
use wasm_bindgen::prelude::*;

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

/// `{ snapshotId }` of a merge or rebase.
fn merge_result_js(snapshot_id: &str) -> JsValue {
    plain(&[("snapshotId", JsValue::from_str(snapshot_id))])
}

/// `listForks(baseBucket, options?)`.
#[wasm_bindgen(js_name = listForks, skip_typescript)]
pub fn list_forks(base_bucket: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let base = string_arg(&base_bucket, "baseBucket")?;
        let options = Options::new(&options)?;
        let limit = options.count("limit")?;
        let pagination_token = options.string("paginationToken")?;
        let client = client(&options)?;
        // The values: the base, then `limit`.
        let base = lifecycle::listed_base(&base)?;
        let list_options = ListForksOptions {
            limit: limit.map(crate::workflows::checkpoint::limit).transpose()?,
            pagination_token,
        };
        let page = lifecycle::list_forks(&*client, &base, &list_options).await?;
        Ok(fork_page_js(&page))
    }))
}

/// `mergeFork(fork, baseBucket, options?)`.
#[wasm_bindgen(js_name = mergeFork, skip_typescript)]
pub fn merge_fork(fork: JsValue, base_bucket: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let fork = string_arg(&fork, "fork")?;
        let base = string_arg(&base_bucket, "baseBucket")?;
        let client = client(&Options::new(&options)?)?;
        let (fork, base) = lifecycle::merge_buckets(&fork, &base)?;
        let snapshot_id = lifecycle::merge_fork(&*client, &fork, &base).await?;
        Ok(merge_result_js(&snapshot_id))
    }))
}

/// `rebaseFork(fork, options?)`.
#[wasm_bindgen(js_name = rebaseFork, skip_typescript)]
pub fn rebase_fork(fork: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let fork = string_arg(&fork, "fork")?;
        let client = client(&Options::new(&options)?)?;
        let fork = lifecycle::rebased_fork(&fork)?;
        let snapshot_id = lifecycle::rebase_fork(&*client, &fork).await?;
        Ok(merge_result_js(&snapshot_id))
    }))
}

/// `deleteCheckpoint(bucket, snapshotId, options?)`.
#[wasm_bindgen(js_name = deleteCheckpoint, skip_typescript)]
pub fn delete_checkpoint(bucket: JsValue, snapshot_id: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let bucket = string_arg(&bucket, "bucket")?;
        let snapshot_id = string_arg(&snapshot_id, "snapshotId")?;
        let client = client(&Options::new(&options)?)?;
        let bucket = lifecycle::checkpoint_to_delete(&bucket, &snapshot_id)?;
        lifecycle::delete_checkpoint(&*client, &bucket, &snapshot_id).await?;
        Ok(JsValue::UNDEFINED)
    }))
}
