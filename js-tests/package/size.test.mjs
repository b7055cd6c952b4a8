// The size gate: what a Worker or a browser ships (the .wasm plus its minified web glue), gzip -9.
// The target is 119 KB (aim 110 KB); until it is met the gate holds today's size so the package
// cannot grow unnoticed. `npm run bench` reports the exact figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSize } from '../../scripts/gzip-size.mjs';

/** The target (issue 7): what the original ships at its smallest, 119 KB gzip. Not met yet. */
const TARGET = 119 * 1000;
/**
 * The gate in force until the target is met: today's size (131,752 B) plus 1 %, so that no
 * change can make the package bigger unnoticed. Lower it with every cut; set it to TARGET once
 * the wasm is small enough.
 */
const CEILING = 133 * 1000;

test(`wasm + web glue gzip to at most ${CEILING} bytes (target ${TARGET})`, () => {
  const gz = (f) => gzipSize(readFileSync(new URL(`../../pkg/${f}`, import.meta.url)));
  const wasm = gz('tigris_agent_kit_bg.wasm');
  const glue = gz('web.js');
  console.log(`# size: wasm ${wasm} B + glue ${glue} B = ${wasm + glue} B gzip -9 (target ${TARGET} B: ${wasm + glue <= TARGET ? 'met' : `${wasm + glue - TARGET} B over`})`);
  assert.ok(wasm + glue <= CEILING, `${wasm + glue} B gzip is over the ${CEILING} B ceiling`);
  assert.ok(wasm > 10_000, 'the build produced a real module');
});
