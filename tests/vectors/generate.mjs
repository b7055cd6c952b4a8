// Generates the judge vectors of the SigV4 module (`src/sigv4/`), checked by tests/sigv4_vectors.rs:
//
//   tests/vectors/smithy/header-auth.json  header auth by `@smithy/signature-v4` configured as the
//     official SDKs configure it for Tigris (region `auto`, service `s3`, `uriEscapePath: false`,
//     sha256 from `@aws-crypto/sha256-js`), frozen clock, over requests shaped as this package
//     builds them (src/requests/): method, URL (already encoded), headers in order, body, and the
//     headers smithy adds (`x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token`,
//     `authorization`).
//   tests/vectors/presign/get-signed-url.json  presigned object URLs by `getSignedUrl` of
//     `@aws-sdk/s3-request-presigner` for an `S3Client({ region: "auto", endpoint, credentials,
//     forcePathStyle, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation:
//     "WHEN_REQUIRED" })`, with `signableHeaders: new Set(["content-type"])` when a content type
//     is signed, and `signingDate` frozen.
//
// Run: `node tests/vectors/generate.mjs` (uses the repo's node_modules; writes both files).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smithySigner, smithyRequest } from './smithy-request.mjs';
import { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { PRESIGN_KEYS, COMMANDS } from './presign-keys.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TIGRIS_KEYS = { accessKeyId: 'tid_AbCdEfGhIjKlMnOpQrStUvWx', secretAccessKey: 'tsec_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP+/=' };
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDOk3+session/token=with+odd/chars';
const TIMES = ['2026-01-01T00:00:00Z', '2026-03-14T15:09:26Z', '2025-12-31T23:59:59Z'];
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const CREATE_BUCKET_BODY = '<?xml version="1.0" encoding="UTF-8"?><CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>auto</LocationConstraint></CreateBucketConfiguration>';

/** RFC 3986 unreserved kept, everything else %XX of the UTF-8 bytes (src/requests' path segments). */
const encodeSegment = (s) => Array.from(new TextEncoder().encode(s), (b) => {
  const c = String.fromCharCode(b);
  return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
}).join('');
/** URLSearchParams' form encoding (the IAM bodies). */
const form = (s) => new URLSearchParams({ v: s }).toString().slice(2);

const bucketUrl = (endpoint, bucket) => {
  const u = new URL(endpoint);
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(u.hostname) || u.hostname.startsWith('[');
  const hostable = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
  return hostable && !ip ? `${u.protocol}//${bucket}.${u.host}/` : `${u.protocol}//${u.host}/${encodeSegment(bucket)}/`;
};

const S3 = 'https://t3.storage.dev';
const LOCAL = 'http://127.0.0.1:9000';
const IAM = 'https://iam.storageapi.dev';
const create = (extra = []) => [['content-type', 'application/xml'], ...extra];

/** Requests shaped as src/requests builds them: [name, method, url, headers, body]. */
const requests = [];
for (const [where, ep] of [['named', S3], ['ip', LOCAL]]) {
  requests.push(
    [`createBucket ${where}`, 'PUT', bucketUrl(ep, 'fid-ws'), create([['X-Amz-Acl-Public-List-Objects-Enabled', 'false']]), CREATE_BUCKET_BODY],
    [`createBucket public snapshots ${where}`, 'PUT', bucketUrl(ep, 'fid-ws'), [['x-amz-acl', 'public-read'], ...create([['X-Amz-Acl-Public-List-Objects-Enabled', 'false'], ['X-Tigris-Enable-Snapshot', 'true']])], CREATE_BUCKET_BODY],
    [`createBucket fork ${where}`, 'PUT', bucketUrl(ep, 'fid-fk-0'), create([['X-Amz-Acl-Public-List-Objects-Enabled', 'false'], ['X-Tigris-Fork-Source-Bucket', 'fid-base'], ['X-Tigris-Fork-Source-Bucket-Snapshot', '1767225600000000000']]), CREATE_BUCKET_BODY],
    [`snapshot unnamed ${where}`, 'PUT', bucketUrl(ep, 'fid-base'), create([['X-Tigris-Snapshot', 'true']]), CREATE_BUCKET_BODY],
    [`snapshot named ${where}`, 'PUT', bucketUrl(ep, 'fid-base'), create([['X-Tigris-Snapshot', 'true; name=epoch-50']]), CREATE_BUCKET_BODY],
    [`snapshot every printable ASCII ${where}`, 'PUT', bucketUrl(ep, 'fid-base'), create([['X-Tigris-Snapshot', `true; name=${PRINTABLE}`]]), CREATE_BUCKET_BODY],
    [`snapshot spaces runs ${where}`, 'PUT', bucketUrl(ep, 'fid-base'), create([['X-Tigris-Snapshot', 'true; name=a  b   c \t d']]), CREATE_BUCKET_BODY],
    [`list snapshots ${where}`, 'GET', `${ep}/?x-id=ListBuckets`, [['X-Tigris-Snapshot', 'fid-base']], ''],
    [`list snapshots limit token ${where}`, 'GET', `${ep}/?continuation-token=${encodeSegment('1767225600000000000')}&max-buckets=2&x-id=ListBuckets`, [['X-Tigris-Snapshot', 'fid-base']], ''],
    [`list snapshots odd token ${where}`, 'GET', `${ep}/?continuation-token=${encodeSegment('a b+c/d=e&f~g_h.i*j(k)é💾')}&max-buckets=10&x-id=ListBuckets`, [['X-Tigris-Snapshot', 'fid-base']], ''],
    [`removeBucket ${where}`, 'DELETE', bucketUrl(ep, 'fid-ws'), [['Tigris-Force-Delete', 'true']], ''],
    [`bucket metadata ${where}`, 'GET', `${ep}/${encodeSegment('fid-base')}?metadata&with-size=true`, [['Content-Type', 'application/json'], ['Accept', 'application/json']], ''],
    [`settings PATCH ttl ${where}`, 'PATCH', `${ep}/fid-ws`, [['Content-Type', 'application/json']], '{"lifecycle_rules":[{"expiration":{"days":7,"enabled":true},"status":1}]}'],
    [`settings PATCH notifications ${where}`, 'PATCH', `${ep}/fid-pipe`, [['Content-Type', 'application/json']], '{"object_notifications":{"enabled":true,"web_hook":"https://example.com/webhook","filter":"WHERE `key` REGEXP \\"^results/\\"","auth":{"token":"test-secret-token"}}}'],
    [`settings PATCH clear ${where}`, 'PATCH', `${ep}/fid-pipe`, [['Content-Type', 'application/json']], '{"object_notifications":{}}'],
    [`path-style bucket with dots ${where}`, 'DELETE', bucketUrl(ep, 'my.dotted.bucket'), [['Tigris-Force-Delete', 'true']], ''],
  );
}
for (const ep of [IAM, LOCAL]) {
  const json = JSON.stringify({ req_uuid: '0f8e7d6c-5b4a-4321-8fed-cba987654321', name: 'fid-ws-key', buckets_role: [{ bucket: 'fid-ws', role: 'Editor' }] });
  const headers = [['Content-Type', 'application/x-www-form-urlencoded'], ['Accept', 'application/json']];
  requests.push(
    [`IAM create key ${ep}`, 'POST', `${ep}/?Action=CreateAccessKeyWithBucketsRole`, headers, `Req=${form(json)}`],
    [`IAM delete key ${ep}`, 'POST', `${ep}/?Action=DeleteAccessKey`, headers, `Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=${form('tid_EXAMPLE')}`],
  );
}
requests.push(
  ['namespace header', 'PUT', bucketUrl(S3, 'fid-ws'), create([['X-Amz-Acl-Public-List-Objects-Enabled', 'false'], ['X-Tigris-Namespace', 'org_1234']]), CREATE_BUCKET_BODY],
  ['unicode body', 'PATCH', `${S3}/fid-ws`, [['Content-Type', 'application/json']], '{"name":"日本語 ✓ 💾"}'],
  ['https default port dropped', 'GET', 'https://t3.storage.dev:443/?x-id=ListBuckets', [['X-Tigris-Snapshot', 'b']], ''],
  ['http explicit port kept', 'GET', 'http://localhost:8080/fid-base?metadata&with-size=true', [['Accept', 'application/json']], ''],
  ['encoded path', 'GET', `${S3}/fid-base/${encodeSegment('dir/my file (1).txt')}`, [], ''],
);

const header = [];
for (const [r, [name, method, url, headers, body]] of requests.entries()) {
  for (const [c, [credName, creds]] of [['example', KEYS], ['tigris', TIGRIS_KEYS], ['session', { ...TIGRIS_KEYS, sessionToken: TOKEN }], ['empty', { accessKeyId: '', secretAccessKey: '' }]].entries()) {
    // Every request with the example keys; each other credential on a rotating third.
    if (c > 0 && (r + c) % 3 !== 0) continue;
    const time = TIMES[header.length % TIMES.length];
    const signer = smithySigner(creds);
    const signed = await signer.sign(smithyRequest(method, url, headers, body), { signingDate: new Date(time) });
    const expected = {};
    for (const k of ['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'authorization']) {
      if (signed.headers[k] !== undefined) expected[k] = signed.headers[k];
    }
    header.push({ name: `${name} (${credName} keys)`, time, unixSeconds: Date.parse(time) / 1000, credentials: { ...creds }, method, url, headers, body, expected });
  }
}

// Presigned object URLs.
const presign = [];
let i = 0;
for (const { endpoint, forcePathStyle, bucket } of [
  { endpoint: S3, forcePathStyle: false, bucket: 'fid-ws' },
  { endpoint: S3, forcePathStyle: true, bucket: 'fid-ws' },
  { endpoint: LOCAL, forcePathStyle: true, bucket: 'fid-ws' },
]) {
  for (const key of PRESIGN_KEYS) {
    const method = ['GET', 'PUT', 'HEAD', 'DELETE'][i % 4];
    const session = i % 3 === 1;
    const contentType = method === 'PUT' && i % 8 < 4 ? (i % 16 < 8 ? 'text/plain; charset=utf-8' : 'application/octet-stream') : undefined;
    const expiresIn = [3600, 1, 604800, 900, 60][i % 5];
    const time = TIMES[i % TIMES.length];
    i++;
    const credentials = session ? { ...TIGRIS_KEYS, sessionToken: TOKEN } : TIGRIS_KEYS;
    const client = new S3Client({
      region: 'auto', endpoint, credentials, forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const input = { Bucket: bucket, Key: key, ...(contentType ? { ContentType: contentType } : {}) };
    const options = { expiresIn, signingDate: new Date(time), ...(contentType ? { signableHeaders: new Set(['content-type']) } : {}) };
    const url = await getSignedUrl(client, new COMMANDS[method](input), options);
    if (/x-amz-checksum|x-amz-sdk-checksum/i.test(url)) throw new Error(`checksum parameter in ${url}`);
    presign.push({ name: `${method} ${JSON.stringify(key)} ${forcePathStyle ? 'path' : 'virtual'} ${endpoint}`, endpoint, forcePathStyle, bucket, key, method, contentType: contentType ?? null, expiresIn, time, unixSeconds: Date.parse(time) / 1000, credentials: { ...credentials }, url });
  }
}

const write = (rel, data) => {
  const file = join(here, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 1)}\n`);
  console.log(`${rel}: ${data.length} vectors`);
};
write('smithy/header-auth.json', header);
write('presign/get-signed-url.json', presign);
