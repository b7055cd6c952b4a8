// The reference side of the fork-lifecycle exports for the fidelity test: each one call of
// `@tigrisdata/storage` 3.21.0 (`listForks`, `mergeFork`, `rebaseFork`, `deleteBucketSnapshot`)
// under the package's documented message, and `teardownForks` with `deleteSnapshot` as the
// reference teardown followed by `deleteBucketSnapshot` (docs/protocol.md §5.13). Results are
// shaped as the package's: `ForkInfo`, `{ snapshotId }`, `undefined`.
import { listForks as sdkListForks, mergeFork as sdkMergeFork, rebaseFork as sdkRebaseFork, deleteBucketSnapshot } from '@tigrisdata/storage';
import * as reference from '../../bench/reference.mjs';

const storageCfg = (c) => c && { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, endpoint: c.endpoint };
const fail = (message) => ({ error: new Error(message) });

export async function listForks(baseBucket, options) {
  const r = await sdkListForks(baseBucket, { limit: options?.limit, paginationToken: options?.paginationToken, config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to list forks of "${baseBucket}": ${r.error.message}`);
  const forks = r.data.forks.map((f) => ({
    bucket: f.name,
    baseBucket: f.forkInfo?.parents[0]?.bucketName ?? baseBucket,
    snapshotId: f.snapshot,
    createdAt: f.forkCreatedAt,
  }));
  return { data: { forks, paginationToken: r.data.paginationToken } };
}

export async function mergeFork(fork, baseBucket, options) {
  const r = await sdkMergeFork(fork, baseBucket, { config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to merge fork "${fork}" into "${baseBucket}": ${r.error.message}`);
  return { data: { snapshotId: r.data.snapshotVersion } };
}

export async function rebaseFork(fork, options) {
  const r = await sdkRebaseFork(fork, { config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to rebase fork "${fork}": ${r.error.message}`);
  return { data: { snapshotId: r.data.snapshotVersion } };
}

export async function deleteCheckpoint(bucket, snapshotId, options) {
  const r = await deleteBucketSnapshot(bucket, snapshotId, { config: storageCfg(options?.config) });
  if (r.error) return fail(`Failed to delete checkpoint ${snapshotId} of "${bucket}": ${r.error.message}`);
  return { data: undefined };
}

export async function teardownForks(forkSet, options) {
  const torn = await reference.teardownForks(forkSet, options);
  if (!options?.deleteSnapshot) return torn;
  const { baseBucket, snapshotId } = forkSet;
  if (torn.error) return fail(`${torn.error.message}\nSkipped deleting snapshot ${snapshotId} of "${baseBucket}": a fork could not be deleted`);
  const r = await deleteBucketSnapshot(baseBucket, snapshotId, { config: storageCfg(options?.config) });
  if (r.error) return fail(`Fork teardown completed with errors:\nFailed to delete snapshot ${snapshotId} of "${baseBucket}": ${r.error.message}`);
  return { data: undefined };
}
