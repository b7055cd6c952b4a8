// A one-repetition run of the bench (`node bench/run.mjs --smoke`) so it cannot rot: every part
// runs end to end (size, cold start, signing in Node and workerd, workflow latency and RSS with
// 10 forks / 20 checkpoints) and produces sane figures. Writes .tmp/bench-smoke.json only; the
// published figures (bench/results.json, BENCHMARKS.md) come from `npm run bench`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../', import.meta.url));
const out = `${repo}.tmp/bench-smoke.json`;

test('bench smoke run (one repetition of everything cheap)', { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  await new Promise((resolve, reject) => {
    execFile(process.execPath, ['bench/run.mjs', '--smoke', '--out', out], { cwd: repo, timeout: 170_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`)); else resolve();
    });
  });
  t.diagnostic(`smoke run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const r = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(r.smoke, true);

  for (const target of ['worker', 'browser']) {
    assert.ok(r.size.ours[target].total.gzip > 10_000, `our ${target} bundle has a real size`);
    assert.ok(r.size.ours[target].total.brotli < r.size.ours[target].total.gzip);
    assert.ok(r.size.reference[target].total.gzip > 50_000, `the reference ${target} bundle was measured`);
  }
  assert.equal(r.size.reference.worker.bundlesWithoutNodeBuiltins, false, 'the reference needs nodejs_compat (if this changes, update BENCHMARKS.md)');

  for (const side of ['ours', 'reference']) {
    assert.ok(r.cold[side].importMs.median > 0 && r.cold[side].startToResolvedMs.median > r.cold[side].importMs.median);
  }
  for (const s of ['ours-call', 'smithy', 'aws4fetch']) assert.ok(r.signing.node.empty[s].perSecond.median > 100, `node signer ${s}`);
  for (const s of ['ours-call', 'smithy', 'aws4fetch']) assert.ok(r.signing.workerd.empty[s].usPerSig.median > 0, `workerd signer ${s}`);
  for (const s of ['ours-presign', 'sdk-presign', 'aws4fetch-presign']) assert.ok(r.signing.presign[s].perSecond.median > 100, `presigner ${s}`);

  for (const [row, v] of Object.entries(r.workflows.rows)) {
    for (const side of ['ours', 'reference']) {
      assert.ok(v[side].ms.median >= 20, `${row} ${side} took at least one 20 ms round trip`);
      if (v[side].maxRssMiB) assert.ok(v[side].maxRssMiB.median > 20, `${row} ${side} RSS`);
    }
  }
});
