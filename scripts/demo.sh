#!/usr/bin/env bash
# The main job: set-up, build, start an embedded tigris-local on 127.0.0.1, point the examples
# at it through the environment, run them end to end, and stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2
cargo build --release -p tigris-local >&2
node scripts/build.mjs --quiet

out=$(mktemp)
target/release/tigris-local --addr 127.0.0.1:0 --access-key-id tid_local --secret-access-key tsec_local \
  >"$out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
endpoint=$(sed -n 's/^tigris-local listening on //p' "$out")
[ -n "$endpoint" ] || { echo "tigris-local did not start" >&2; exit 1; }
echo "tigris-local at $endpoint"

export TIGRIS_STORAGE_ENDPOINT="$endpoint" TIGRIS_IAM_ENDPOINT="$endpoint"
export TIGRIS_STORAGE_ACCESS_KEY_ID=tid_local TIGRIS_STORAGE_SECRET_ACCESS_KEY=tsec_local

for example in examples/node/agent-run.mjs examples/node/agent-run.cjs examples/pipeline/run.mjs; do
  [ -f "$example" ] || { echo "missing example $example" >&2; exit 1; }
  echo
  echo "== node $example"
  node "$example"
done
