//! Every binding to the JS host lives here (like workers-rs' `worker-sys`): the global `fetch`,
//! `setTimeout`/`clearTimeout`, `crypto.getRandomValues`, `AbortController`, `Promise.resolve`,
//! plus the environment reader the per-runtime entry files register. Nothing here is reached
//! through `window`, so the same module runs in Node, Deno, workerd and browsers.
//!
//! Every import that can throw is declared `catch`, and every property read goes through
//! `Reflect` (which returns `Err` for a throwing getter or Proxy trap): no JS exception can unwind
//! through Rust frames, and nothing here can panic. Values the caller hands in are read as own
//! properties only ([`own`]), so a polluted `Object.prototype` changes nothing.
//!
//! Against a hostile or broken endpoint the transport answers as the AWS SDK does: redirects are
//! never followed (a 3xx is an error answer and nothing is sent to its `Location`), and a body is
//! read as a stream and refused as soon as it passes [`MAX_BODY_BYTES`].

use crate::config::{Environment, Lookup, Unreadable};
use crate::runtime::{
    body_refused, provider_failed, redirect_refused, HttpRequest, HttpResponse, Runtime,
    TransportError, MAX_BODY_BYTES, PROVIDER_INVALID, RESPONSE_HEADERS,
};
use crate::secret::{KeyPair, Secret};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (never `window.fetch`).
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_name = setTimeout, catch)]
    fn set_timeout(handler: &Function, ms: i32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = clearTimeout, catch)]
    fn clear_timeout(id: &JsValue) -> Result<JsValue, JsValue>;

    /// The global `crypto.getRandomValues` (Web Crypto: Node ≥ 19, Deno, workerd, browsers).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;

    /// `Promise.resolve`, which can throw (a promise whose `constructor` getter throws).
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve, catch)]
    fn promise_resolve(value: &JsValue) -> Result<Promise, JsValue>;

    type AbortController;

    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AbortController, JsValue>;
}

/// Reads `target[key]`; `None` when the read throws.
fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key)).ok()
}

/// Reads `target[name]` as a function; `None` when the read throws or gives something else.
fn method(target: &JsValue, name: &str) -> Option<Function> {
    get(target, name).and_then(|f| f.dyn_into::<Function>().ok())
}

/// Reads `target[key]` when `key` is an own property of `target`, else `undefined`: an inherited
/// value (a polluted `Object.prototype.endpoint`, say) is never used. `Err` when the read throws.
pub(crate) fn own(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue> {
    if Reflect::get_own_property_descriptor(target.unchecked_ref::<Object>(), key)?.is_undefined() {
        return Ok(JsValue::UNDEFINED);
    }
    Reflect::get(target, key)
}

/// Sets `target[key] = value` on an object this module created.
fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A thrown or rejected value's message (`error.message`, else the string itself), cut to 300
/// characters; `None` when it has none.
fn describe(error: &JsValue) -> Option<String> {
    let message = error
        .as_string()
        .or_else(|| get(error, "message").and_then(|m| m.as_string()))?;
    let cut = message
        .char_indices()
        .nth(300)
        .map_or(message.len(), |(i, _)| i);
    Some(message.get(..cut).unwrap_or_default().to_owned())
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

/// A JS timer as a future; the timer is cleared when the future is dropped, so a finished
/// request never keeps a Node process alive until its deadline.
struct Timer {
    id: Option<JsValue>,
    done: JsFuture,
}

impl Timer {
    /// `None` when there is no usable `setTimeout`.
    fn start(ms: u32) -> Option<Timer> {
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let mut id = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            id = set_timeout(&resolve, ms).ok();
        });
        id.as_ref()?;
        Some(Timer {
            id,
            done: JsFuture::from(promise),
        })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let _ = clear_timeout(&id);
        }
    }
}

/// The host services over the global JS APIs. One per exported call; holds that call's
/// `credentialProvider`, if any.
pub struct JsRuntime {
    credential_provider: Option<Function>,
}

