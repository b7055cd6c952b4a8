// listCheckpoints on a listing whose <CreationDate> is malformed or out of range: the reference
// (the official SDK's deserialiser, through bench/reference.mjs) and this package must agree —
// the same error text, or the same dates. tigris-local serves each body through a fault (a 200
// with that body on the listing request). The SDK appends a second line pointing at a hidden
// `$response` field, which this package does not have; only that line is left out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit } from '../helpers/kit.mjs';
import * as reference from '../../bench/reference.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const listing = (date) => `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets><Bucket><Name>1751631910196672425; name=x</Name><CreationDate>${date}</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`;

/** `{error}` as its first line, or the checkpoints with ISO dates. */
async function outcome(side, date) {
  await srv.reset();
  await srv.fault({ method: 'GET', path: '/', header: 'x-tigris-snapshot', times: 1, action: { status: 200, body: listing(date) } });
  const r = await side.listCheckpoints('listing-dates', { config: srv.config });
  const log = await srv.requests();
  assert.equal(log.length, 1, 'one listing request, no retry of a 200');
  if (r.error) return { error: r.error.message.split('\n')[0] };
  return { checkpoints: r.data.checkpoints.map((c) => [c.snapshotId, c.name, c.createdAt?.toISOString()]) };
}

const DATES = [
  'not-a-date', '', ' 2025-07-04T12:25:10Z', '2025-07-04 12:25:10Z', '2025-07-04T12:25:10',
  '2025-13-01T00:00:00Z', '2025-07-32T00:00:00Z', '2025-07-04T24:00:00Z', '2025-07-04T12:60:00Z', '2025-07-04T12:25:61Z',
  '2025-02-30T00:00:00Z', '2025-07-04T23:59:60Z', '2025-07-04t12:25:10.19667705z', '2025-07-04T12:25:10.5+01:00', '2025-07-04T12:25:10.9996Z',
];

for (const date of DATES) {
  test(`CreationDate ${JSON.stringify(date)}`, async () => {
    const ref = await outcome(reference, date);
    const ours = await outcome(kit, date);
    assert.deepEqual(ours, ref);
  });
}

test('a malformed date fails the whole page, with the original\'s text', async () => {
  const ours = await outcome(kit, 'not-a-date');
  assert.deepEqual(ours, { error: 'Failed to list checkpoints for "listing-dates": Unable to list bucket snapshots Invalid RFC3339 timestamp format not-a-date' });
});
