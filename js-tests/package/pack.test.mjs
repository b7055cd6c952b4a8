// The package as a user gets it: `npm pack` of pkg/, installed into a fresh temp project, used
// with `import` and with `require` in Node 20 against tigris-local.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { declaredFunctions } from '../helpers/kit.mjs';

const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));
let srv;
let project;

before(async () => {
  srv = await startTigrisLocal();
  project = mkdtempSync(join(tmpdir(), 'tak-pack-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project, pkgDir], { encoding: 'utf8' }).trim().split('\n').at(-1);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(project, tarball)], { cwd: project, stdio: 'ignore' });
});
after(async () => {
  await srv?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

const scenario = (load) => `
${load}
const config = JSON.parse(process.env.TAK_CONFIG);
const name = process.env.TAK_BUCKET;
const ws = await kit.createWorkspace(name, { credentials: { role: 'Editor' }, config });
if (ws.error) throw ws.error;
const td = await kit.teardownWorkspace(ws.data, { config });
console.log(JSON.stringify({ exports: Object.keys(kit).sort(), ws: ws.data, teardown: td }));
`;

for (const [flavour, file, load] of [
  ['import', 'esm.mjs', "import * as kit from 'tigris-agent-kit';"],
  ['require', 'cjs.cjs', "const kit = require('tigris-agent-kit'); (async () => {"],
]) {
  test(`installed tarball works with ${flavour}`, async () => {
    const body = flavour === 'require' ? `${scenario(load)}})().catch((e) => { console.error(e); process.exit(1); });` : scenario(load);
    writeFileSync(join(project, file), body);
    const bucket = `pack-${flavour}-${Date.now().toString(36)}`;
    const out = execFileSync(process.execPath, [file], {
      cwd: project, encoding: 'utf8', env: { ...process.env, TAK_CONFIG: JSON.stringify(srv.config), TAK_BUCKET: bucket },
    });
    const result = JSON.parse(out.trim().split('\n').at(-1));
    assert.deepEqual(result.exports, [...declaredFunctions].sort());
    assert.equal(result.ws.bucket, bucket);
    assert.match(result.ws.credentials.accessKeyId, /^tid_/);
    assert.deepEqual(result.teardown, {});  // { data: undefined } serialises to {}
    const state = await srv.state();
    assert.equal(state.buckets.find((b) => b.name === bucket), undefined, 'the bucket is gone');
    assert.equal(state.keys.find((k) => k.id === result.ws.credentials.accessKeyId), undefined, 'the key is gone');
    const made = (await srv.requests()).filter((r) => r.path.startsWith(`/${bucket}`));
    assert.deepEqual(made.map((r) => r.method), ['PUT', 'DELETE']);
  });
}
