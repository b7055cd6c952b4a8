// Cancellation in bare workerd (no nodejs_compat): a Worker bundled by wrangler 3 from the packed
// tarball (fixtures/workerd-abort) calls createWorkspace with an already-aborted signal and with
// one aborted while tigris-local holds the request (a delay injected through its fault hook).
// The first sends nothing, the second resolves at the abort, not at the server's answer; a third,
// aborted while every attempt is failed, stops before its last attempt. The same Worker also
// answers listForks, one call of the fork lifecycle in workerd.
import { before, after } from 'node:test';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { runtimeTest, project, fixturesDir, bin, requireTool, join, writeFileSync, assert } from './lib/harness.mjs';
import { wranglerBundle, serveWorkerd } from './lib/workerd.mjs';
import { workerdConfig } from '../../examples/worker/workerd-local.mjs';
import { kit } from '../helpers/kit.mjs';
import { assertFewerAttempts } from './lib/scenario.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

runtimeTest('workerd: options.signal, listForks', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`workerd ${requireTool('workerd', bin('workerd'))}`);
  const dir = project('workerd-abort', {
    copy: { 'src/index.js': join(fixturesDir, 'workerd-abort', 'index.js') },
    files: { 'wrangler.toml': 'name = "abort-probe"\nmain = "src/index.js"\ncompatibility_date = "2025-09-01"\n' },
  });
  await wranglerBundle(dir);
  const vars = {
    TIGRIS_STORAGE_ENDPOINT: srv.config.endpoint,
    TIGRIS_IAM_ENDPOINT: srv.config.endpoint,
    TIGRIS_STORAGE_ACCESS_KEY_ID: srv.config.accessKeyId,
    TIGRIS_STORAGE_SECRET_ACCESS_KEY: srv.config.secretAccessKey,
  };
  writeFileSync(join(dir, 'workerd.capnp'), workerdConfig({ dist: join(dir, 'dist'), configDir: dir, vars, address: '127.0.0.1:0', allow: ['local'] }));
  const base = (await serveWorkerd(join(dir, 'workerd.capnp'), { cwd: dir })).url;

  const stamp = Date.now().toString(36);
  const [early, during, retried] = [`wkr-abort-before-${stamp}`, `wkr-abort-during-${stamp}`, `wkr-abort-retried-${stamp}`];
  await srv.fault({ method: 'PUT', path: `/${during}/`, times: 1, action: { delay_ms: 3000 } });
  await srv.fault({ method: 'PUT', path: `/${retried}/`, times: 1000, action: { status: 503 } });
  const res = await fetch(`${base}/?before=${early}&during=${during}&retried=${retried}`, { signal: AbortSignal.timeout(30_000) });
  const out = await res.json();
  assert.deepEqual(out.before, { code: 'Aborted', message: `Failed to create workspace bucket "${early}": Aborted` });
  assert.equal(out.during.code, 'Aborted', JSON.stringify(out));
  assert.equal(out.during.message, `Failed to create workspace bucket "${during}": Aborted`);
  assert.ok(out.during.ms < 1500, `resolved after ${out.during.ms} ms, not after the server's delay`);
  const sent = (await srv.requests()).filter((r) => (r.path ?? '').includes(early));
  assert.deepEqual(sent, [], 'nothing sent for the already-aborted call');
  assert.deepEqual(out.retried, { code: 'Aborted', message: `Failed to create workspace bucket "${retried}": Aborted` });
  assertFewerAttempts(await srv.requests(), retried);
  // The held request still makes its bucket once the server answers; teardown releases it.
  await new Promise((resolve) => setTimeout(resolve, 3200));
  await kit.teardownWorkspace({ bucket: during }, { config: srv.config });
  const names = (await srv.state()).buckets.map((b) => b.name);
  assert.ok(!names.includes(early) && !names.includes(during), `nothing left (${names})`);

  // One call of the fork lifecycle from the Worker: listForks sees the forks made from Node.
  const baseBucket = `wkr-forks-${stamp}`;
  assert.ok((await kit.createWorkspace(baseBucket, { enableSnapshots: true, config: srv.config })).data);
  const set = (await kit.createForks(baseBucket, 2, { config: srv.config })).data;
  assert.ok(set, 'forks made');
  const listed = await (await fetch(`${base}/forks?base=${baseBucket}`, { signal: AbortSignal.timeout(30_000) })).json();
  assert.equal(listed.error, undefined, listed.error);
  assert.deepEqual(listed.data.forks.map((f) => [f.bucket, f.baseBucket, f.snapshotId]).sort(),
    set.forks.map((f) => [f.bucket, baseBucket, set.snapshotId]).sort());
  assert.ok(listed.data.forks.every((f) => !Number.isNaN(Date.parse(f.createdAt))), 'createdAt crosses as a date');
  assert.equal((await kit.teardownForks(set, { deleteSnapshot: true, config: srv.config })).error, undefined);
  assert.equal((await kit.teardownWorkspace({ bucket: baseBucket }, { config: srv.config })).error, undefined);
});
