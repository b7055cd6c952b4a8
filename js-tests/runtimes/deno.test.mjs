// Deno 2 (npm `deno`): examples/deno/agent-run.ts from the packed tarball through the package's
// `deno` export, with --allow-net=127.0.0.1 and read permission denied; config from Deno.env
// when --allow-env is given, explicit (flags) otherwise. Effects checked through
// GET /_local/state. A probe shows the env is read only with the env permission.
import { before, after } from 'node:test';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import {
  runtimeTest, project, examplesDir, fixturesDir, bin, requireTool, tempDir, configEnv, cleanEnv, join, assert, run, assertOk, lastJson, bucketIn,
} from './lib/harness.mjs';
import { runScenario } from './lib/scenario.mjs';
import { abortNames, assertAborted, assertProbeLeftNothing } from './lib/abort.mjs';
import { kit } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const deno = bin('deno');
// Loopback only, no read, never prompt; DENO_DIR in a temp dir; no update check.
const denoRun = ['run', '--allow-net=127.0.0.1', '--deny-read', '--no-prompt'];

runtimeTest('deno', { timeout: 300_000 }, async (t) => {
  const version = requireTool('deno', deno);
  t.diagnostic(version);
  const dir = project('deno', { copy: { 'agent-run.ts': join(examplesDir, 'deno', 'agent-run.ts'), 'env-probe.ts': join(fixturesDir, 'deno', 'env-probe.ts'), 'abort-probe.ts': join(fixturesDir, 'deno', 'abort-probe.ts'), 'abort-probe.js': join(fixturesDir, 'abort-probe.js') } });
  const denoEnv = (extra) => cleanEnv({ DENO_DIR: tempDir('deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...extra });

  await t.test('--allow-env: the package reads TIGRIS_* from Deno.env', async () => {
    const name = `deno-env-${Date.now().toString(36)}`;
    const { created } = await runScenario(srv, {
      cmd: deno, args: [...denoRun, '--allow-env', 'agent-run.ts', name, '--pause'], cwd: dir, env: denoEnv(configEnv(srv.config)),
    });
    assert.equal(created.configFrom, 'Deno.env');
  });

  await t.test('no env permission: explicit config (env holds a wrong secret, unread)', async () => {
    const name = `deno-explicit-${Date.now().toString(36)}`;
    const { config } = srv;
    const { created } = await runScenario(srv, {
      cmd: deno,
      args: [...denoRun, 'agent-run.ts', name, `--endpoint=${config.endpoint}`, `--iam-endpoint=${config.iamEndpoint ?? config.endpoint}`,
        `--access-key-id=${config.accessKeyId}`, `--secret-access-key=${config.secretAccessKey}`, '--pause'],
      cwd: dir,
      env: denoEnv({ ...configEnv(config), TIGRIS_STORAGE_SECRET_ACCESS_KEY: 'wrong-secret' }),
    });
    assert.equal(created.configFrom, 'flags');
  });

  await t.test('the env is read only with the env permission, and never prompts', async () => {
    const endpoint = srv.config.endpoint;
    const env = denoEnv(configEnv({ accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey }));
    const without = lastJson(assertOk(await run(deno, [...denoRun, 'env-probe.ts', endpoint, `deno-noenv-${Date.now().toString(36)}`], { cwd: dir, env, timeout: 60_000 }), 'env-probe').stdout);
    assert.match(without.resolved, /node_modules\/tigris-agent-kit\/deno\.mjs$/, 'the deno export condition is used');
    assert.equal(without.readPermission, 'denied');
    assert.notEqual(without.envPermission, 'granted');
    assert.equal(without.bucket, undefined);
    assert.ok(without.errorIsError, `without --allow-env the call resolves to { error } (got ${JSON.stringify(without)})`);
    assert.equal(without.error, 'Failed to create workspace bucket "' + without.name + '": Tigris Config incomplete: accessKeyId is missing. '
      + 'Set TIGRIS_STORAGE_ACCESS_KEY_ID in environment or pass it as an option. (Deno: the env permission for TIGRIS_STORAGE_ACCESS_KEY_ID is not granted)',
      'the message says the variable is set but not readable');

    const name = `deno-withenv-${Date.now().toString(36)}`;
    const withEnv = lastJson(assertOk(await run(deno, [...denoRun, '--allow-env', 'env-probe.ts', endpoint, name], { cwd: dir, env, timeout: 60_000 }), 'env-probe').stdout);
    assert.equal(withEnv.error, undefined, `with --allow-env the keys come from Deno.env (got ${JSON.stringify(withEnv)})`);
    assert.equal(withEnv.bucket, name);
    const state = await srv.state();
    assert.equal(bucketIn(state, name), undefined, 'the probe tore its bucket down');
    assert.equal(state.buckets.some((b) => b.name.startsWith('deno-noenv-')), false, 'nothing was created without credentials');
  });

  await t.test('options.signal: aborted before, during a held request and during retries', async () => {
    const names = await abortNames(srv, 'deno');
    const { config } = srv;
    const out = lastJson(assertOk(await run(deno, [...denoRun, 'abort-probe.ts', config.endpoint, config.accessKeyId, config.secretAccessKey, names.before, names.during, names.retried],
      { cwd: dir, env: denoEnv({}), timeout: 60_000 }), 'abort-probe').stdout);
    await assertAborted(srv, out, names);
    await assertProbeLeftNothing(srv, kit, names);
  });
});