impl JsRuntime {
    /// A runtime that calls `credential_provider` (already checked to be a function) for
    /// credentials.
    pub fn new(credential_provider: Option<Function>) -> Self {
        JsRuntime {
            credential_provider,
        }
    }
}

/// Builds the `fetch` init: method, headers (without the browser-forbidden `host` and
/// `content-length`; the signature covers the URL's host), body, abort signal and
/// `redirect: "manual"`. The init and its headers record have no prototype, so `fetch` sees only
/// what is set here; a record costs one object and its strings, where pairs cost an array each.
fn request_init(request: &HttpRequest, signal: Option<&JsValue>) -> Object {
    let init = Object::create(JsValue::NULL.unchecked_ref());
    set(&init, "method", &JsValue::from_str(request.method));
    set(&init, "redirect", &JsValue::from_str("manual"));
    let headers = Object::create(JsValue::NULL.unchecked_ref());
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        set(&headers, name, &JsValue::from_str(value));
    }
    set(&init, "headers", &headers);
    if !request.body.is_empty() {
        set(&init, "body", &Uint8Array::from(request.body.as_slice()));
    }
    if let Some(signal) = signal {
        set(&init, "signal", signal);
    }
    init
}

/// Cancels the exchange's connection (its deadline passed, or its answer is refused).
fn abort(controller: Option<&AbortController>) {
    if let Some(controller) = controller {
        if let Some(abort) = method(controller, "abort") {
            let _ = abort.call0(controller);
        }
    }
}

/// Awaits a JS value as a promise; a rejection becomes a network error.
async fn settle(value: &JsValue) -> Result<JsValue, TransportError> {
    JsFuture::from(promise_resolve(value).map_err(network_error)?)
        .await
        .map_err(network_error)
}

/// Calls `target[name]()`; `None` when it is not a function or throws.
fn call_method(target: &JsValue, name: &str) -> Option<Result<JsValue, JsValue>> {
    method(target, name).map(|f| f.call0(target))
}

/// Reads the body of `response`: `None` when it passes [`MAX_BODY_BYTES`] (the rest is never
/// read). An answer that declares a length within the limit (every answer a Tigris endpoint
/// gives) is read with one `arrayBuffer()`, which HTTP framing holds to that length; any other
/// is streamed and cut at the limit.
async fn read_body(
    response: &JsValue,
    length: Option<usize>,
) -> Result<Option<Vec<u8>>, TransportError> {
    if length.is_some_and(|n| n <= MAX_BODY_BYTES) {
        if let Some(buffer) = call_method(response, "arrayBuffer") {
            let bytes = Uint8Array::new(&settle(&buffer.map_err(network_error)?).await?);
            return Ok((bytes.length() as usize <= MAX_BODY_BYTES).then(|| bytes.to_vec()));
        }
    }
    read_stream(response).await
}

/// Reads `response.body` chunk by chunk into one buffer: `None` as soon as it passes
/// [`MAX_BODY_BYTES`]. A response without a body stream is empty.
async fn read_stream(response: &JsValue) -> Result<Option<Vec<u8>>, TransportError> {
    let mut body = Vec::new();
    let stream = get(response, "body").unwrap_or(JsValue::NULL);
    if stream.is_null() || stream.is_undefined() {
        return Ok(Some(body));
    }
    let no_reader = || TransportError::Network("the response has no body reader".to_owned());
    let reader = call_method(&stream, "getReader")
        .ok_or_else(no_reader)?
        .map_err(network_error)?;
    let read = method(&reader, "read").ok_or_else(no_reader)?;
    let (done, value) = (JsValue::from_str("done"), JsValue::from_str("value"));
    loop {
        let step = settle(&read.call0(&reader).map_err(network_error)?).await?;
        if Reflect::get(&step, &done).is_ok_and(|d| d.is_truthy()) {
            return Ok(Some(body));
        }
        let chunk = Reflect::get(&step, &value)
            .ok()
            .and_then(|c| c.dyn_into::<Uint8Array>().ok())
            .ok_or_else(no_reader)?;
        let start = body.len();
        let end = start.saturating_add(chunk.length() as usize);
        if end > MAX_BODY_BYTES {
            return Ok(None);
        }
        body.resize(end, 0);
        if let Some(slot) = body.get_mut(start..) {
            chunk.copy_to(slot);
        }
    }
}

