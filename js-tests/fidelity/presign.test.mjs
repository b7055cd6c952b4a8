// presign fidelity: the package's URLs equal those of `getSignedUrl` (`@aws-sdk/s3-request-presigner`)
// for an S3Client configured as the official SDKs configure it for Tigris (region `auto`, checksums
// only when required: at its default settings the presigner adds an empty-body CRC32 to PUT URLs,
// which breaks uploads), with `content-type` signed when a content type is given. Same origin and
// path byte for byte, same parameters with the same values (the SDK's `x-id` included; order
// free), same signature, for 20 awkward keys, all four methods, with and without a session token,
// virtual-hosted and path-style. Both sides sign at the same frozen instant: `signingDate` for the
// SDK, `Date.now` (the module's clock) for ours. No server is needed: presign sends nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { kit, dataOf } from '../helpers/kit.mjs';
import { PRESIGN_KEYS, COMMANDS } from '../../tests/vectors/presign-keys.mjs';

const KEYS = {
  accessKeyId: 'tid_AbCdEfGhIjKlMnOpQrStUvWx',
  secretAccessKey: 'tsec_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP+/=',
};
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDOk3+session/token=with+odd/chars';
const TIMES = ['2026-01-01T00:00:00Z', '2026-03-14T15:09:26.535Z', '2025-12-31T23:59:59.999Z'];
/** Where each endpoint puts the bucket in this package (and so `forcePathStyle` for the SDK). */
const ENDPOINTS = [
  { endpoint: 'https://t3.storage.dev', forcePathStyle: false },
  { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
  { endpoint: 'http://localhost:8080', forcePathStyle: true },
];

/** Our URL, signed with `Date.now` frozen at `time`. */
async function ours(bucket, key, options, time) {
  const realNow = Date.now;
  Date.now = () => Date.parse(time);
  try {
    return dataOf(await kit.presign(bucket, key, options));
  } finally {
    Date.now = realNow;
  }
}

/** `origin + path` exactly as written, and the `name=value` pairs (as written) sorted. */
const parts = (url) => {
  const [base, query = ''] = url.split('?');
  return { base, params: query.split('&').sort() };
};

test('presigned URLs equal getSignedUrl for the same inputs and clock', async () => {
  let i = 0;
  const seen = new Set();
  for (const { endpoint, forcePathStyle } of ENDPOINTS) {
    for (const key of PRESIGN_KEYS) {
      for (const method of ['GET', 'PUT', 'HEAD', 'DELETE']) {
        for (const sessionToken of [undefined, TOKEN]) {
          i += 1;
          const contentType = method === 'PUT' && i % 3 !== 0 ? ['text/plain; charset=utf-8', 'application/octet-stream'][i % 2] : undefined;
          const expiresIn = [3600, 1, 604800, 900, 60][i % 5];
          const time = TIMES[i % TIMES.length];
          const credentials = { ...KEYS, ...(sessionToken && { sessionToken }) };
          const client = new S3Client({
            region: 'auto', endpoint, credentials, forcePathStyle,
            requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
          });
          const input = { Bucket: 'fid-ws', Key: key, ...(contentType && { ContentType: contentType }) };
          const sdkOptions = { expiresIn, signingDate: new Date(time), ...(contentType && { signableHeaders: new Set(['content-type']) }) };
          const theirs = await getSignedUrl(client, new COMMANDS[method](input), sdkOptions);
          const options = { method, expiresIn, ...(contentType && { contentType }), config: { endpoint, ...credentials } };
          const mine = await ours('fid-ws', key, options, time);
          const what = `${method} ${JSON.stringify(key)} ${endpoint}${sessionToken ? ' +token' : ''}${contentType ? ` (${contentType})` : ''}`;
          assert.deepEqual(parts(mine.url), parts(theirs), what);
          assert.equal(mine.method, method);
          assert.equal(mine.expiresAt.getTime(), Math.floor(Date.parse(time) / 1000) * 1000 + expiresIn * 1000, what);
          seen.add(`${method}${sessionToken ? 'T' : ''}${contentType ? 'C' : ''}${forcePathStyle ? 'P' : 'V'}`);
        }
      }
    }
  }
  assert.equal(i, 3 * 20 * 4 * 2);
  // Every combination was compared: 4 methods × token × style, plus PUT with a content type.
  assert.equal(seen.size, 4 * 2 * 2 + 2 * 2, [...seen].sort().join(' '));
});

test('an unchecked presigner would add a CRC32 of the empty body to a PUT URL; ours never does', async () => {
  const client = new S3Client({ region: 'auto', endpoint: 'https://t3.storage.dev', credentials: KEYS });
  const sdkDefault = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'fid-ws', Key: 'k' }), { expiresIn: 60 });
  assert.match(sdkDefault, /x-amz-checksum-crc32=AAAAAA%3D%3D/, 'the SDK default, which breaks real uploads');
  const mine = dataOf(await kit.presign('fid-ws', 'k', { method: 'PUT', config: { endpoint: 'https://t3.storage.dev', ...KEYS } }));
  assert.doesNotMatch(mine.url, /checksum/i);
});
