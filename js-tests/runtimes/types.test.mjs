// Type fidelity of the packed package: the original's documentation examples (every export) compile with tsc
// under moduleResolution nodenext as ESM (.mts) and CJS (.cts) consumers and under
// moduleResolution bundler (also with the workerd / deno / browser conditions); `@ts-expect-error`
// lines prove the `auth` union rejects token+username; the package's types are assignable both
// ways to the contract (fixtures/types/contract/agent-kit.d.ts, the original package's published
// types); and
// @arethetypeswrong/cli and publint report no problems.
import { readFileSync as read } from 'node:fs';
import {
  runtimeTest, project, tarball, installedPkg, fixturesDir, bin, run, assertOk, requireTool, assert, join, writeFileSync, cleanEnv,
} from './lib/harness.mjs';

const tsc = bin('tsc');
const usage = read(join(fixturesDir, 'types', 'usage.ts'), 'utf8');
const assignability = read(join(fixturesDir, 'types', 'assignability.ts'), 'utf8');
const contract = read(join(fixturesDir, 'types', 'contract', 'agent-kit.d.ts'), 'utf8');

const strict = { strict: true, noEmit: true, skipLibCheck: false, types: [], target: 'es2022', lib: ['es2022', 'dom'], noUnusedLocals: false, exactOptionalPropertyTypes: false };

async function compile(dir, name, compilerOptions, files) {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, files: Object.keys(files) }, null, 2));
  const res = await run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`, '--pretty', 'false'], { cwd: dir, timeout: 120_000, env: cleanEnv() });
  assertOk(res, `tsc (${name})`);
}

runtimeTest('types (tsc nodenext ESM+CJS, bundler; attw; publint)', { timeout: 600_000 }, async (t) => {
  requireTool('types', tsc, ['--version']);
  const dir = project('types', { files: { 'contract/agent-kit.d.ts': contract } });

  await t.test('nodenext, ESM consumer (.mts → index.d.ts via node/import)', async () => {
    await compile(dir, 'esm', { module: 'nodenext', moduleResolution: 'nodenext' }, { 'usage.mts': usage, 'assignability.mts': assignability });
  });

  await t.test('nodenext, CJS consumer (.cts → index.d.cts via node/require)', async () => {
    await compile(dir, 'cjs', { module: 'nodenext', moduleResolution: 'nodenext' }, { 'usage.cts': usage, 'assignability.cts': assignability });
  });

  for (const conditions of [[], ['workerd'], ['deno'], ['browser']]) {
    const label = conditions.length ? `bundler + customConditions ${conditions[0]}` : 'bundler';
    await t.test(`${label} consumer (.ts)`, async () => {
      await compile(dir, `bundler${conditions[0] ?? ''}`, { module: 'esnext', moduleResolution: 'bundler', customConditions: conditions },
        { 'usage.ts': usage, 'assignability.ts': assignability });
    });
  }

  await t.test('a broken use is reported (the checks are live)', async () => {
    writeFileSync(join(dir, 'broken.ts'), `import { createForks } from "tigris-agent-kit";\nexport const x = createForks("b", "three");\n`);
    writeFileSync(join(dir, 'tsconfig.broken.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler' }, files: ['broken.ts'] }));
    const res = await run(process.execPath, [tsc, '-p', 'tsconfig.broken.json', '--pretty', 'false'], { cwd: dir, timeout: 120_000 });
    assert.notEqual(res.code, 0);
    assert.match(res.stdout, /broken\.ts\(2,\d+\): error TS2345/);
  });

  await t.test('@arethetypeswrong/cli: no problems (the .wasm subpath has no types by design)', async () => {
    requireTool('types', bin('attw'));
    const res = await run(bin('attw'), [tarball(), '--exclude-entrypoints', './tigris_agent_kit_bg.wasm', '--format', 'ascii'],
      { cwd: dir, timeout: 120_000, env: cleanEnv({ NO_COLOR: '1', FORCE_COLOR: '0' }) });
    assertOk(res, 'attw');
    assert.match(res.stdout, /No problems found/);
  });

  await t.test('publint: all good, at suggestion level', async () => {
    requireTool('types', bin('publint'));
    const res = await run(bin('publint'), ['run', installedPkg(dir), '--level', 'suggestion', '--pack', 'false', '--strict'],
      { cwd: dir, timeout: 120_000, env: cleanEnv({ NO_COLOR: '1' }) });
    assertOk(res, 'publint');
    assert.match(res.stdout, /All good!/);
  });
});
