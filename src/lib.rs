//! tigris-agent-kit: storage primitives for AI agents on Tigris object storage, compiled to
//! WebAssembly — a drop-in replacement for the npm package `@tigrisdata/agent-kit`.
//!
//! (Crate docs with the runtime support matrix: see README.md; filled in as runtimes are proven.)
//!
//! Layers:
//! - [`runtime`]: what the embedder provides (HTTP, clock, randomness, sleep, credentials).
//! - [`config`]: config resolution (explicit > environment > defaults) and validation.
//! - wire layer ([`signing`], [`http`], [`requests`], [`parse`], [`retry`], [`client`]):
//!   builds, signs, sends and parses every Tigris call; implements [`ops::TigrisOps`].
//! - [`workflows`]: the nine agent-kit functions, written once against [`ops::TigrisOps`].
//! - `js` / `api` (wasm32 only): the thin wasm-bindgen glue.

pub mod client;
pub mod config;
pub mod names;
pub mod ops;
pub mod parse;
pub mod requests;
pub mod retry;
pub mod runtime;
pub mod signing;
/// SigV4 header and query-string (presigned) auth over one S3 canonicalisation, with a signing-key cache.
pub mod sigv4;
pub mod workflows;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod js;

/// The wasm heap allocator: talc instead of the default dlmalloc, for a smaller module (≈2 KB
/// gzip) on a single-threaded heap that grows with `memory.grow`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: `new_global` requires that this is the only allocator over the wasm linear memory;
// it is the program's single `#[global_allocator]`.
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
