// No secret ever leaves through an error, a log line or process output: canary secret access
// keys, session tokens and webhook credentials are pushed through every workflow in every auth
// mode (root keys, session token + organization, credentialProvider, environment variables),
// with wrong keys, refused requests and injected 5xx faults; every message and every output
// stream (this process, a child Node process, tigris-local's stdout/stderr and request log) is
// scanned for them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kit } from '../helpers/kit.mjs';
import { startServer } from '../../stress/lib/server.mjs';
import { CANARY, captureOutput, outputReport, serverLeaks, leaksIn, leaksInError, remember } from '../../stress/lib/canary.mjs';

let srv;
before(async () => { captureOutput(); srv = await startServer(); });
after(async () => { await srv?.stop(); });

/** One pass of all nine exports (and presign) with `config`, checking every result. Returns the messages. */
async function everyExport(config, tag) {
  const b = `sec-${tag}-${Date.now().toString(36)}`;
  const results = [];
  const call = async (name, ...args) => {
    const res = await kit[name](...args);
    assert.ok(res && (('data' in res) !== ('error' in res)), `${name} resolved to one of data/error`);
    if (res.error) {
      assert.deepEqual(leaksInError(res.error), [], `${name} (${tag}) error leaks: ${res.error.message}`);
      results.push(`${name}: ${res.error.message}`);
    }
    for (const c of [res.data?.credentials, ...(res.data?.forks ?? []).map((f) => f.credentials)]) remember(c?.secretAccessKey);
    return res;
  };
  const ws = await call('createWorkspace', b, { enableSnapshots: true, credentials: { role: 'Editor' }, config });
  const ck = await call('checkpoint', b, { name: 'n', config });
  await call('listCheckpoints', b, { config });
  await call('restore', b, ck.data?.snapshotId ?? '1', { forkName: `${b}-r`, config });
  const forks = await call('createForks', b, 1, { credentials: { role: 'ReadOnly' }, config });
  await call('setupCoordination', b, { webhookUrl: 'http://127.0.0.1:9/h', auth: { token: CANARY.webhookToken }, config });
  await call('setupCoordination', b, { webhookUrl: 'http://127.0.0.1:9/h', auth: { username: CANARY.webhookUser, password: CANARY.webhookPassword }, config });
  await call('setupCoordination', b, { webhookUrl: 'http://127.0.0.1:9/h', auth: { token: CANARY.webhookToken, password: CANARY.webhookPassword }, config });
  await call('teardownCoordination', b, { config });
  // Its URL carries the session token on purpose (data); its errors must not.
  await call('presign', b, 'k', { method: 'PUT', contentType: 'text/plain', config });
  await call('teardownForks', forks.data ?? { baseBucket: b, snapshotId: '1', forks: [{ bucket: `${b}-fork`, credentials: { accessKeyId: 'tid_x', secretAccessKey: CANARY.wrongSecret } }] }, { config });
  await call('teardownWorkspace', { bucket: `${b}-r` }, { config });
  await call('teardownWorkspace', ws.data ?? { bucket: b, credentials: { accessKeyId: 'tid_x', secretAccessKey: CANARY.wrongSecret } }, { config });
  return results;
}

test('valid root keys, session token and credentialProvider: no secret in any message', async () => {
  const { endpoint } = srv;
  for (const [tag, config] of [
    ['root', srv.config],
    ['token', { endpoint, iamEndpoint: endpoint, sessionToken: CANARY.sessionToken, organizationId: CANARY.orgId }],
    ['provider', { endpoint, iamEndpoint: endpoint, credentialProvider: async () => ({ accessKeyId: CANARY.rootKeyId, secretAccessKey: CANARY.rootSecret }) }],
  ]) {
    const errors = await everyExport(config, tag);
    // Only the deliberately invalid auth shape fails.
    assert.deepEqual(errors.map((e) => e.split(':')[0]), ['setupCoordination'], `${tag}: ${errors.join('\n')}`);
  }
});

