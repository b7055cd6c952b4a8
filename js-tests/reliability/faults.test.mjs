// The fault matrix (stress/lib/faults.mjs): every workflow × every request of its wire sequence ×
// {persistent 500, 503 then recovery, connection dropped before / after the server acted,
// malformed 200 body where the client parses, a request held past the call's requestTimeoutMs}.
// Each cell asserts the seed doc's failure mode, then the matching teardown leaves no bucket, key
// or notification behind.
import { test, before, after } from 'node:test';
import { kit } from '../helpers/kit.mjs';
import { startServer } from '../../stress/lib/server.mjs';
import { cells, runCell } from '../../stress/lib/faults.mjs';
import { captureOutput, outputReport, serverLeaks } from '../../stress/lib/canary.mjs';
import assert from 'node:assert/strict';

let srv;
const ctx = { notes: [] };
before(async () => {
  captureOutput();
  srv = await startServer();
  Object.assign(ctx, { srv, config: srv.config });
});
after(async () => { await srv?.stop(); });

for (const cell of cells(kit)) {
  test(cell.id, { timeout: 120_000 }, async () => {
    const r = await runCell(ctx, cell);
    if (r.note) console.log(`${cell.id}: ${r.note}`);
  });
}

test('no secret in any output of the matrix', async () => {
  for (const n of ctx.notes) console.log(`note: ${n}`);
  assert.deepEqual(await serverLeaks(srv), []);
  assert.deepEqual(outputReport().leaks, []);
});
