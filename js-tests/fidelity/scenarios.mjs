// The workflows of the original's documentation, each as a scenario run once per
// side against one tigris-local: `setup` (official SDK calls, identical for both sides, not
// compared), then `run` through the side under test (compared). `ordered: false` compares the
// request logs as a multiset (our bounded-concurrency forks); everything else in order.
import { createBucket, createBucketSnapshot, setBucketNotifications } from '@tigrisdata/storage';
import { createAccessKey } from '@tigrisdata/iam';
import { labelsFrom, addLabels, normalise } from './compare.mjs';

const must = async (p, what) => {
  const r = await p;
  if (r.error) throw new Error(`setup ${what}: ${r.error.message}`);
  return r.data;
};
const bucket = (srv, name, opts = {}) => must(createBucket(name, { ...opts, config: srv.config }), `createBucket ${name}`);
const snapshot = async (srv, name, snapName) => (await must(createBucketSnapshot(name, { name: snapName, config: srv.config }), `snapshot ${name}`)).snapshotVersion;
const key = async (srv, b, role = 'Editor') => {
  const k = await must(createAccessKey(`${b}-key`, { bucketsRole: [{ bucket: b, role }], config: srv.config }), `key ${b}`);
  return { accessKeyId: k.id, secretAccessKey: k.secret };
};
const xml409 = '<Error><Code>BucketAlreadyExists</Code><Message>The requested bucket name is not available.</Message></Error>';

/** Sets up a fork set like createForks would leave it (base, snapshot, forks with keys). */
async function forkSet(srv, base, prefix, n, withKeys) {
  await bucket(srv, base, { enableSnapshot: true });
  const snapshotId = await snapshot(srv, base);
  const forks = [];
  for (let i = 0; i < n; i++) {
    const b = `${prefix}-${i}`;
    await bucket(srv, b, { sourceBucketName: base, sourceBucketSnapshot: snapshotId });
    forks.push(withKeys ? { bucket: b, credentials: await key(srv, b) } : { bucket: b });
  }
  return { baseBucket: base, snapshotId, forks };
}

