//! Every binding to the JS host lives here (like workers-rs' `worker-sys`): one HTTP exchange
//! over the global `fetch` (`exchange.js`, which owns the request's `AbortController`, deadline
//! and body limit), the reading of a received webhook delivery (`delivery.js`),
//! `setTimeout`/`clearTimeout`, `crypto.getRandomValues`, `Promise.resolve`, plus the
//! environment reader the per-runtime entry files register. Nothing here is reached through
//! `window`, so the same module runs in Node, Deno, workerd and browsers.
//!
//! Every import that can throw is declared `catch`, and every property read goes through
//! `Reflect` (which returns `Err` for a throwing getter or Proxy trap): no JS exception can unwind
//! through Rust frames, and nothing here can panic. Values the caller hands in are read as own
//! properties only ([`own`]), so a polluted `Object.prototype` changes nothing.
//!
//! Against a hostile or broken endpoint the transport answers as the AWS SDK does: redirects are
//! never followed (a 3xx is an error answer and nothing is sent to its `Location`), and a body is
//! refused as soon as it passes [`MAX_BODY_BYTES`].

use crate::config::{Environment, Lookup, Unreadable};
use crate::runtime::{
    body_refused, provider_failed, redirect_refused, HttpRequest, HttpResponse, Runtime,
    TransportError, MAX_BODY_BYTES, PROVIDER_INVALID, RESPONSE_HEADERS,
};
use crate::secret::{KeyPair, Secret};
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The global `crypto.getRandomValues` (Web Crypto: Node ≥ 19, Deno, workerd, browsers).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;

    /// `Promise.resolve`, which can throw (a promise whose `constructor` getter throws).
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve, catch)]
    fn promise_resolve(value: &JsValue) -> Result<Promise, JsValue>;
}

/// Reads `target[key]`; `None` when the read throws.
fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key)).ok()
}

