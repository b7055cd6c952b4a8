//! `signOnce(accessKeyId, secret, body, nowMs)`: builds the bench request
//! (`PUT https://t3.storage.dev/bench-bucket`, `content-type`, `x-tigris-enable-snapshot`) and
//! signs it with `tigris_agent_kit::signing::sign_request`, as the package does for every call.
//! Returns the `authorization` header's length (0 on error) so nothing large crosses the boundary.
//! `signMany(n, …)` does n signatures in one call (no boundary crossing per signature).

use tigris_agent_kit::runtime::HttpRequest;
use tigris_agent_kit::secret::KeyPair;
use tigris_agent_kit::signing::sign_request;
use wasm_bindgen::prelude::*;

fn sign(keys: &KeyPair, body: &[u8], now_ms: f64) -> u32 {
    let mut req = HttpRequest {
        method: "PUT",
        url: format!("https://{}/{}", "t3.storage.dev", "bench-bucket"),
        headers: vec![
            ("content-type".to_owned(), "application/xml".to_owned()),
            ("x-tigris-enable-snapshot".to_owned(), "true".to_owned()),
        ],
        body: body.to_vec(),
    };
    match sign_request(&mut req, keys, now_ms) {
        Ok(()) => req.headers.last().map_or(0, |(_, v)| v.len() as u32),
        Err(_) => 0,
    }
}

fn keys(access_key_id: String, secret: String) -> KeyPair {
    KeyPair::new(access_key_id, secret, None)
}

#[wasm_bindgen(js_name = signOnce)]
pub fn sign_once(access_key_id: String, secret: String, body: &str, now_ms: f64) -> u32 {
    sign(&keys(access_key_id, secret), body.as_bytes(), now_ms)
}

#[wasm_bindgen(js_name = signMany)]
pub fn sign_many(n: u32, access_key_id: String, secret: String, body: &str, now_ms: f64) -> u32 {
    let keys = keys(access_key_id, secret);
    (0..n)
        .map(|_| sign(&keys, body.as_bytes(), now_ms))
        .fold(0, u32::wrapping_add)
}
