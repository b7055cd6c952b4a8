//! The `presign` export, a shim like the others: convert, validate, sign, respond (the workflow
//! is `crate::workflows::presign`).

use super::convert::{plain, string_arg, Options};
use super::{client, respond};
use crate::workflows::presign::{self, Presign};
use js_sys::{Date, Promise};
use wasm_bindgen::prelude::*;

/// `presign(bucket, key, options?)`: `{ url, method, expiresAt }`, `expiresAt` a `Date`.
#[wasm_bindgen(js_name = presign, skip_typescript)]
pub fn presign(bucket: JsValue, key: JsValue, options: JsValue) -> Promise {
    respond(Box::pin(async move {
        let bucket = string_arg(&bucket, "bucket")?;
        let key = string_arg(&key, "key")?;
        let options = Options::new(&options)?;
        let method = options.string("method")?;
        let expires_in = options.count("expiresIn")?;
        let content_type = options.string("contentType")?;
        let client = client(&options)?;
        // The values: the bucket, the key, then the options in declaration order.
        let call = Presign::new(&bucket, key, method.as_deref(), expires_in, content_type)?;
        let signed = presign::presign(&*client, &call).await?;
        let expires_at = Date::new(&JsValue::from_f64(signed.expires_at_ms));
        Ok(plain(&[
            ("url", JsValue::from_str(&signed.url)),
            ("method", JsValue::from_str(signed.method.as_str())),
            ("expiresAt", expires_at.into()),
        ]))
    }))
}
