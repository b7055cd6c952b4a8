// The size gate: what a Worker or a browser ships (the .wasm plus its web glue) stays under the
// 119 KB gzip ceiling (the aim is 110 KB; `npm run bench` reports the exact figures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const CEILING = 119 * 1000;

test(`wasm + web glue gzip to at most ${CEILING} bytes`, () => {
  const gz = (f) => gzipSync(readFileSync(new URL(`../../pkg/${f}`, import.meta.url)), { level: 9 }).length;
  const total = gz('tigris_agent_kit_bg.wasm') + gz('web.js');
  console.log(`# size: wasm+glue ${total} B gzip`);
  assert.ok(total <= CEILING, `${total} B gzip is over the ${CEILING} B ceiling`);
  assert.ok(total > 10_000, 'the build produced a real module');
});
