// Node 20: examples/node (createWorkspace with a key, checkpoint, listCheckpoints, restore,
// createForks(3), teardown of everything) from the packed tarball installed into a temp
// project, once through `import` (node.mjs) and once through `require` (node.cjs), against a
// tigris-local; effects checked on the server through GET /_local/state.
import { before, after } from 'node:test';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { runtimeTest, project, examplesDir, configEnv, cleanEnv, join, writeFileSync, assert, run, assertOk, lastJson, declaredFunctions } from './lib/harness.mjs';
import { runScenario } from './lib/scenario.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const exampleFiles = ['scenario.cjs', 'agent-run.mjs', 'agent-run.cjs'];

runtimeTest(`node ${process.version} (import + require)`, { timeout: 300_000 }, async (t) => {
  const dir = project('node', { copy: Object.fromEntries(exampleFiles.map((f) => [f, join(examplesDir, 'node', f)])) });

  await t.test('the entry each loader resolves', async () => {
    const probe = `const r = require.resolve('tigris-agent-kit');
import('tigris-agent-kit').then((m) => console.log(JSON.stringify({ require: r, keysImport: Object.keys(m).sort(), keysRequire: Object.keys(require('tigris-agent-kit')).sort() })));`;
    writeFileSync(join(dir, 'probe.cjs'), probe);
    writeFileSync(join(dir, 'probe.mjs'), "console.log(JSON.stringify({ import: import.meta.resolve('tigris-agent-kit') }));\n");
    const cjs = lastJson(assertOk(await run(process.execPath, ['probe.cjs'], { cwd: dir, env: cleanEnv() }), 'probe.cjs').stdout);
    const esm = lastJson(assertOk(await run(process.execPath, ['probe.mjs'], { cwd: dir, env: cleanEnv() }), 'probe.mjs').stdout);
    assert.match(cjs.require, /node_modules\/tigris-agent-kit\/node\.cjs$/);
    assert.match(esm.import, /node_modules\/tigris-agent-kit\/node\.mjs$/);
    assert.deepEqual(cjs.keysImport, [...declaredFunctions].sort());
    assert.deepEqual(cjs.keysRequire, [...declaredFunctions].sort());
  });

  await t.test('import: config from the environment', async () => {
    const name = `node-esm-${Date.now().toString(36)}`;
    const { created } = await runScenario(srv, {
      cmd: process.execPath, args: ['agent-run.mjs', name, '--pause'], cwd: dir, env: cleanEnv(configEnv(srv.config)),
    });
    assert.equal(created.flavour, 'import');
  });

  await t.test('require: config from a .env file', async () => {
    const name = `node-cjs-${Date.now().toString(36)}`;
    writeFileSync(join(dir, '.env'), Object.entries(configEnv(srv.config)).map(([k, v]) => `${k}="${v}"`).join('\n'));
    try {
      const { created } = await runScenario(srv, {
        cmd: process.execPath, args: ['agent-run.cjs', name, '--pause'], cwd: dir, env: cleanEnv(),
      });
      assert.equal(created.flavour, 'require');
    } finally {
      writeFileSync(join(dir, '.env'), '');
    }
  });
});