#[wasm_bindgen(module = "/src/js/own.js")]
extern "C" {
    #[wasm_bindgen(js_name = own, catch)]
    fn own_property(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
}

/// Reads `target[key]` when `key` is an own property of `target`, else `undefined`: an inherited
/// value (a polluted `Object.prototype.endpoint`, say) is never used. `Err` when the read throws.
/// One crossing into JS (`own.js`) per read.
pub(crate) fn own(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue> {
    own_property(target, key)
}

/// A thrown or rejected value's message (`error.message`, else the string itself), cut to 300
/// characters; `None` when it has none.
fn describe(error: &JsValue) -> Option<String> {
    let message = error
        .as_string()
        .or_else(|| get(error, "message").and_then(|m| m.as_string()))?;
    Some(crate::text::first_chars(&message, 300).to_owned())
}

/// `describe(error)` plus, when present, its `cause`'s message (Node's `fetch failed` hides the
/// socket error there).
fn describe_network_error(error: &JsValue) -> String {
    let message = describe(error).unwrap_or_else(|| "fetch failed".to_owned());
    match get(error, "cause").as_ref().and_then(describe) {
        Some(cause) if !cause.is_empty() && cause != message => format!("{message} ({cause})"),
        _ => message,
    }
}

/// A rejection or exception of `fetch` or of its body stream, as a network error.
fn network_error(error: JsValue) -> TransportError {
    TransportError::Network(describe_network_error(&error))
}

/// `ms` as a `setTimeout` delay: larger values clamp to the largest one (2³¹ − 1 ms), which JS
/// timers would otherwise turn into an immediate timeout.
fn timer_ms(ms: u32) -> i32 {
    i32::try_from(ms).unwrap_or(i32::MAX)
}

/// A wait as a future (`pause` of `exchange.js`): it ends when its time is up or the call's
/// signal aborts, and is stopped when the future is dropped, so an abandoned wait never keeps a
/// Node process alive until it ends.
struct Timer {
    stop: Option<Function>,
    done: JsFuture,
}

impl Timer {
    /// `None` when the wait cannot be set up (then there is nothing to wait for).
    fn start(ms: u32, signal: Option<&JsValue>) -> Option<Timer> {
        let pair: Array = pause(timer_ms(ms), signal.unwrap_or(&JsValue::UNDEFINED))
            .ok()?
            .dyn_into()
            .ok()?;
        Some(Timer {
            done: JsFuture::from(pair.get(0).dyn_into::<Promise>().ok()?),
            stop: pair.get(1).dyn_into().ok(),
        })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.call0(&JsValue::UNDEFINED);
        }
    }
}

/// The host services over the global JS APIs. One per exported call; holds that call's
/// `credentialProvider` and `signal`, if any.
pub struct JsRuntime {
    credential_provider: Option<Function>,
    signal: Option<JsValue>,
    /// Set when the call starts cleaning up: the signal no longer aborts anything.
    ignoring_signal: std::cell::Cell<bool>,
}

impl JsRuntime {
    /// A runtime that calls `credential_provider` (already checked to be a function) for
    /// credentials and stops when `signal` (an `AbortSignal`, already checked) aborts.
    pub fn new(credential_provider: Option<Function>, signal: Option<JsValue>) -> Self {
        JsRuntime {
            credential_provider,
            signal,
            ignoring_signal: std::cell::Cell::new(false),
        }
    }

    /// The signal, while it still counts.
    fn signal(&self) -> Option<&JsValue> {
        self.signal.as_ref().filter(|_| !self.ignoring_signal.get())
    }
}

#[wasm_bindgen(module = "/src/js/exchange.js")]
extern "C" {
    /// One HTTP exchange: the request in one call, the answer as one array (see the file).
    #[wasm_bindgen(catch)]
    fn exchange(
        text: &str,
        ends: &[u32],
        body: &[u8],
        deadline_ms: i32,
        limit: u32,
        names: &JsValue,
        signal: &JsValue,
    ) -> Result<Promise, JsValue>;

    /// A wait that the signal ends early: `[done, stop]` (see the file).
    #[wasm_bindgen(catch)]
    fn pause(ms: i32, signal: &JsValue) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen(module = "/src/js/delivery.js")]
extern "C" {
    /// A webhook delivery's `Authorization` value, from a `Request` or `{ headers, body }`
    /// (see the file); throws when `request` has no readable headers.
    #[wasm_bindgen(catch)]
    pub(crate) fn authorization(request: &JsValue) -> Result<JsValue, JsValue>;

    /// A webhook delivery's body as a string (see the file); rejects when it cannot be read.
    #[wasm_bindgen(js_name = bodyText, catch)]
    pub(crate) fn body_text(request: &JsValue) -> Result<Promise, JsValue>;
}

/// `answer[2]` of `exchange.js` when a redirect was refused.
const REDIRECT: f64 = 1.0;

thread_local! {
    /// [`RESPONSE_HEADERS`] as one JS array, made once per module instance.
    static RESPONSE_HEADER_NAMES: JsValue =
        RESPONSE_HEADERS.iter().map(|n| JsValue::from_str(n)).collect::<Array>().into();
}

/// Packs the request for `exchange.js`: method, URL, then each header name and value (without
/// the browser-forbidden `host` and `content-length`; the signature covers the URL's host) in
/// one string, with where each part ends in UTF-16 units. One string costs one decode in JS.
fn pack(request: &HttpRequest) -> (String, Vec<u32>) {
    let mut text = String::with_capacity(
        request.url.len()
            + request
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len())
                .sum::<usize>()
            + 8,
    );
    let mut ends = Vec::with_capacity(2 + 2 * request.headers.len());
    let mut at = 0u32;
    let mut push = |part: &str| {
        text.push_str(part);
        at = at.saturating_add(if part.is_ascii() {
            part.len() as u32
        } else {
            part.encode_utf16().count() as u32
        });
        ends.push(at);
    };
    push(request.method);
    push(&request.url);
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        push(name);
        push(value);
    }
    (text, ends)
}

/// Reads the array `exchange.js` resolved to. A redirect (a 3xx, or the browsers' status-0
/// `opaqueredirect`) and a body over [`MAX_BODY_BYTES`] are refused.
fn read_answer(answer: &Array) -> HttpResponse {
    let status = answer
        .get(0)
        .as_f64()
        .filter(|s| (0.0..=999.0).contains(s))
        .map_or(0, |s| s as u16);
    let body = answer.get(2);
    let Some(body) = body.dyn_ref::<Uint8Array>() else {
        return if body.as_f64() == Some(REDIRECT) {
            redirect_refused(status)
        } else {
            body_refused()
        };
    };
    let mut headers = Vec::new();
    for (name, i) in RESPONSE_HEADERS.iter().zip(3..) {
        if let Some(value) = answer.get(i).as_string() {
            headers.push(((*name).to_owned(), value));
        }
    }
    HttpResponse {
        status,
        status_text: answer.get(1).as_string().unwrap_or_default(),
        headers,
        body: body.to_vec(),
    }
}

impl Runtime for JsRuntime {
    async fn send(
        &self,
        request: HttpRequest,
        deadline_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        let (text, ends) = pack(&request);
        let deadline_ms = timer_ms(deadline_ms);
        let promise = RESPONSE_HEADER_NAMES
            .with(|names| {
                exchange(
                    &text,
                    &ends,
                    &request.body,
                    deadline_ms,
                    u32::try_from(MAX_BODY_BYTES).unwrap_or(u32::MAX),
                    names,
                    self.signal().unwrap_or(&JsValue::UNDEFINED),
                )
            })
            .map_err(network_error)?;
        let answer = JsFuture::from(promise).await.map_err(network_error)?;
        match answer.dyn_ref::<Array>() {
            Some(answer) => Ok(read_answer(answer)),
            None if answer.is_null() => Err(TransportError::Timeout),
            None => Err(TransportError::Aborted),
        }
    }