test('wrong secrets, wrong tokens, failing providers and 5xx: every error is clean', async () => {
  const { endpoint } = srv;
  const configs = [
    ['wrong-secret', { ...srv.config, secretAccessKey: CANARY.wrongSecret }],
    ['unknown-key', { ...srv.config, accessKeyId: 'tid_unknown', secretAccessKey: CANARY.wrongSecret }],
    ['wrong-token', { endpoint, iamEndpoint: endpoint, sessionToken: `${CANARY.sessionToken}x`, organizationId: CANARY.orgId }],
    ['token-no-org', { endpoint, iamEndpoint: endpoint, sessionToken: CANARY.sessionToken }],
    ['provider-wrong', { endpoint, iamEndpoint: endpoint, credentialProvider: () => ({ accessKeyId: CANARY.rootKeyId, secretAccessKey: CANARY.providerSecret }) }],
    ['provider-throws', { endpoint, iamEndpoint: endpoint, credentialProvider: async () => { throw new Error('vault unreachable'); } }],
    ['provider-garbage', { endpoint, iamEndpoint: endpoint, credentialProvider: async () => ({ accessKeyId: 7, secretAccessKey: CANARY.providerSecret, sessionToken: 9 }) }],
    ['refused-connection', { ...srv.config, endpoint: 'http://127.0.0.1:9', iamEndpoint: 'http://127.0.0.1:9' }],
  ];
  for (const [tag, config] of configs) {
    const errors = await everyExport(config, tag);
    assert.ok(errors.length >= 9, `${tag}: every call failed (${errors.length})`);
  }
  // Server-side failures that echo request details: 500s with the request's headers in the body.
  await srv.fault({ times: 200, action: { status: 500, body: `<Error><Code>InternalError</Code><Message>boom</Message></Error>` } });
  const errors = await everyExport(srv.config, 'faulted');
  assert.ok(errors.length >= 9);
  await srv.reset();
});

test('secrets from environment variables never appear either, in this or a child process', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    const kit = await import(${JSON.stringify(new URL('../../pkg/node.mjs', import.meta.url).href)});
    const results = [];
    results.push(await kit.createWorkspace('env-bucket-1', { credentials: { role: 'Editor' } }));
    results.push(await kit.checkpoint('env-bucket-1'));
    results.push(await kit.listCheckpoints('nope-bucket'));
    results.push(await kit.setupCoordination('env-bucket-1', { webhookUrl: 'http://127.0.0.1:9/', auth: { token: ${JSON.stringify(CANARY.webhookToken)} } }));
    results.push(await kit.teardownWorkspace({ bucket: 'env-bucket-1', credentials: { accessKeyId: 'tid_nope', secretAccessKey: ${JSON.stringify(CANARY.wrongSecret)} } }));
    for (const r of results) { console.log(r); console.error(r.error ?? 'ok'); }
    // A wrong secret from the environment:
    process.env.TIGRIS_STORAGE_SECRET_ACCESS_KEY = ${JSON.stringify(CANARY.wrongSecret)};
    const bad = await kit.createWorkspace('env-bucket-2');
    console.log(bad, bad.error?.stack);
  `], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env: { PATH: process.env.PATH, TIGRIS_STORAGE_ENDPOINT: srv.endpoint, TIGRIS_IAM_ENDPOINT: srv.endpoint,
      TIGRIS_STORAGE_ACCESS_KEY_ID: CANARY.rootKeyId, TIGRIS_STORAGE_SECRET_ACCESS_KEY: CANARY.rootSecret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0, out);
  assert.match(out, /Failed to create workspace bucket "env-bucket-2"/, 'the wrong environment secret was used and refused');
  // The child printed whole results, including a minted key's secret in `data` (the one place it
  // belongs); strip `secretAccessKey: '…'` pairs of data objects, then nothing may remain.
  const scrubbed = out.replace(/secretAccessKey: '[^']*'/g, "secretAccessKey: '<data>'");
  assert.deepEqual(leaksIn(scrubbed), [], out);
});

test('no canary in tigris-local output or request log, nor in this process output', async () => {
  assert.deepEqual(await serverLeaks(srv), []);
  assert.deepEqual(outputReport().leaks, []);
});

// Found by this suite: a webhook credential carried in the URL (user-info, or a signature in the
// query, both common for webhooks) is shown verbatim by tigris-local's /_local/requests (PATCH
// body) and /_local/state (notifications), although both mask `token` and `basic_pass`. The
// package itself never puts it in an error.
test('webhook credentials inside the URL are masked in the request log and the state dump', async () => {
  const secret = 'pw_CANARY_in_url_6c1d0e';
  const b = `sec-url-${Date.now().toString(36)}`;
  assert.ok((await kit.createWorkspace(b, { config: srv.config })).data);
  for (const webhookUrl of [`http://hook-user:${secret}@127.0.0.1:9/h`, `http://127.0.0.1:9/h?sig=${secret}`]) {
    const res = await kit.setupCoordination(b, { webhookUrl, config: srv.config });
    assert.deepEqual(res, { data: undefined });
  }
  await srv.fault({ method: 'PATCH', times: 10, action: { status: 500 } });
  const failed = await kit.setupCoordination(b, { webhookUrl: `http://hook-user:${secret}@127.0.0.1:9/h`, config: srv.config });
  assert.ok(!failed.error.message.includes(secret));
  assert.ok(!srv.stderr().includes(secret), 'stderr');
  const state = JSON.stringify(await srv.state());
  const log = JSON.stringify(await srv.requests());
  await srv.reset();
  assert.ok(!log.includes(secret), `/_local/requests shows the URL credential: …${log.slice(log.indexOf(secret) - 120, log.indexOf(secret) + 40)}…`);
  assert.ok(!state.includes(secret), '/_local/state shows the URL credential');
});
