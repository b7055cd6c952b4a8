//! `receiveCoordinationEvents(request, options?)`: reads `options.auth`, checks the delivery's
//! `Authorization` against it before the body is read (no `auth`: no check), then reads and
//! parses the body ([`crate::webhook`]). `request` is a WHATWG `Request` (its body is consumed)
//! or Node's `{ headers, body }` (`src/js/delivery.js`); anything else is `InvalidArgument`.

use super::convert::{self, Options};
use super::respond;
use crate::js::{authorization, body_text};
use crate::webhook::{self, CoordinationEvent};
use crate::workflows::WorkflowError;
use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// `receiveCoordinationEvents(request, options?)`.
#[wasm_bindgen(js_name = receiveCoordinationEvents, skip_typescript)]
pub fn receive_coordination_events(request: JsValue, options: JsValue) -> js_sys::Promise {
    respond(Box::pin(async move {
        check_authorization(&request, &Options::new(&options)?)?;
        let body = JsFuture::from(body_text(&request).map_err(unreadable)?)
            .await
            .map_err(unreadable)?;
        events_js(&body)
    }))
}

/// With `options.auth`, the delivery's `Authorization` checked against it (no `auth`: no
/// check).
fn check_authorization(request: &JsValue, options: &Options) -> Result<(), WorkflowError> {
    if let Some(auth) = options.object("auth")? {
        let expected = webhook::expected_auth(&convert::webhook_auth(&auth)?)?;
        let value = authorization(request).map_err(|_| {
            WorkflowError::invalid("request.headers could not be read (request must be a Request or { headers, body })")
        })?;
        // Several values (`''` from the JS side), or one that is not a string, are
        // credentials that match nothing.
        let presented = (!value.is_undefined()).then(|| value.as_string().unwrap_or_default());
        webhook::authorize(&expected, presented.as_deref())?;
    }
    Ok(())
}

/// The body that could not be read or awaited.
fn unreadable(_: JsValue) -> WorkflowError {
    WorkflowError::invalid(
        "request.body could not be read (a string, a Uint8Array or an unread Request body)",
    )
}

/// The events of a delivery's `body`, in order.
fn events_js(body: &JsValue) -> Result<JsValue, WorkflowError> {
    // A string of more UTF-16 units than the limit has more UTF-8 bytes too: refused
    // before it is copied into the module's memory.
    let units = body.dyn_ref::<JsString>().map_or(0, JsString::length);
    webhook::check_size(units as usize)?;
    let list = Array::new();
    webhook::for_each_event(&body.as_string().unwrap_or_default(), |event| {
        list.push(&event_js(&event));
    })?;
    Ok(list.into())
}

/// `{ id, eventName, eventTime, bucket, key, size?, eTag? }` with `eventTime` a `Date`; `size`
/// and `eTag` are absent when the event has none.
fn event_js(event: &CoordinationEvent) -> JsValue {
    let object = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    };
    let text = |key: &str, value: &str| set(key, &JsValue::from_str(value));
    text("id", &event.id);
    text("eventName", &event.event_name);
    set(
        "eventTime",
        &js_sys::Date::new(&JsValue::from_f64(event.event_time_ms)),
    );
    text("bucket", &event.bucket);
    text("key", &event.key);
    if let Some(size) = event.size {
        set("size", &JsValue::from_f64(size as f64));
    }
    if let Some(e_tag) = &event.e_tag {
        text("eTag", e_tag);
    }
    object.into()
}