export const scenarios = [
  // Workspaces
  { name: 'createWorkspace(name)', run: (k, c) => k.createWorkspace('fid-ws', { config: c }) },
  { name: 'createWorkspace access public', run: (k, c) => k.createWorkspace('fid-ws', { access: 'public', config: c }) },
  { name: 'createWorkspace access private + enableSnapshots', run: (k, c) => k.createWorkspace('fid-ws', { access: 'private', enableSnapshots: true, config: c }) },
  { name: 'createWorkspace ttl + credentials Editor', run: (k, c) => k.createWorkspace('fid-ws', { ttl: { days: 1 }, credentials: { role: 'Editor' }, config: c }) },
  { name: 'createWorkspace ttl 7 + credentials ReadOnly + public', run: (k, c) => k.createWorkspace('fid-ws', { ttl: { days: 7 }, credentials: { role: 'ReadOnly' }, access: 'public', config: c }) },
  {
    name: 'createWorkspace docs example (ttl refused on a snapshot bucket, swallowed)',
    run: (k, c) => k.createWorkspace('fid-ws', { ttl: { days: 1 }, enableSnapshots: true, credentials: { role: 'Editor' }, access: 'private', config: c }),
  },
  { name: 'createWorkspace on a taken name (409)', setup: (srv) => bucket(srv, 'fid-ws'), run: (k, c) => k.createWorkspace('fid-ws', { ttl: { days: 1 }, credentials: { role: 'Editor' }, config: c }) },
  {
    name: 'createWorkspace whose key call fails (403, swallowed)',
    setup: (srv) => srv.fault({ method: 'POST', path: '/', times: 1, action: { status: 403, body: '{"Code":"AccessDenied","Message":"quota"}' } }),
    run: (k, c) => k.createWorkspace('fid-ws', { credentials: { role: 'Editor' }, config: c }),
  },
  {
    name: 'teardownWorkspace with credentials',
    setup: async (srv) => { await bucket(srv, 'fid-ws'); return { ws: { bucket: 'fid-ws', credentials: await key(srv, 'fid-ws') } }; },
    run: (k, c, ctx) => k.teardownWorkspace(ctx.ws, { config: c }),
  },
  { name: 'teardownWorkspace without credentials', setup: (srv) => bucket(srv, 'fid-ws'), run: (k, c) => k.teardownWorkspace({ bucket: 'fid-ws' }, { config: c }) },
  {
    name: 'teardownWorkspace of a missing bucket with an unknown key (both errors)',
    run: (k, c) => k.teardownWorkspace({ bucket: 'fid-gone', credentials: { accessKeyId: 'tid_doesnotexist', secretAccessKey: 'tsec_x' } }, { config: c }),
  },

  // Checkpoints
  { name: 'checkpoint named', setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }), run: (k, c) => k.checkpoint('fid-base', { name: 'epoch-50', config: c }) },
  { name: 'checkpoint unnamed', setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }), run: (k, c) => k.checkpoint('fid-base', { config: c }) },
  { name: 'checkpoint on a bucket without snapshots (400)', setup: (srv) => bucket(srv, 'fid-base'), run: (k, c) => k.checkpoint('fid-base', { name: 'x', config: c }) },
  {
    name: 'listCheckpoints (no options)',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); await snapshot(srv, 'fid-base', 'one'); await snapshot(srv, 'fid-base'); },
    run: (k, c) => k.listCheckpoints('fid-base', { config: c }),
  },
  {
    name: 'listCheckpoints limit 2',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); for (const n of ['a', 'b', 'c']) await snapshot(srv, 'fid-base', n); },
    run: (k, c) => k.listCheckpoints('fid-base', { limit: 2, config: c }),
  },
  {
    name: 'listCheckpoints with a paginationToken',
    setup: async (srv) => {
      await bucket(srv, 'fid-base', { enableSnapshot: true });
      const v = [];
      for (const n of ['a', 'b', 'c']) v.push(await snapshot(srv, 'fid-base', n));
      return { token: v[1] };
    },
    run: (k, c, ctx) => k.listCheckpoints('fid-base', { limit: 5, paginationToken: ctx.token, config: c }),
  },
  { name: 'listCheckpoints of a missing bucket', run: (k, c) => k.listCheckpoints('fid-none', { config: c }) },
  {
    name: 'restore with forkName',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); return { v: await snapshot(srv, 'fid-base', 'good') }; },
    run: (k, c, ctx) => k.restore('fid-base', ctx.v, { forkName: 'fid-restored', config: c }),
  },
  {
    name: 'restore with the default name',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); return { v: await snapshot(srv, 'fid-base') }; },
    run: (k, c, ctx) => k.restore('fid-base', ctx.v, { config: c }),
  },
  {
    name: 'restore from "" (fork from now)',
    setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }),
    run: (k, c) => k.restore('fid-base', '', { forkName: 'fid-restored', config: c }),
  },
  {
    name: 'restore from an unknown snapshot (404)',
    setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }),
    run: (k, c) => k.restore('fid-base', '1000000000000000000', { forkName: 'fid-restored', config: c }),
  },

  // Forks
  {
    name: 'createForks(base, 3, {prefix, credentials ReadOnly}) concurrency 1',
    setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }),
    run: (k, c) => k.createForks('fid-base', 3, { prefix: 'fid-fk', credentials: { role: 'ReadOnly' }, concurrency: 1, config: c }),
  },
  {
    name: 'createForks(base, 2) default prefix, no credentials, concurrency 1',
    setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }),
    run: (k, c) => k.createForks('fid-base', 2, { concurrency: 1, config: c }),
  },
  {
    name: 'createForks(base, 6, {prefix, credentials Editor}) default concurrency',
    ordered: false,
    setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }),
    run: (k, c) => k.createForks('fid-base', 6, { prefix: 'fid-fk', credentials: { role: 'Editor' }, config: c }),
  },
  {
    name: 'createForks stops at the 3rd fork failing (409) concurrency 1',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); await srv.fault({ method: 'PUT', path: '/fid-fk-2/', times: 5, action: { status: 409, body: xml409 } }); },
    run: (k, c) => k.createForks('fid-base', 5, { prefix: 'fid-fk', credentials: { role: 'Editor' }, concurrency: 1, config: c }),
  },
  {
    name: 'createForks whose 2nd key fails (swallowed) concurrency 1',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); await srv.fault({ method: 'POST', path: '/', nth: 2, times: 1, action: { status: 403, body: '{"Code":"AccessDenied","Message":"quota"}' } }); },
    run: (k, c) => k.createForks('fid-base', 3, { prefix: 'fid-fk', credentials: { role: 'Editor' }, concurrency: 1, config: c }),
  },
  { name: 'createForks of a bucket without snapshots', setup: (srv) => bucket(srv, 'fid-base'), run: (k, c) => k.createForks('fid-base', 2, { prefix: 'fid-fk', config: c }) },
  { name: 'createForks count 0', setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }), run: (k, c) => k.createForks('fid-base', 0, { prefix: 'fid-fk', config: c }) },
  {
    name: 'teardownForks with credentials concurrency 1',
    setup: async (srv) => ({ set: await forkSet(srv, 'fid-base', 'fid-fk', 3, true) }),
    run: (k, c, ctx) => k.teardownForks(ctx.set, { concurrency: 1, config: c }),
  },
  {
    name: 'teardownForks with credentials default concurrency',
    ordered: false,
    setup: async (srv) => ({ set: await forkSet(srv, 'fid-base', 'fid-fk', 5, true) }),
    run: (k, c, ctx) => k.teardownForks(ctx.set, { config: c }),
  },
  {
    name: 'teardownForks with a missing fork and an unknown key (errors aggregated) concurrency 1',
    setup: async (srv) => {
      const set = await forkSet(srv, 'fid-base', 'fid-fk', 2, false);
      set.forks.splice(1, 0, { bucket: 'fid-fk-gone', credentials: { accessKeyId: 'tid_doesnotexist', secretAccessKey: 'tsec_x' } });
      return { set };
    },
    run: (k, c, ctx) => k.teardownForks(ctx.set, { concurrency: 1, config: c }),
  },

  // Fork lifecycle (docs/protocol.md §5.13)
  {
    name: 'listForks in two pages of 2',
    setup: async (srv) => ({ set: await forkSet(srv, 'fid-base', 'fid-fk', 3, false) }),
    run: async (k, c) => {
      const first = await k.listForks('fid-base', { limit: 2, config: c });
      return { first, second: await k.listForks('fid-base', { limit: 2, paginationToken: first.data?.paginationToken, config: c }) };
    },
  },
  {
    name: 'listForks from a server that ignores X-Tigris-Fork (lineage listing, filtered)',
    setup: async (srv) => {
      await forkSet(srv, 'fid-base', 'fid-fk', 2, false);
      await forkSet(srv, 'fid-other', 'fid-ot', 1, false);
      const plain = JSON.stringify({ Buckets: { Bucket: [{ Name: 'fid-base', CreationDate: '2026-01-01T00:00:00.000Z' }] } });
      await srv.fault({ method: 'GET', path: '/', header: 'x-tigris-fork', times: 1, action: { status: 200, body: plain } });
    },
    run: (k, c) => k.listForks('fid-base', { config: c }),
  },
  { name: 'listForks of a bucket without forks', setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }), run: (k, c) => k.listForks('fid-base', { config: c }) },
  {
    name: 'mergeFork of a direct fork',
    setup: async (srv) => ({ set: await forkSet(srv, 'fid-base', 'fid-fk', 1, false) }),
    run: (k, c) => k.mergeFork('fid-fk-0', 'fid-base', { config: c }),
  },
  {
    name: 'mergeFork of a bucket that is not a direct fork (400)',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); await bucket(srv, 'fid-other'); },
    run: (k, c) => k.mergeFork('fid-other', 'fid-base', { config: c }),
  },
  {
    name: 'rebaseFork',
    setup: async (srv) => ({ set: await forkSet(srv, 'fid-base', 'fid-fk', 1, false) }),
    run: (k, c) => k.rebaseFork('fid-fk-0', { config: c }),
  },
  {
    name: 'deleteCheckpoint',
    setup: async (srv) => { await bucket(srv, 'fid-base', { enableSnapshot: true }); return { v: await snapshot(srv, 'fid-base', 'v1') }; },
    run: (k, c, ctx) => k.deleteCheckpoint('fid-base', ctx.v, { config: c }),
  },
  {
    name: 'deleteCheckpoint of an unknown snapshot (404)',
    setup: (srv) => bucket(srv, 'fid-base', { enableSnapshot: true }),
    run: (k, c) => k.deleteCheckpoint('fid-base', '1000000000000000000', { config: c }),
  },
  {
    name: 'teardownForks with deleteSnapshot concurrency 1',
    setup: async (srv) => ({ set: await forkSet(srv, 'fid-base', 'fid-fk', 2, true) }),
    run: (k, c, ctx) => k.teardownForks(ctx.set, { deleteSnapshot: true, concurrency: 1, config: c }),
  },

  // Transient server errors (both sides may retry; the attempts are folded, see compare.mjs)
  {
    name: 'createWorkspace whose bucket PUT is answered 503 once',
    setup: (srv) => srv.fault({ method: 'PUT', path: '/fid-ws/', times: 1, action: { status: 503, body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' } }),
    run: (k, c) => k.createWorkspace('fid-ws', { config: c }),
  },
  {
    name: 'teardownCoordination whose PATCH is answered 503 once',
    setup: async (srv) => { await bucket(srv, 'fid-pipe'); await srv.fault({ method: 'PATCH', path: '/fid-pipe', times: 1, action: { status: 503, body: '{"Code":"SlowDown","Message":"Please reduce your request rate."}' } }); },
    run: (k, c) => k.teardownCoordination('fid-pipe', { config: c }),
  },

  // Coordination
  {
    name: 'setupCoordination filter + bearer token',
    setup: (srv) => bucket(srv, 'fid-pipe'),
    run: (k, c) => k.setupCoordination('fid-pipe', { webhookUrl: 'https://example.com/webhook', filter: 'WHERE `key` REGEXP "^results/"', auth: { token: 'test-secret-token' }, config: c }),
  },
  {
    name: 'setupCoordination basic auth, no filter',
    setup: (srv) => bucket(srv, 'fid-pipe'),
    run: (k, c) => k.setupCoordination('fid-pipe', { webhookUrl: 'https://example.com/hook2', auth: { username: 'u', password: 'p' }, config: c }),
  },
  {
    name: 'setupCoordination no auth over an existing config (auth kept by the merge)',
    setup: async (srv) => {
      await bucket(srv, 'fid-pipe');
      await must(setBucketNotifications('fid-pipe', { notificationConfig: { enabled: true, url: 'https://example.com/old', filter: 'WHERE `key` REGEXP "\\.json$"', auth: { token: 'old-token' } }, config: srv.config }), 'notifications');
    },
    run: (k, c) => k.setupCoordination('fid-pipe', { webhookUrl: 'https://example.com/hook3', config: c }),
  },
  { name: 'setupCoordination on a missing bucket', run: (k, c) => k.setupCoordination('fid-none', { webhookUrl: 'https://example.com/h', config: c }) },
  {
    name: 'teardownCoordination',
    setup: async (srv) => {
      await bucket(srv, 'fid-pipe');
      await must(setBucketNotifications('fid-pipe', { notificationConfig: { enabled: true, url: 'https://example.com/h', filter: '', auth: { token: 't' } }, config: srv.config }), 'notifications');
    },
    run: (k, c) => k.teardownCoordination('fid-pipe', { config: c }),
  },
];

/** JSON form of a workflow result with generated values labelled (for a side-by-side diagnostic). */
function resultShape(res, labels) {
  // `this[k]` is the value before its own `toJSON` ran (our errors have one; the original's do not).
  const text = JSON.stringify(res, function shape(k, v) {
    if (this[k] instanceof Error) return { error: this[k].message };
    if (k === 'secretAccessKey') return '<secret>';
    if (k === 'createdAt' && v !== undefined) return '<date>';
    return v;
  }) ?? 'undefined';
  return normalise({ method: '', path: text, headers: {} }, labels).path;
}

/**
 * Runs one scenario through `impl` on `srv` (reset first). Returns the compared request log (the
 * requests `run` made, normalised) and the result's normalised shape.
 */
export async function runScenario(srv, impl, sc) {
  await srv.reset();
  const ctx = (await sc.setup?.(srv)) ?? {};
  const before = await srv.state();
  const lastSeq = Math.max(0, ...(await srv.requests()).map((e) => e.seq));
  const res = await sc.run(impl, srv.config, ctx);
  const after = await srv.state();
  const entries = (await srv.requests()).filter((e) => e.seq > lastSeq).sort((a, b) => a.seq - b.seq);
  const labels = labelsFrom(before, after);
  addLabels(labels, (res?.data?.forks ?? []).map((f) => [f.credentials?.accessKeyId, `<key:${f.bucket}-key>`]));
  addLabels(labels, [[res?.data?.credentials?.accessKeyId, '<key:workspace-key>']]);
  return { log: entries.map((e) => normalise(e, labels)), result: resultShape(res, labels) };
}
