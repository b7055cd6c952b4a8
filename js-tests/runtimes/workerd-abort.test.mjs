// Cancellation in bare workerd (no nodejs_compat): a Worker bundled by wrangler 3 from the packed
// tarball (fixtures/workerd-abort) runs the shared cancellation probe (fixtures/abort-probe.js,
// checked by lib/abort.mjs). The same Worker also answers listForks, one call of the fork
// lifecycle in workerd.
import { before, after } from 'node:test';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { runtimeTest, project, fixturesDir, bin, requireTool, join, assert } from './lib/harness.mjs';
import { serveWorker } from './lib/workerd.mjs';
import { abortNames, assertAborted, assertProbeLeftNothing } from './lib/abort.mjs';
import { kit } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

runtimeTest('workerd: options.signal, listForks', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`workerd ${requireTool('workerd', bin('workerd'))}`);
  const dir = project('workerd-abort', {
    copy: { 'src/index.js': join(fixturesDir, 'workerd-abort', 'index.js'), 'src/abort-probe.js': join(fixturesDir, 'abort-probe.js') },
    files: { 'wrangler.toml': 'name = "abort-probe"\nmain = "src/index.js"\ncompatibility_date = "2025-09-01"\n' },
  });
  const base = await serveWorker(dir, srv.config);

  const names = await abortNames(srv, 'wkr');
  const query = new URLSearchParams(names);
  const out = await (await fetch(`${base}/?${query}`, { signal: AbortSignal.timeout(30_000) })).json();
  await assertAborted(srv, out, names);
  await assertProbeLeftNothing(srv, kit, names);

  // One call of the fork lifecycle from the Worker: listForks sees the forks made from Node.
  const baseBucket = `wkr-forks-${Date.now().toString(36)}`;
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
