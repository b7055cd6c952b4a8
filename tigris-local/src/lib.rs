//! tigris-local: a local Tigris-compatible server (S3 routes, Tigris snapshot/fork/JSON routes and
//! IAM keys on one port, strict SigV4) for offline tests and development.
//!
//! Layers: [`server`] (HTTP, CORS, test hooks) → [`api`] (routing, auth, operations) →
//! [`store`] (copy-on-write buckets) / [`keys`] → [`webhook`] (events, [`filter`]).

pub mod api;
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
