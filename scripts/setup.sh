#!/usr/bin/env bash
# Installs everything the build, tests and demo need on a fresh machine of this kind, idempotently:
# the wasm32 target, the wasm-bindgen CLI pinned to Cargo.lock's wasm-bindgen, and the npm
# devDependencies. Safe to run again; it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"|version = /, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (about 5 minutes)" >&2
  # no --locked: the CLI's own lockfile pins a crate version that was later yanked, so a locked
  # install fails
  cargo install wasm-bindgen-cli --version "$want"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# moto (PyPI) is the independent SigV4 judge in js-tests/package/moto-judge.test.mjs.
python3 -c 'import moto.server, boto3' 2>/dev/null || pip install --quiet 'moto[server]==5.2.1' 'boto3==1.43.11'

# Runtimes of the matrix (Deno, workerd, Chromium) and the bundlers: see the script.
bash scripts/setup-runtimes.sh
