#!/usr/bin/env bash
# Every test of the project, from a fresh machine: set-up, Rust checks (fmt, clippy native and
# wasm32, rustdoc with warnings denied), the release tigris-local (built before `cargo test`, so no
# test runs against a stale binary), the Rust tests, the wasm package build, then the JS suites
# that run the built package in real runtimes against tigris-local on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

step setup
bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (native, all targets; wasm32 lib)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --all-targets --features native -- -D warnings

step "cargo doc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --all-features --no-deps

step "build tigris-local (release)"
cargo build --release -p tigris-local

step "cargo test (native)"
cargo test --workspace
# every test again with the `native` feature: the Send proof, the native client against an
# in-process tigris-local, the crate docs' example (compiled); then examples/native, which
# js-tests/package/native-parity.test.mjs runs
cargo test --features native
cargo build --features native --example native

step "build the wasm package"
node scripts/build.mjs

step "JS tests (node:test)"
node --test --test-concurrency=1 js-tests/
