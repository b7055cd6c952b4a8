// Common S3 clients against tigris-local, at their default settings: aws4fetch 1.0.20 (header
// auth with its default UNSIGNED-PAYLOAD, and signQuery URLs with its default expiry), the AWS
// SDK v3 (@aws-sdk/client-s3 + @aws-sdk/s3-request-presigner) and Python's boto3 (with
// generate_presigned_url). Each does the same round trip (create bucket, put, get, list,
// presigned GET and PUT, delete) and shows that a wrong secret and a tampered URL are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AwsClient } from 'aws4fetch';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command,
  DeleteObjectCommand, DeleteBucketCommand, HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { unique, xmlCode } from './lib.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

/** GET/PUT through plain fetch (a presigned URL carries its own auth). */
const plain = async (url, init) => {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
};

test('aws4fetch: header auth (UNSIGNED-PAYLOAD) and signQuery URLs (GET, PUT, HEAD, DELETE)', async () => {
  const aws = new AwsClient({ accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey, service: 's3', region: 'auto' });
  const b = unique('a4f');
  const base = `${srv.endpoint}/${b}`;
  assert.equal((await aws.fetch(base, { method: 'PUT' })).status, 200);
  const put = await aws.fetch(`${base}/hello.txt`, { method: 'PUT', body: 'hello from aws4fetch' });
  assert.equal(put.status, 200, await put.clone().text());
  const log = (await srv.requests()).filter((r) => r.path === `/${b}/hello.txt`).at(-1);
  assert.equal(log.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD', 'aws4fetch signs UNSIGNED-PAYLOAD by default');
  assert.equal(await (await aws.fetch(`${base}/hello.txt`)).text(), 'hello from aws4fetch');
  const listing = await (await aws.fetch(`${base}?list-type=2`)).text();
  assert.match(listing, /<Key>hello\.txt<\/Key>/);

  const signedGet = await aws.sign(`${base}/hello.txt`, { method: 'GET', aws: { signQuery: true } });
  assert.equal(new URL(signedGet.url).searchParams.get('X-Amz-Expires'), '86400', 'default expiry');
  assert.deepEqual(await plain(signedGet.url), { status: 200, body: 'hello from aws4fetch' });
  const signedPut = await aws.sign(`${base}/up.txt`, { method: 'PUT', aws: { signQuery: true } });
  assert.equal((await plain(signedPut.url, { method: 'PUT', body: 'uploaded via signQuery' })).status, 200);
  assert.equal(await (await aws.fetch(`${base}/up.txt`)).text(), 'uploaded via signQuery');

  const signedHead = await aws.sign(`${base}/up.txt`, { method: 'HEAD', aws: { signQuery: true } });
  const headed = await fetch(signedHead.url, { method: 'HEAD' });
  assert.equal(headed.status, 200);
  assert.equal(headed.headers.get('content-length'), String('uploaded via signQuery'.length));
  const tampered = await plain(signedGet.url.replace('hello.txt', 'up.txt'));
  assert.equal(tampered.status, 403);
  assert.equal(xmlCode(tampered.body), 'SignatureDoesNotMatch');
  const signedDelete = await aws.sign(`${base}/up.txt`, { method: 'DELETE', aws: { signQuery: true } });
  assert.equal((await plain(signedGet.url.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=' + '0'.repeat(64)))).status, 403);
  assert.equal((await plain(signedDelete.url, { method: 'DELETE' })).status, 204);
  assert.equal((await aws.fetch(`${base}/up.txt`)).status, 404, 'deleted through a presigned DELETE');
  const wrong = new AwsClient({ accessKeyId: srv.accessKeyId, secretAccessKey: 'not-the-secret', service: 's3', region: 'auto' });
  const refused = await wrong.fetch(`${base}/hello.txt`);
  assert.equal(refused.status, 403);
  assert.equal(xmlCode(await refused.text()), 'SignatureDoesNotMatch');

  assert.equal((await aws.fetch(`${base}/hello.txt`, { method: 'DELETE' })).status, 204);
  assert.equal((await aws.fetch(`${base}/hello.txt`)).status, 404);
  assert.equal((await aws.fetch(base, { method: 'DELETE' })).status, 204);
});

test('AWS SDK v3 at default settings, with the presigner', async () => {
  const s3 = (secretAccessKey) => new S3Client({
    endpoint: srv.endpoint, region: 'auto', forcePathStyle: true,
    credentials: { accessKeyId: srv.accessKeyId, secretAccessKey },
  });
  const client = s3(srv.secretAccessKey);
  const Bucket = unique('sdkv3');
  await client.send(new CreateBucketCommand({ Bucket }));
  const put = await client.send(new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: 'hello from the AWS SDK' }));
  assert.match(put.ETag, /^"[0-9a-f]{32}"$/);
  const got = await client.send(new GetObjectCommand({ Bucket, Key: 'hello.txt' }));
  assert.equal(await got.Body.transformToString(), 'hello from the AWS SDK');
  const listed = await client.send(new ListObjectsV2Command({ Bucket }));
  assert.deepEqual(listed.Contents.map((o) => o.Key), ['hello.txt']);

  const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket, Key: 'hello.txt' }), { expiresIn: 300 });
  assert.deepEqual(await plain(getUrl), { status: 200, body: 'hello from the AWS SDK' });
  const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket, Key: 'up.txt' }), { expiresIn: 300 });
  assert.equal((await plain(putUrl, { method: 'PUT', body: 'uploaded via the presigner' })).status, 200);
  const up = await client.send(new GetObjectCommand({ Bucket, Key: 'up.txt' }));
  assert.equal(await up.Body.transformToString(), 'uploaded via the presigner');

  const tampered = await plain(getUrl.replace('hello.txt', 'up.txt'));
  assert.equal(tampered.status, 403);
  assert.equal(xmlCode(tampered.body), 'SignatureDoesNotMatch');
  await assert.rejects(s3('not-the-secret').send(new GetObjectCommand({ Bucket, Key: 'hello.txt' })), { name: 'SignatureDoesNotMatch' });

  await client.send(new DeleteObjectCommand({ Bucket, Key: 'hello.txt' }));
  await client.send(new DeleteObjectCommand({ Bucket, Key: 'up.txt' }));
  await assert.rejects(client.send(new GetObjectCommand({ Bucket, Key: 'hello.txt' })), { name: 'NoSuchKey' });
  await client.send(new DeleteBucketCommand({ Bucket }));
  await assert.rejects(client.send(new HeadBucketCommand({ Bucket })), { name: 'NotFound' });
});