    async fn sleep(&self, ms: u32) {
        if let Some(mut timer) = Timer::start(ms, self.signal()) {
            let _ = (&mut timer.done).await;
        }
    }

    fn aborted(&self) -> bool {
        self.signal()
            .and_then(|signal| get(signal, "aborted"))
            .is_some_and(|aborted| aborted.is_truthy())
    }

    fn ignore_abort(&self) {
        self.ignoring_signal.set(true);
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn fill_random(&self, buf: &mut [u8]) {
        // getRandomValues fills at most 65,536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            if get_random_values(chunk).is_err() {
                // No Web Crypto: fall back to Math.random (used for UUIDs and retry jitter only).
                for byte in chunk.iter_mut() {
                    *byte = (js_sys::Math::random() * 256.0) as u8;
                }
            }
        }
    }

    async fn provide_credentials(&self) -> Option<Result<KeyPair, String>> {
        let provider = self.credential_provider.as_ref()?;
        Some(call_provider(provider).await)
    }
}

/// Calls the user's `credentialProvider`, awaits it and checks its result. Error messages name
/// what was wrong, never the values.
async fn call_provider(provider: &Function) -> Result<KeyPair, String> {
    let failed = |e: &JsValue| provider_failed(describe(e).as_deref());
    let value = provider
        .call0(&JsValue::UNDEFINED)
        .map_err(|e| failed(&e))?;
    let promise = promise_resolve(&value).map_err(|e| failed(&e))?;
    let value = JsFuture::from(promise).await.map_err(|e| failed(&e))?;
    let invalid = || PROVIDER_INVALID.to_owned();
    if !value.is_object() {
        return Err(invalid());
    }
    let field = |key: &str| own(&value, &JsValue::from_str(key)).map_err(|_| invalid());
    let access_key_id = field("accessKeyId")?
        .as_string()
        .filter(|s| !s.is_empty())
        .ok_or_else(invalid)?;
    let secret_access_key = field("secretAccessKey")?
        .as_string()
        .filter(|s| !s.is_empty())
        .ok_or_else(invalid)?;
    let token = field("sessionToken")?;
    let session_token = if token.is_undefined() || token.is_null() {
        None
    } else {
        Some(Secret::from(token.as_string().ok_or_else(|| {
            "credentialProvider returned a sessionToken that is not a string".to_owned()
        })?))
    };
    Ok(KeyPair::new(
        access_key_id,
        secret_access_key,
        session_token,
    ))
}

thread_local! {
    /// The reader registered by the entry file: `(name) => string | undefined`.
    static ENVIRONMENT_READER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers (or, with a non-function, removes) the environment reader.
pub fn set_environment_reader(reader: JsValue) {
    let reader = reader.dyn_into::<Function>().ok();
    ENVIRONMENT_READER.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = reader;
        }
    });
}

/// The environment as the registered reader sees it; none at all when no reader is registered
/// (Workers, browsers). A reader that returns `null` cannot read that variable (Deno without the
/// permission); one that throws or returns anything else but a string means "unset".
pub struct JsEnvironment;

thread_local! {
    /// The variable names asked for so far, as JS strings: each is made once per module
    /// instance, not once per call.
    static VARIABLE_NAMES: RefCell<Vec<(String, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// `name` as a JS string, from [`VARIABLE_NAMES`].
fn variable_name(name: &str) -> JsValue {
    VARIABLE_NAMES.with(|names| {
        let Ok(mut names) = names.try_borrow_mut() else {
            return JsValue::from_str(name);
        };
        if let Some((_, js)) = names.iter().find(|(n, _)| n == name) {
            return js.clone();
        }
        let js = JsValue::from_str(name);
        names.push((name.to_owned(), js.clone()));
        js
    })
}

impl Environment for JsEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        match self.lookup(name) {
            Lookup::Set(value) => Some(value),
            Lookup::Unset | Lookup::Unreadable(_) => None,
        }
    }

    fn lookup(&self, name: &str) -> Lookup {
        let Some(reader) =
            ENVIRONMENT_READER.with(|slot| slot.try_borrow().ok().and_then(|r| r.clone()))
        else {
            return Lookup::Unreadable(Unreadable::NoEnvironment);
        };
        match reader.call1(&JsValue::UNDEFINED, &variable_name(name)) {
            Ok(v) if v.is_null() => Lookup::Unreadable(Unreadable::NotPermitted),
            Ok(v) => v.as_string().map_or(Lookup::Unset, Lookup::Set),
            Err(_) => Lookup::Unset,
        }
    }
}