/// `headers.get(name)` of a `fetch` `Headers`, when it is a string.
fn header(headers: &JsValue, get_header: &Function, name: &str) -> Option<String> {
    get_header
        .call1(headers, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
}

/// Reads a `fetch` `Response` into an [`HttpResponse`] (the body is awaited too). A redirect (a
/// 3xx, or the browsers' status-0 `opaqueredirect`) and a body over [`MAX_BODY_BYTES`] are
/// refused, and their connection cancelled.
async fn read_response(
    response: JsValue,
    controller: Option<&AbortController>,
) -> Result<HttpResponse, TransportError> {
    let status = get(&response, "status")
        .and_then(|s| s.as_f64())
        .filter(|s| (0.0..=999.0).contains(s))
        .map_or(0, |s| s as u16);
    if (300..400).contains(&status)
        || (status == 0
            && get(&response, "type")
                .and_then(|t| t.as_string())
                .as_deref()
                == Some("opaqueredirect"))
    {
        abort(controller);
        return Ok(redirect_refused(status));
    }
    let status_text = get(&response, "statusText")
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    let mut headers = Vec::new();
    let mut length = None;
    if let Some(js_headers) = get(&response, "headers") {
        if let Some(get_header) = method(&js_headers, "get") {
            for name in RESPONSE_HEADERS {
                if let Some(value) = header(&js_headers, &get_header, name) {
                    headers.push((name.to_owned(), value));
                }
            }
            length = header(&js_headers, &get_header, "content-length")
                .and_then(|n| n.trim().parse::<usize>().ok());
        }
    }
    let Some(body) = read_body(&response, length).await? else {
        abort(controller);
        return Ok(body_refused());
    };
    Ok(HttpResponse {
        status,
        status_text,
        headers,
        body,
    })
}

impl Runtime for JsRuntime {
    async fn send(
        &self,
        request: HttpRequest,
        deadline_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().and_then(|c| get(c, "signal"));
        let init = request_init(&request, signal.as_ref());
        let exchange = async {
            let promise = global_fetch(&request.url, &init).map_err(network_error)?;
            let response = JsFuture::from(promise).await.map_err(network_error)?;
            read_response(response, controller.as_ref()).await
        };
        let mut exchange = pin!(exchange);
        let mut timer = Timer::start(deadline_ms);
        let outcome = poll_fn(|cx| {
            if let Poll::Ready(result) = exchange.as_mut().poll(cx) {
                return Poll::Ready(Some(result));
            }
            if let Some(timer) = timer.as_mut() {
                if Pin::new(&mut timer.done).poll(cx).is_ready() {
                    return Poll::Ready(None);
                }
            }
            Poll::Pending
        })
        .await;
        drop(timer);
        match outcome {
            Some(result) => result,
            None => {
                // The exchange future is dropped with its connection.
                abort(controller.as_ref());
                Err(TransportError::Timeout)
            }
        }
    }

    async fn sleep(&self, ms: u32) {
        if let Some(mut timer) = Timer::start(ms) {
            let _ = (&mut timer.done).await;
        }
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
        match reader.call1(&JsValue::UNDEFINED, &JsValue::from_str(name)) {
            Ok(v) if v.is_null() => Lookup::Unreadable(Unreadable::NotPermitted),
            Ok(v) => v.as_string().map_or(Lookup::Unset, Lookup::Set),
            Err(_) => Lookup::Unset,
        }
    }
}
