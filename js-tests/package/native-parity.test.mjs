// The native Rust client and the wasm package send the same requests: one scenario (the one
// examples/native runs: workspace → checkpoint → list → restore → forks → teardowns) through the
// example binary and through the built package, against one tigris-local; its request logs must
// hold the same method, path, query, headers and body, in the same order. Ignored: what differs
// by nature — the signature and its date, the per-attempt `req_uuid`, the snapshot versions and
// minted key ids the server generates, and the headers each HTTP client adds on its own.
// The binary is built by the test command (`cargo build --features native --example native`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf } from '../helpers/kit.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const example = process.env.NATIVE_EXAMPLE_BIN || join(repo, 'target/debug/examples/native');

/** Headers one HTTP client adds and the other may not (none is part of the core's request). */
const CLIENT_HEADERS = new Set(['authorization', 'x-amz-date', 'user-agent', 'accept-encoding',
  'accept-language', 'sec-fetch-mode', 'connection', 'content-length']);
/** Whether a logged header is one of those (an `accept` of any type is each client's default;
 * another `accept` is the core's). */
const clientHeader = (name, value) => CLIENT_HEADERS.has(name) || (name === 'accept' && value === '*/*');

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

/** The JS twin of examples/native/main.rs `scenario`. */
async function jsScenario(run, config) {
  const ws = dataOf(await kit.createWorkspace(run, { enableSnapshots: true, credentials: { role: 'Editor' }, config }));
  const ck = dataOf(await kit.checkpoint(ws.bucket, { name: 'step-1', config }));
  dataOf(await kit.listCheckpoints(ws.bucket, { config }));
  const restored = dataOf(await kit.restore(ws.bucket, ck.snapshotId, { forkName: `${run}-restored`, config }));
  const forks = dataOf(await kit.createForks(ws.bucket, 2, { prefix: `${run}-fork`, concurrency: 1, config }));
  dataOf(await kit.teardownForks(forks, { concurrency: 1, config }));
  dataOf(await kit.teardownWorkspace({ bucket: restored.bucket }, { config }));
  dataOf(await kit.teardownWorkspace(ws, { config }));
}

/** A logged request without what legitimately differs between two runs of one scenario. */
function comparable(entry) {
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const generated = (text) => text.replace(/\b\d{19}\b/g, '<snapshot>').replace(/tid_[a-z0-9]+/g, '<key>').replace(uuid, '<uuid>');
  // A body holding a generated value has a payload hash of its own in each run.
  const hashOfGenerated = generated(entry.body) !== entry.body;
  const headers = Object.fromEntries(Object.entries(entry.headers)
    .filter(([name, value]) => !clientHeader(name, value))
    .map(([name, value]) => [name, name === 'x-amz-content-sha256' && hashOfGenerated ? '<hash>' : generated(value)])
    .sort(([a], [b]) => a.localeCompare(b)));
  const query = entry.query.split('&').filter((p) => p && !p.startsWith('req_uuid=')).join('&');
  return { method: entry.method, path: entry.path, query, headers, body: generated(entry.body) };
}

test('the example binary and the package send the same requests for one scenario', async () => {
  assert.ok(existsSync(example), `${example} is missing: cargo build --features native --example native`);
  const run = uniqueName('parity');
  // No inherited TIGRIS_* variables: the endpoints from the environment, the keys from the
  // working directory's .env (as Node reads it: `export`, quotes, a trailing comment).
  const cwd = mkdtempSync(join(tmpdir(), 'native-parity-'));
  writeFileSync(join(cwd, '.env'), `export TIGRIS_STORAGE_ACCESS_KEY_ID=${srv.accessKeyId} # root\n`
    + `TIGRIS_STORAGE_SECRET_ACCESS_KEY="${srv.secretAccessKey}"\nTIGRIS_STORAGE_ENDPOINT=http://127.0.0.1:9\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIGRIS_')));
  Object.assign(env, { TIGRIS_STORAGE_ENDPOINT: srv.endpoint, TIGRIS_IAM_ENDPOINT: srv.endpoint });
  await srv.reset();
  const native = spawnSync(example, [run], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  rmSync(cwd, { recursive: true, force: true });
  assert.equal(native.status, 0, `example failed:\n${native.stdout}\n${native.stderr}`);
  assert.match(native.stdout, /torn down/);
  const nativeLog = (await srv.requests()).map(comparable);

  await srv.reset();
  await jsScenario(run, srv.config);
  const jsLog = (await srv.requests()).map(comparable);

  // create + key, checkpoint, list, restore, snapshot + 2 forks, 2 fork deletes, restored delete,
  // key removal + workspace delete.
  assert.equal(nativeLog.length, 13, 'the scenario sent every request once');
  assert.deepEqual(nativeLog, jsLog);
  const state = await srv.state();
  assert.deepEqual(state.buckets.filter((b) => b.name.startsWith(run)), [], 'both runs left nothing');
});
