// The package as a user gets it: `npm pack` of pkg/, installed into a fresh temp project, used
// with `import` and with `require` in Node 20 against tigris-local; the tarball carries the user
// README, the MIT LICENSE and type declarations whose every export and option has a doc comment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { declaredFunctions } from '../helpers/kit.mjs';

const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));
let srv;
let project;
let tarballFiles;

before(async () => {
  srv = await startTigrisLocal();
  project = mkdtempSync(join(tmpdir(), 'tak-pack-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project, pkgDir], { encoding: 'utf8' }).trim().split('\n').at(-1);
  tarballFiles = execFileSync('tar', ['-tzf', join(project, tarball)], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
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

/** The installed copy of a file of the package (what the tarball delivered). */
const installed = (file) => join(project, 'node_modules', 'tigris-agent-kit', file);

test('the tarball carries README.md, LICENSE and both declaration files', () => {
  for (const file of ['README.md', 'LICENSE', 'index.d.ts', 'index.d.cts', 'package.json']) {
    assert.ok(tarballFiles.includes(file), `${file} is in the tarball (${tarballFiles.join(', ')})`);
    assert.ok(existsSync(installed(file)), `${file} is installed`);
  }
  const manifest = JSON.parse(readFileSync(installed('package.json'), 'utf8'));
  assert.equal(manifest.license, 'MIT');
  assert.equal(manifest.repository, undefined, 'no repository field until the project has a public home');
  assert.equal(manifest.homepage, undefined, 'no homepage field until the project has a public home');
});

test('LICENSE is the MIT license text with a copyright line', () => {
  const text = readFileSync(installed('LICENSE'), 'utf8');
  assert.match(text, /^MIT License\n\nCopyright \(c\) \d{4} \S/);
  for (const clause of [
    'Permission is hereby granted, free of charge, to any person obtaining a copy',
    'The above copyright notice and this permission notice shall be included in all',
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR',
  ]) assert.ok(text.includes(clause), `LICENSE contains: ${clause}`);
});

test('README.md is written for package users: install, drop-in alias, every export, error codes', () => {
  const text = readFileSync(installed('README.md'), 'utf8');
  const { name } = JSON.parse(readFileSync(installed('package.json'), 'utf8'));
  assert.ok(text.includes(`npm i ${name}`), 'install command');
  assert.ok(text.includes(`npm i @tigrisdata/agent-kit@npm:${name}`), 'drop-in alias');
  for (const fn of declaredFunctions) assert.match(text, new RegExp(`\\b${fn}\\(`), `README shows ${fn}()`);
  const codes = [...readFileSync(installed('index.d.ts'), 'utf8').matchAll(/^\s*\| "(\w+)"$/gm)].map((m) => m[1]);
  assert.ok(codes.length >= 10, `the d.ts lists the error codes (${codes})`);
  for (const code of codes) assert.ok(text.includes(`\`${code}\``), `README mentions error code ${code}`);
  assert.doesNotMatch(text, /\]\((?!https?:|#)[^)]+\)/, 'no link to a repository path (the README is read on its own)');
});

/**
 * The declarations of a d.ts that need a doc comment: every exported function and type, and every
 * top-level property of the option and config types. Each is `{ what, documented }`, documented
 * when a `/** … *\/` ends right before it (on the line above, or inline on the same line).
 */
function docTargets(dts) {
  const lines = dts.split('\n');
  const targets = [];
  const docAbove = (i) => /\*\/\s*$/.test(lines[i - 1] ?? '');
  for (const [i, line] of lines.entries()) {
    const exp = /^export (?:declare function|type) (\w+)/.exec(line);
    if (exp) targets.push({ what: exp[1], documented: docAbove(i) });
    const opts = /^export type (\w+(?:Options|Config)) = \{(.*)$/.exec(line);
    if (!opts) continue;
    if (opts[2].trim() !== '') {
      // a one-line type: each property carries its doc inline
      for (const m of opts[2].matchAll(/(\/\*\*(?:(?!\*\/).)*\*\/\s*)?(\w+)\??:/g)) {
        targets.push({ what: `${opts[1]}.${m[2]}`, documented: Boolean(m[1]) });
      }
      continue;
    }
    for (let j = i + 1; j < lines.length && lines[j] !== '};'; j += 1) {
      const prop = /^  (\w+)\??:/.exec(lines[j]);
      if (prop) targets.push({ what: `${opts[1]}.${prop[1]}`, documented: docAbove(j) });
    }
  }
  return targets;
}

for (const file of ['index.d.ts', 'index.d.cts']) {
  test(`${file}: every export and every option has a doc comment`, () => {
    const targets = docTargets(readFileSync(installed(file), 'utf8'));
    const functions = targets.filter((t) => declaredFunctions.includes(t.what));
    assert.deepEqual(functions.map((t) => t.what).sort(), [...declaredFunctions].sort(), 'every exported function was found');
    assert.ok(targets.some((t) => t.what === 'CreateForksOptions.concurrency'), 'option properties were found');
    assert.ok(targets.some((t) => t.what === 'TeardownForksOptions.config'), 'one-line option types were found');
    assert.deepEqual(targets.filter((t) => !t.documented).map((t) => t.what), [], 'declarations without a doc comment');
  });
}
