//! tigris-local: a local Tigris-compatible server (S3 routes, Tigris snapshot/fork/JSON routes and
//! IAM keys on one port, strict SigV4) for offline tests and development.
//!
//! Layers: [`server`] (HTTP, CORS, test hooks) → [`api`] (routing, auth, operations) →
//! [`store`] (copy-on-write buckets) / [`keys`] → [`webhook`] (events, [`filter`], [`batching`]).

/// Writes one `tigris-local: …` line to stderr, ignoring write errors (unlike `eprintln!`, which
/// panics when stderr is gone, e.g. after the parent process died).
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "tigris-local: {}", format_args!($($arg)*));
    }};
}

pub mod api;
pub mod batching;
pub mod clock;
pub mod config;
pub mod filter;
pub mod hooks;
pub mod keys;
pub mod server;
pub mod sigv4;
pub mod store;
pub mod webhook;
pub mod xml;
