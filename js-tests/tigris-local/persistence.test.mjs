// tigris-local with --data-dir keeps its state across a restart, as the official SDKs see it:
// buckets (public, snapshot-enabled, forks), objects, snapshots, TTL rules, notification configs
// and minted keys (which still authenticate). A second server on the same directory is refused.
// (Crash safety under SIGKILL is tigris-local/tests/crash.rs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBucket, createBucketSnapshot, listBucketSnapshots, listForks, listBuckets, getBucketInfo,
  setBucketTtl, setBucketNotifications, put, get,
} from '@tigrisdata/storage';
import { createAccessKey, listAccessKeys } from '@tigrisdata/iam';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { unique } from './lib.mjs';

const ok = (res) => { assert.equal(res.error, undefined, res.error?.message); return res.data; };

test('state survives a restart on the same --data-dir; a second server is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tigris-local-data-'));
  try {
    const [plain, snap, fork, hooked] = ['p-plain', 'p-snap', 'p-fork', 'p-hook'].map(unique);
    let srv = await startTigrisLocal({ extraArgs: ['--data-dir', dir] });
    let config = srv.config;
    ok(await createBucket(plain, { access: 'public', config }));
    ok(await setBucketTtl(plain, { ttlConfig: { enabled: true, days: 7 }, config }));
    ok(await createBucket(hooked, { config }));
    ok(await setBucketNotifications(hooked, { notificationConfig: { enabled: true, url: 'http://127.0.0.1:9/hook', filter: 'WHERE `key` REGEXP "^a"', auth: { token: 'tok-p' } }, config }));
    ok(await createBucket(snap, { enableSnapshot: true, config }));
    ok(await put('k.txt', 'before the snapshot', { config: { ...config, bucket: snap } }));
    const v = ok(await createBucketSnapshot(snap, { name: 'kept', config })).snapshotVersion;
    ok(await put('k.txt', 'after the snapshot', { config: { ...config, bucket: snap } }));
    ok(await createBucket(fork, { sourceBucketName: snap, sourceBucketSnapshot: v, config }));
    const key = ok(await createAccessKey(unique('p-key'), { bucketsRole: [{ bucket: snap, role: 'ReadOnly' }], config }));

    await assert.rejects(startTigrisLocal({ extraArgs: ['--data-dir', dir] }), /in use by another tigris-local/);
    await srv.stop();

    srv = await startTigrisLocal({ extraArgs: ['--data-dir', dir] });
    config = srv.config;
    const names = ok(await listBuckets({ config })).buckets.map((b) => b.name);
    for (const b of [plain, snap, fork, hooked]) assert.ok(names.includes(b), `${b} kept`);
    const plainInfo = ok(await getBucketInfo(plain, { config }));
    assert.equal(plainInfo.settings.lifecycleRules[0].expiration.days, 7);
    const hookInfo = ok(await getBucketInfo(hooked, { config }));
    assert.equal(hookInfo.settings.notifications.url, 'http://127.0.0.1:9/hook');
    assert.equal(hookInfo.settings.notifications.filter, 'WHERE `key` REGEXP "^a"');
    const snaps = ok(await listBucketSnapshots(snap, { config })).snapshots;
    assert.deepEqual(snaps.map((s) => [s.version, s.name]), [[v, 'kept']]);
    assert.equal(ok(await get('k.txt', 'string', { config: { ...config, bucket: snap } })), 'after the snapshot');
    assert.equal(ok(await get('k.txt', 'string', { config: { ...config, bucket: fork } })), 'before the snapshot');
    assert.deepEqual(ok(await listForks(snap, { config })).forks.map((f) => [f.name, f.snapshot]), [[fork, v]]);
    assert.ok(ok(await listAccessKeys({ config })).accessKeys.some((k) => k.id === key.id));
    const asKey = { ...config, accessKeyId: key.id, secretAccessKey: key.secret, bucket: snap };
    assert.equal(ok(await get('k.txt', 'string', { config: asKey })), 'after the snapshot', 'the minted key still authenticates');
    await srv.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
