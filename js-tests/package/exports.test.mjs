// Every entry file exports exactly the functions index.d.ts declares, and every function
// resolves to { data } | { error } for any input, without throwing or rejecting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { kit, declaredFunctions, errorOf } from '../helpers/kit.mjs';

const pkgDir = new URL('../../pkg/', import.meta.url);
const require = createRequire(import.meta.url);

test('index.d.ts and index.d.cts declare the nine functions of the contract, and are identical', () => {
  const dts = readFileSync(new URL('index.d.ts', pkgDir), 'utf8');
  const names = [...dts.matchAll(/^export declare function (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(names, declaredFunctions);
  assert.equal(readFileSync(new URL('index.d.cts', pkgDir), 'utf8'), dts);
});

test('the ESM entry exports exactly the declared functions', () => {
  assert.deepEqual(Object.keys(kit).sort(), [...declaredFunctions].sort());
  for (const name of declaredFunctions) assert.equal(typeof kit[name], 'function');
});

test('the CommonJS entry exports exactly the declared functions', () => {
  const cjs = require('../../pkg/node.cjs');
  assert.deepEqual(Object.keys(cjs).sort(), [...declaredFunctions].sort());
});

test('every other entry file re-exports exactly the declared functions', () => {
  for (const file of ['deno.mjs', 'workerd.mjs', 'browser.mjs', 'node.mjs']) {
    const text = readFileSync(new URL(file, pkgDir), 'utf8');
    const m = /^export \{([^}]*)\} from '\.\/web\.js';$/m.exec(text);
    assert.ok(m, `${file} re-exports from web.js`);
    assert.deepEqual(m[1].split(',').map((s) => s.trim()).sort(), [...declaredFunctions].sort(), file);
  }
});

const garbage = [undefined, null, 0, -1, NaN, Infinity, '', 'x'.repeat(1 << 20), Symbol('s'), 12n, [], {},
  () => {}, new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } }),
  Object.defineProperty({}, 'config', { get() { throw new Error('getter'); }, enumerable: true })];

test('garbage arguments resolve to { error } and never throw or reject', async () => {
  let calls = 0;
  for (const name of declaredFunctions) {
    for (const a of garbage) {
      for (const b of [undefined, ...garbage.slice(0, 6), garbage.at(-1), garbage.at(-2)]) {
        let res;
        try {
          res = await kit[name](a, b, b);
        } catch (e) {
          assert.fail(`${name} threw ${e}`);
        }
        errorOf(res);
        calls += 1;
      }
    }
  }
  assert.ok(calls > 1000);
});
