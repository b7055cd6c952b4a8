//! tigris-agent-kit: storage primitives for AI agents on Tigris object storage (forks,
//! workspaces, checkpoints, coordination), compiled to WebAssembly — a drop-in replacement for
//! the npm package `@tigrisdata/agent-kit`. Every request is signed in the module (SigV4) and
//! sent through the runtime's global `fetch`; which runtimes are proven is in pkg/README.md ("Runtimes").
//!
//! Layers, from a JS call down to `fetch` (docs/architecture.md follows one call through them):
//!
//! ```text
//! js glue (wasm32 only: api, js)   JS values → Rust types, {data}/{error} with error.code back
//!   └─ workflows                   the exports, written once against ops::TigrisOps
//!        └─ ops::TigrisOps         the Tigris calls the workflows need (one per SDK call)
//!             └─ client            the wire implementation: config → auth plan → request →
//!                  │               signed attempts with retries → answer or coded error
//!                  ├─ requests, parse, signing (over sigv4), retry
//!                  └─ runtime::Runtime   what the host provides (HTTP, clock, random, sleep,
//!                                        credential provider)
//! ```
//!
//! - [`config`]: config resolution (explicit > environment > defaults) and validation.
//! - [`requests`] builds each call's exact request, [`signing`] signs it (with [`sigv4`]'s
//!   canonicalisation and key cache over `aws-sigv4`'s key derivation and HMAC), [`retry`] repeats
//!   transient failures as each request's [`retry::Idempotency`] allows, [`parse`] reads the
//!   answers; [`client`] ties them into [`client::TigrisClient`], which implements
//!   [`ops::TigrisOps`].
//! - [`workflows`]: the agent-kit functions and their argument checks; [`webhook`]: the receiving
//!   end of coordination (a delivery's `Authorization` check and its events), no request made.
//! - [`error_code`]: the `error.code` every failure carries; [`secret`]: the types that keep
//!   secrets out of `Debug` output.
//! - `api` / `js` (wasm32 only): the thin wasm-bindgen glue and the bindings to the JS host;
//!   with the `native` feature, the Rust client (`AgentKit`, below) is the other glue.
#![cfg_attr(feature = "native", doc = include_str!("native/crate-docs.md"))]

pub mod client;
pub mod config;
pub mod error_code;
pub mod ops;
pub mod parse;
pub mod requests;
pub mod retry;
pub mod runtime;
pub mod secret;
pub mod signing;
/// SigV4 header and query-string (presigned) auth over one S3 canonicalisation, with a signing-key cache.
pub mod sigv4;
/// Substring search without the standard library's two-way searcher (a smaller wasm).
mod text;
pub mod webhook;
pub mod workflows;

#[cfg(feature = "native")]
mod native;
#[cfg(feature = "native")]
pub use config::Environment;
#[cfg(feature = "native")]
pub use native::{
    AgentKit, CheckpointOptions, Config, CoordinationEvent, CreateForksOptions,
    CreateWorkspaceOptions, CredentialProvider, CredentialsOptions, Error, LifecycleOptions,
    ListCheckpointsOptions, ListForksOptions, MergeResult, NativeRuntime, PresignOptions,
    PresignedUrl, ProcessEnvironment, ReceiveCoordinationOptions, RestoreOptions, RestoreResult,
    SetupCoordinationOptions, TeardownCoordinationOptions, TeardownForksOptions,
    TeardownWorkspaceOptions, Ttl, WebhookAuth,
};
#[cfg(feature = "native")]
pub use ops::{Access, ErrorCode, ObjectMethod, Role};
#[cfg(feature = "native")]
pub use secret::{KeyPair, Secret};
#[cfg(feature = "native")]
pub use workflows::checkpoint::{Checkpoint, CheckpointPage as ListCheckpointsResponse};
#[cfg(feature = "native")]
pub use workflows::forks::{Fork, Forks};
#[cfg(feature = "native")]
pub use workflows::lifecycle::{ForkInfo, ForkPage as ListForksResponse};
#[cfg(feature = "native")]
pub use workflows::workspace::Workspace;
#[cfg(feature = "native")]
pub use workflows::Credentials;

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
