// The size gate: what a Worker or a browser ships (the .wasm plus its minified web glue), gzip -9,
// at most SIZE_GATE bytes (scripts/size-gate.mjs says why that figure). `npm run bench` reports
// the exact figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSize } from '../../scripts/gzip-size.mjs';
import { SIZE_GATE } from '../../scripts/size-gate.mjs';

/** The gate. */
const CEILING = SIZE_GATE;
/** The aim, printed for reference. */
const AIM = 70 * 1000;

test(`wasm + web glue gzip to at most ${CEILING} bytes`, () => {
  const gz = (f) => gzipSize(readFileSync(new URL(`../../pkg/${f}`, import.meta.url)));
  const wasm = gz('tigris_agent_kit_bg.wasm');
  const glue = gz('web.js');
  console.log(`# size: wasm ${wasm} B + glue ${glue} B = ${wasm + glue} B gzip -9 (gate ${CEILING} B, aim ${AIM} B: ${wasm + glue <= AIM ? 'met' : `${wasm + glue - AIM} B over`})`);
  assert.ok(wasm + glue <= CEILING, `${wasm + glue} B gzip is over the ${CEILING} B ceiling`);
  assert.ok(wasm > 10_000, 'the build produced a real module');
});
