// The module without any environment reader, as Workers and browsers load it (the web glue,
// instantiated here in Node without registering a reader): a missing key says that this runtime
// has no environment and what to pass instead, after the original's text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initSync, createWorkspace, checkpoint } from '../../pkg/web.js';

initSync({ module: readFileSync(new URL('../../pkg/tigris_agent_kit_bg.wasm', import.meta.url)) });

const original = (field, variable) =>
  `Tigris Config incomplete: ${field} is missing. Set ${variable} in environment or pass it as an option.`;

test('a missing key pair names the config field to pass, after the original text', async () => {
  process.env.TIGRIS_STORAGE_ACCESS_KEY_ID = 'tid_not_read_here';
  const { error } = await createWorkspace('no-env-bucket', { config: { endpoint: 'http://127.0.0.1:9' } });
  assert.equal(error.code, 'InvalidArgument');
  assert.equal(error.message, `Failed to create workspace bucket "no-env-bucket": ${original('accessKeyId', 'TIGRIS_STORAGE_ACCESS_KEY_ID')}`
    + ' (this runtime has no environment: pass config.accessKeyId)');
  const secret = (await checkpoint('no-env-bucket', { config: { endpoint: 'http://127.0.0.1:9', accessKeyId: 'tid_x' } })).error;
  assert.ok(secret.message.endsWith(`${original('secretAccessKey', 'TIGRIS_STORAGE_SECRET_ACCESS_KEY')} (this runtime has no environment: pass config.secretAccessKey)`),
    secret.message);
});
