// Bad input gets a clear error and the server keeps serving; nothing stored is lost by a failed
// request: malformed XML/JSON, huge headers, wrong signatures, unknown routes, raw garbage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createBucket, put, get, getBucketInfo, setBucketNotifications } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { unique, signedRequest, rawRequest, xmlCode } from './lib.mjs';

let srv;
let bucket;
before(async () => {
  srv = await startTigrisLocal();
  bucket = unique('bad');
  assert.equal((await createBucket(bucket, { config: srv.config })).error, undefined);
  assert.equal((await put('keep.txt', 'precious', { config: { ...srv.config, bucket } })).error, undefined);
});
after(async () => {
  // whatever happened above, the stored object is intact and the server still answers
  assert.equal((await get('keep.txt', 'string', { config: { ...srv.config, bucket } })).data, 'precious');
  await srv?.stop();
});

test('malformed XML bodies: 400 MalformedXML in XML, nothing created', async () => {
  const name = unique('badxml');
  const res = await signedRequest(srv, { method: 'PUT', path: `/${name}/`, headers: { 'content-type': 'application/xml' }, body: '<CreateBucketConfiguration><LocationConstraint>auto</Oops>' });
  assert.equal(res.status, 400);
  assert.equal(xmlCode(res.body), 'MalformedXML');
  assert.match(res.headers['content-type'], /xml/);
  assert.equal((await srv.state()).buckets.find((b) => b.name === name), undefined);
  // a broken CompleteMultipartUpload leaves the upload completable
  const init = await signedRequest(srv, { method: 'POST', path: `/${bucket}/mp.bin`, query: { uploads: '' } });
  const uploadId = /<UploadId>([^<]+)</.exec(init.body)[1];
  const part = await signedRequest(srv, { method: 'PUT', path: `/${bucket}/mp.bin`, query: { partNumber: '1', uploadId }, body: 'part one' });
  const bad = await signedRequest(srv, { method: 'POST', path: `/${bucket}/mp.bin`, query: { uploadId }, body: '<CompleteMultipartUpload><Part>' });
  assert.equal(bad.status, 400);
  assert.equal(xmlCode(bad.body), 'MalformedXML');
  const done = await signedRequest(srv, { method: 'POST', path: `/${bucket}/mp.bin`, query: { uploadId }, body: `<CompleteMultipartUpload><Part><ETag>${part.headers.etag}</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>` });
  assert.equal(done.status, 200, done.body);
  assert.equal((await get('mp.bin', 'string', { config: { ...srv.config, bucket } })).data, 'part one');
});

