//! The JS error of a failed call: a plain `new Error(message)` (so `error.name` stays `Error`, as
//! in the original) carrying `code`, the server's `status` and `serverCode` when an answer
//! caused the failure, and a `toJSON`, so `JSON.stringify(result)` shows the error instead of
//! `{}`. Messages never hold secrets, so neither does the JSON.

use crate::workflows::WorkflowError;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// `new Error(failure.message)` with its fields and a non-enumerable `toJSON`.
#[inline(never)]
pub(crate) fn js_error(failure: &WorkflowError) -> JsValue {
    let error: JsValue = js_sys::Error::new(&failure.message).into();
    let shown: JsValue = Object::new().into();
    let set = |target: &JsValue, key: &str, value: &JsValue| {
        let _ = Reflect::set(target, &JsValue::from_str(key), value);
    };
    set(&shown, "name", &JsValue::from_str("Error"));
    set(&shown, "message", &JsValue::from_str(&failure.message));
    let add = |key: &str, value: JsValue| {
        set(&error, key, &value);
        set(&shown, key, &value);
    };
    add("code", JsValue::from_str(failure.code.as_str()));
    if let Some(reply) = &failure.reply {
        add("status", JsValue::from(reply.status));
        if let Some(code) = &reply.code {
            add("serverCode", JsValue::from_str(code));
        }
    }
    let descriptor: JsValue = Object::new().into();
    set(&descriptor, "value", &to_json(&shown));
    set(&descriptor, "writable", &JsValue::TRUE);
    set(&descriptor, "configurable", &JsValue::TRUE);
    let _ = Reflect::define_property::<JsValue>(
        error.unchecked_ref(),
        &JsValue::from_str("toJSON"),
        descriptor.unchecked_ref(),
    );
    error
}

/// A function returning `snapshot`: the built-in `Object.prototype.valueOf` bound to it. No
/// code is compiled at run time (Workers and strict CSPs forbid that), and nothing leaks: the
/// function is an ordinary JS object, collected with the error.
fn to_json(snapshot: &JsValue) -> JsValue {
    Reflect::get(&Object::new(), &JsValue::from_str("valueOf"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .map_or(JsValue::UNDEFINED, |value_of| {
            value_of.bind0(snapshot).into()
        })
}