test('presigned URLs: expired, out-of-range expiry and x-amz-checksum-* parameters', async () => {
  const aws = new AwsClient({ accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey, service: 's3', region: 'auto' });
  const b = unique('presign');
  const base = `${srv.endpoint}/${b}`;
  assert.equal((await aws.fetch(base, { method: 'PUT' })).status, 200);
  assert.equal((await aws.fetch(`${base}/k`, { method: 'PUT', body: 'v' })).status, 200);
  const at = (ms, expires) => aws.sign(`${base}/k?X-Amz-Expires=${expires}`, { method: 'GET', aws: { signQuery: true, datetime: new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '') } });
  const expired = await plain((await at(Date.now() - 120_000, 60)).url);
  assert.equal(expired.status, 403);
  assert.equal(xmlCode(expired.body), 'AccessDenied');
  assert.match(expired.body, /Request has expired/);
  const tooLong = await plain((await at(Date.now(), 604_801)).url);
  assert.equal(tooLong.status, 400);
  assert.equal(xmlCode(tooLong.body), 'AuthorizationQueryParametersError');
  assert.equal((await plain((await at(Date.now(), 604_800)).url)).status, 200, 'seven days is allowed');
  // a checksum parameter the URL was signed with is not checked against the body
  const withChecksum = await aws.sign(`${base}/c?x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32`, { method: 'PUT', aws: { signQuery: true } });
  assert.equal((await plain(withChecksum.url, { method: 'PUT', body: 'crc32 is not AAAAAA==' })).status, 200);
  assert.equal(await (await aws.fetch(`${base}/c`)).text(), 'crc32 is not AAAAAA==');
  // streaming (aws-chunked) payloads are not implemented: never a signature error (no retries:
  // aws4fetch retries any 5xx, 501 included)
  const once = new AwsClient({ accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey, service: 's3', region: 'auto', retries: 0 });
  const chunked = await once.fetch(`${base}/s`, { method: 'PUT', body: 'x', headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked' } });
  assert.equal(chunked.status, 501);
  assert.equal(xmlCode(await chunked.text()), 'NotImplemented');
});

test('boto3 at default settings, with generate_presigned_url', async () => {
  const script = fileURLToPath(new URL('./boto3_roundtrip.py', import.meta.url));
  const bucket = unique('boto3');
  const stdout = await new Promise((resolve, reject) => {
    execFile('python3', [script, srv.endpoint, bucket], { timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
  });
  const out = JSON.parse(stdout);
  assert.match(out.put_etag, /^"[0-9a-f]{32}"$/);
  assert.equal(out.get, 'hello from boto3');
  assert.deepEqual(out.list, ['hello.txt']);
  assert.deepEqual(out.presigned_get, [200, 'hello from boto3']);
  assert.equal(out.presigned_put, 200);
  assert.equal(out.after_put, 'uploaded through a boto3 URL');
  assert.equal(out.tampered_get[0], 403);
  assert.equal(xmlCode(out.tampered_get[1]), 'SignatureDoesNotMatch');
  assert.equal(out.wrong_secret, 'SignatureDoesNotMatch');
  assert.equal(out.after_delete, 'NoSuchKey');
  assert.equal(out.bucket_gone, '404');
});