test('malformed JSON: 400 JSON error, settings unchanged', async () => {
  assert.equal((await setBucketNotifications(bucket, { notificationConfig: { enabled: true, url: 'http://127.0.0.1:9/x', filter: '' }, config: srv.config })).error, undefined);
  for (const body of ['{"object_notifications":', '[1,2]', '"x"', '{"lifecycle_rules":"nope"}', '{"object_notifications":{"web_hook":"ftp://x"}}', '{"object_notifications":{"web_hook":"http://127.0.0.1/","filter":"WHERE `key` REGEXP \\"(\\""}}']) {
    const res = await signedRequest(srv, { method: 'PATCH', path: `/${bucket}`, headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 400, body);
    assert.match(res.headers['content-type'], /application\/json/);
    const err = JSON.parse(res.body);
    assert.ok(err.Code && err.Message, body);
  }
  const info = (await getBucketInfo(bucket, { config: srv.config })).data;
  assert.equal(info.settings.notifications.url, 'http://127.0.0.1:9/x', 'the stored config survived');
  const iam = await signedRequest(srv, { method: 'POST', path: '/', query: { Action: 'CreateAccessKeyWithBucketsRole' }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Req=%7Bnot-json' });
  assert.equal(iam.status, 400);
  assert.equal(JSON.parse(iam.body).Code, 'MalformedInput');
  const action = await signedRequest(srv, { method: 'POST', path: '/', query: { Action: 'Nope' }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  assert.equal(JSON.parse(action.body).Code, 'InvalidAction');
});

test('wrong signatures and credentials are refused with the S3 codes', async () => {
  const path = `/${bucket}/keep.txt`;
  const wrongSecret = await signedRequest(srv, { path, credentials: { accessKeyId: srv.accessKeyId, secretAccessKey: 'not-the-secret' } });
  assert.equal(wrongSecret.status, 403);
  assert.equal(xmlCode(wrongSecret.body), 'SignatureDoesNotMatch');
  const unknown = await signedRequest(srv, { path, credentials: { accessKeyId: 'tid_nobody', secretAccessKey: 'x' } });
  assert.equal(xmlCode(unknown.body), 'InvalidAccessKeyId');
  const unsigned = await rawRequest(srv, { path });
  assert.equal(unsigned.status, 403);
  assert.equal(xmlCode(unsigned.body), 'AccessDenied');
  const tamperedHeader = await signedRequest(srv, { path, headers: { 'x-tigris-snapshot-version': '1' }, mutate: (h) => { h['x-tigris-snapshot-version'] = '2'; } });
  assert.equal(xmlCode(tamperedHeader.body), 'SignatureDoesNotMatch');
  const tamperedBody = await signedRequest(srv, { method: 'PUT', path: `/${bucket}/keep.txt`, body: 'overwrite', mutate: (h) => { h['x-amz-content-sha256'] = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'; } });
  assert.equal(tamperedBody.status, 400);
  assert.equal(xmlCode(tamperedBody.body), 'XAmzContentSHA256Mismatch');
  const old = await signedRequest(srv, { path, date: new Date(Date.now() - 20 * 60 * 1000) });
  assert.equal(xmlCode(old.body), 'RequestTimeTooSkewed');
  const region = await signedRequest(srv, { path, region: 'us-east-1' });
  assert.equal(xmlCode(region.body), 'AuthorizationHeaderMalformed');
  const iamService = await signedRequest(srv, { method: 'POST', path: '/', query: { Action: 'DeleteAccessKey' }, service: 'iam', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DeleteAccessKey&AccessKeyId=tid_missing' });
  assert.equal(iamService.status, 404, 'service iam is accepted');
  assert.equal(JSON.parse(iamService.body).Code, 'NoSuchEntity');
  const garbage = await rawRequest(srv, { path, headers: { authorization: 'AWS4-HMAC-SHA256 garbage' } });
  assert.equal(xmlCode(garbage.body), 'AuthorizationHeaderMalformed');
});

test('unknown routes and methods get clear errors', async () => {
  const acl = await signedRequest(srv, { path: `/${bucket}`, query: { acl: '' } });
  assert.equal(acl.status, 501);
  assert.equal(xmlCode(acl.body), 'NotImplemented');
  const rootPut = await signedRequest(srv, { method: 'PUT', path: '/' });
  assert.equal(rootPut.status, 405);
  const hook = await rawRequest(srv, { path: '/_local/nope' });
  assert.equal(hook.status, 404);
  const missing = await signedRequest(srv, { path: `/${unique('ghost')}/k` });
  assert.equal(xmlCode(missing.body), 'NoSuchBucket');
  const noKey = await signedRequest(srv, { path: `/${bucket}/absent` });
  assert.equal(xmlCode(noKey.body), 'NoSuchKey');
  const badVersion = await signedRequest(srv, { path: `/${bucket}/keep.txt`, headers: { 'x-tigris-snapshot-version': 'yesterday' } });
  assert.equal(xmlCode(badVersion.body), 'InvalidArgument');
  const badCrc = await signedRequest(srv, { method: 'PUT', path: `/${bucket}/keep.txt`, headers: { 'x-amz-checksum-crc32': 'AAAAAA==' }, body: 'bad crc' });
  assert.equal(xmlCode(badCrc.body), 'BadDigest');
});

test('huge headers and raw garbage do not take the server down', async () => {
  const huge = await rawRequest(srv, { path: '/', headers: { 'x-big': 'a'.repeat(200 * 1024) } }).catch((e) => ({ status: 'error', e }));
  assert.ok(huge.status === 431 || huge.status === 'error', `got ${huge.status}`);
  const manyHeaders = {};
  for (let i = 0; i < 500; i++) manyHeaders[`x-h-${i}`] = 'v';
  const many = await rawRequest(srv, { path: '/', headers: manyHeaders }).catch(() => ({ status: 'error' }));
  assert.ok(many.status === 431 || many.status === 'error', `got ${many.status}`);
  const { port } = new URL(srv.endpoint);
  const reply = await new Promise((resolve) => {
    const sock = net.connect(Number(port), '127.0.0.1', () => sock.end('\x00\x01GARBAGE\r\n\r\n'));
    let data = '';
    sock.on('data', (c) => { data += c; });
    sock.on('close', () => resolve(data));
    sock.on('error', () => resolve(data));
  });
  assert.ok(reply === '' || reply.startsWith('HTTP/1.1 400'), reply);
  const ok = await signedRequest(srv, { path: `/${bucket}/keep.txt` });
  assert.equal(ok.status, 200);
  assert.equal(ok.body, 'precious');
});
