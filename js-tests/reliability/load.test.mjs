// Smoke version of the load run (`npm run stress` runs 64 agents for 30 s): 8 concurrent
// simulated agents for 3 s, each looping workspace + key → put/get with the scoped key →
// checkpoint → restore (fork) → teardown; zero errors, zero leaked buckets or keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kit } from '../helpers/kit.mjs';
import { startServer } from '../../stress/lib/server.mjs';
import { runLoad, formatLoad } from '../../stress/load.mjs';
import { serverLeaks } from '../../stress/lib/canary.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('8 agents × 3 s: no errors, no leaks', { timeout: 120_000 }, async () => {
  const r = await runLoad({ kit, srv, agents: 8, seconds: 3 });
  console.log(formatLoad(r));
  assert.deepEqual(r.errors, []);
  assert.ok(r.iterations >= 8, `every agent completed iterations (${r.iterations})`);
  assert.deepEqual(r.leaks, { buckets: [], keys: [] });
  assert.deepEqual(await serverLeaks(srv), []);
});
