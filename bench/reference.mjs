// The reference side of the benchmarks and the fidelity test: the nine agent-kit 0.1.3 workflows
// re-created over the official SDKs (`@tigrisdata/storage` 3.21.0, `@tigrisdata/iam` 2.6.0),
// step by step as docs/protocol.md §7 describes them: every call awaited in turn, no
// concurrency, the same names, option mapping, error texts and swallowed failures as the original.
// Written from docs/protocol.md (the original package is not on the reachable registry).
import { createBucket, createBucketSnapshot, listBucketSnapshots, removeBucket, setBucketTtl, setBucketNotifications } from '@tigrisdata/storage';
import { createAccessKey, removeAccessKey } from '@tigrisdata/iam';

// agent-kit hands storage calls {keys, token, org, endpoint} and IAM calls {keys, token, org,
// iamEndpoint, mgmtEndpoint}; without a config both SDKs read the environment.
const storageCfg = (c) => (c ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, organizationId: c.organizationId, endpoint: c.endpoint } : undefined);
const iamCfg = (c) => (c ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, organizationId: c.organizationId, iamEndpoint: c.iamEndpoint, mgmtEndpoint: c.mgmtEndpoint } : undefined);
const fail = (message) => ({ error: new Error(message) });

/** Sets `credentials` on `target` when the key call returned a secret (failures are ignored). */
async function scopedKey(target, bucket, role, config) {
  const key = await createAccessKey(`${bucket}-key`, { bucketsRole: [{ bucket, role }], config: iamCfg(config) });
  if (key.data?.secret) target.credentials = { accessKeyId: key.data.id, secretAccessKey: key.data.secret };
}

export async function createForks(baseBucket, count, options) {
  const { prefix, credentials, config } = options ?? {};
  const snap = await createBucketSnapshot(baseBucket, { config: storageCfg(config) });
  if (snap.error) return fail(`Failed to snapshot bucket "${baseBucket}": ${snap.error.message}`);
  const snapshotId = snap.data.snapshotVersion;
  const forkPrefix = prefix ?? `${baseBucket}-fork-${Date.now()}`;
  const forks = [];
  for (let i = 0; i < count; i++) {
    const bucket = `${forkPrefix}-${i}`;
    const made = await createBucket(bucket, { sourceBucketName: baseBucket, sourceBucketSnapshot: snapshotId, config: storageCfg(config) });
    if (made.error) break; // the loop stops at the first failure; what exists is returned
    const fork = { bucket };
    if (credentials) await scopedKey(fork, bucket, credentials.role, config);
    forks.push(fork);
  }
  if (forks.length === 0) return fail('Failed to create any forks');
  return { data: { baseBucket, snapshotId, forks } };
}

/** Removes the key (if any) then the bucket (force), collecting error lines. */
async function removeWithKey(bucket, creds, config, errors, what) {
  if (creds) {
    const r = await removeAccessKey(creds.accessKeyId, { config: iamCfg(config) });
    if (r.error) errors.push(`Failed to remove access key for "${bucket}": ${r.error.message}`);
  }
  const r = await removeBucket(bucket, { force: true, config: storageCfg(config) });
  if (r.error) errors.push(`Failed to delete ${what} "${bucket}": ${r.error.message}`);
}

export async function teardownForks(forkSet, options) {
  const errors = [];
  for (const fork of forkSet.forks) await removeWithKey(fork.bucket, fork.credentials, options?.config, errors, 'fork');
  if (errors.length > 0) return fail(`Fork teardown completed with errors:\n${errors.join('\n')}`);
  return { data: undefined };
}

export async function createWorkspace(name, options) {
  const { access, ttl, enableSnapshots, credentials, config } = options ?? {};
  const made = await createBucket(name, { access, enableSnapshot: enableSnapshots, config: storageCfg(config) });
  if (made.error) return fail(`Failed to create workspace bucket "${name}": ${made.error.message}`);
  if (ttl) await setBucketTtl(name, { ttlConfig: { enabled: true, days: ttl.days }, config: storageCfg(config) }); // errors ignored
  const workspace = { bucket: name };
  if (credentials) await scopedKey(workspace, name, credentials.role, config);
  return { data: workspace };
}

export async function teardownWorkspace(workspace, options) {
  const errors = [];
  await removeWithKey(workspace.bucket, workspace.credentials, options?.config, errors, 'workspace');
  if (errors.length > 0) return fail(`Workspace teardown completed with errors:\n${errors.join('\n')}`);
  return { data: undefined };
}

export async function checkpoint(bucket, options) {
  const r = await createBucketSnapshot(bucket, { name: options?.name, config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to checkpoint bucket "${bucket}": ${r.error.message}`);
  return { data: { snapshotId: r.data.snapshotVersion, name: options?.name, createdAt: new Date() } };
}

export async function restore(bucket, snapshotId, options) {
  const forkName = options?.forkName ?? `${bucket}-restore-${Date.now()}`;
  const r = await createBucket(forkName, { sourceBucketName: bucket, sourceBucketSnapshot: snapshotId, config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to restore from snapshot "${snapshotId}": ${r.error.message}`);
  return { data: { bucket: forkName } };
}

export async function listCheckpoints(bucket, options) {
  const r = await listBucketSnapshots(bucket, { limit: options?.limit, paginationToken: options?.paginationToken, config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to list checkpoints for "${bucket}": ${r.error.message}`);
  const checkpoints = r.data.snapshots.filter((s) => s.version != null).map((s) => ({ snapshotId: s.version, name: s.name, createdAt: s.creationDate }));
  return { data: { checkpoints, paginationToken: r.data.paginationToken } };
}

export async function setupCoordination(bucket, options) {
  const { webhookUrl, filter, auth, config } = options;
  const r = await setBucketNotifications(bucket, { notificationConfig: { enabled: true, url: webhookUrl, filter, ...(auth && { auth }) }, config: storageCfg(config) });
  if (r.error) return fail(`Failed to setup coordination on "${bucket}": ${r.error.message}`);
  return { data: undefined };
}

export async function teardownCoordination(bucket, options) {
  const r = await setBucketNotifications(bucket, { notificationConfig: {}, config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to teardown coordination on "${bucket}": ${r.error.message}`);
  return { data: undefined };
}
