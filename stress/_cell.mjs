// Replays the fault-matrix cells whose id contains the given text, one by one, against a fresh
// canary tigris-local (a debugging aid for lib/faults.mjs): `node stress/_cell.mjs checkpoint`.
import { startServer } from './lib/server.mjs';
import { cells, runCell } from './lib/faults.mjs';
const kit = await import('../pkg/node.mjs');
const srv = await startServer();
const ctx = { srv, config: srv.config, notes: [] };
for (const c of cells(kit).filter((c) => c.id.includes(process.argv[2]))) {
  try { const r = await runCell(ctx, c); console.log('ok', r.id, r.ms, r.note ?? ''); } catch (e) { console.log('FAIL', e.message.slice(0, 800)); await srv.reset(); }
}
await srv.stop();
