// Smoke version of the property test (the 100,000-call run is `npm run stress`): a few thousand
// fast-check calls across the nine exports with hostile arguments; every call resolves to exactly
// one of { data } / { error: Error }, nothing throws, rejects or leaks a canary secret, at least
// half of the calls carry a valid config and reached tigris-local, and the module still runs a
// normal workflow afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kit } from '../helpers/kit.mjs';
import { startServer } from '../../stress/lib/server.mjs';
import { runFuzz, normalWorkflow, EXPORTS } from '../../stress/lib/fuzz.mjs';
import { captureOutput, outputReport, serverLeaks } from '../../stress/lib/canary.mjs';

const CALLS = Number(process.env.RELIABILITY_FUZZ_CALLS ?? 3000);
let srv;
const savedEnv = {};
before(async () => {
  captureOutput();
  srv = await startServer();
  // Calls whose config has no endpoint must never leave the machine.
  for (const k of ['TIGRIS_STORAGE_ENDPOINT', 'TIGRIS_IAM_ENDPOINT', 'TIGRIS_MGMT_ENDPOINT']) {
    savedEnv[k] = process.env[k];
    process.env[k] = srv.endpoint;
  }
});
after(async () => {
  for (const [k, v] of Object.entries(savedEnv)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  await srv?.stop();
});

test(`${CALLS} fuzzed calls resolve to { data } or { error }, and the module stays healthy`, { timeout: 600_000 }, async () => {
  const seed = Number(process.env.RELIABILITY_FUZZ_SEED ?? (Date.now() % 2 ** 31));
  const stats = await runFuzz({ kit, srv, calls: CALLS, seed });
  console.log(`fuzz smoke: ${JSON.stringify({ ...stats, notReached: undefined })}`);
  assert.equal(stats.calls, CALLS);
  for (const name of EXPORTS) assert.ok(stats.byExport[name] > 0, `${name} was called`);
  assert.ok(stats.validConfig >= CALLS / 2, `valid config on ${stats.validConfig} of ${CALLS} calls`);
  assert.ok(stats.reachedServer >= CALLS / 2, `${stats.reachedServer} of ${CALLS} calls reached the server (seed ${seed}); not reached: ${JSON.stringify(stats.notReached)}`);
  const steps = await normalWorkflow(kit, srv.config, `after-fuzz-${process.pid}`);
  assert.equal(steps.length, 10);
  assert.deepEqual((await srv.state()).keys, []);
  assert.deepEqual(await serverLeaks(srv), [], 'tigris-local output leaks a secret');
  assert.deepEqual(outputReport().leaks, [], 'this process printed a secret');
});
