// Signing throughput of one signer in a fresh Node process: sequential signatures for `windows`
// windows of `windowMs` after a `warmupMs` warm-up; prints the per-window rates.
// argv: <signer> <empty|1k> <warmupMs> <windowMs> <windows>
// Signers: smithy (what @tigrisdata/* use: @smithy/signature-v4 + @aws-crypto/sha256-js, region
// auto, service s3, uriEscapePath false), aws4fetch (WebCrypto, async), ours-call (a whole
// teardownCoordination call of our package — config parse, one signed PATCH, response parse —
// with a stubbed global fetch; an upper bound of our per-request CPU, not a signer-only figure),
// ours-workspace (a whole createWorkspace with TTL and key: 4 signed requests, same stub), stub
// (the stubbed fetch alone, to subtract; bench/lib/stub-fetch.mjs), ours-signer (the dedicated wasm signing build in
// bench/wasm-signer/pkg, when built; one signature per JS→wasm call), ours-signer-batch (the same,
// 16 signatures per call). Presigned GET URLs of one object: ours-presign (the package's
// `presign`), sdk-presign (`getSignedUrl` of @aws-sdk/s3-request-presigner on an S3Client
// configured for Tigris, command made per URL), aws4fetch-presign (`sign(url, { aws: { signQuery: true } })`).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const [signer, bodyKind, warmupMs, windowMs, windows] = [process.argv[2], process.argv[3], ...process.argv.slice(4).map(Number)];
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const body = bodyKind === '1k' ? 'x'.repeat(1024) : '';
const host = 't3.storage.dev';
const headers = { host, 'content-type': 'application/xml', 'x-tigris-enable-snapshot': 'true' };

let signOnce;
let batch16; // when set, 16 signatures in one call (no boundary crossing per signature)
if (signer === 'smithy') {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('@aws-crypto/sha256-js');
  const sv4 = new SignatureV4({ credentials: creds, region: 'auto', service: 's3', sha256: Sha256, uriEscapePath: false });
  signOnce = () => sv4.sign({ method: 'PUT', protocol: 'https:', hostname: host, path: '/bench-bucket', query: {}, headers: { ...headers }, body });
} else if (signer === 'aws4fetch') {
  const { AwsClient } = await import('aws4fetch');
  const client = new AwsClient({ ...creds, service: 's3', region: 'auto', retries: 0 });
  signOnce = () => client.sign(`https://${host}/bench-bucket`, { method: 'PUT', headers: { 'content-type': 'application/xml', 'x-tigris-enable-snapshot': 'true' }, body });
} else if (signer === 'ours-call' || signer === 'ours-workspace' || signer === 'stub') {
  const { stubFetch } = await import('../lib/stub-fetch.mjs');
  globalThis.fetch = stubFetch;
  if (signer === 'stub') {
    signOnce = () => globalThis.fetch('https://t3.storage.dev/bench-bucket', { method: 'PATCH' });
  } else {
    const kit = await import('tigris-agent-kit');
    const config = { ...creds, endpoint: `https://${host}`, iamEndpoint: `https://${host}` };
    const call = signer === 'ours-call'
      ? () => kit.teardownCoordination('bench-bucket', { config })
      : () => kit.createWorkspace('bench-bucket', { ttl: { days: 1 }, credentials: { role: 'Editor' }, config });
    signOnce = async () => { const r = await call(); if (r.error) throw r.error; };
  }
} else if (signer === 'ours-presign') {
  const { presign } = await import('tigris-agent-kit');
  const config = { ...creds, endpoint: `https://${host}` };
  signOnce = async () => { const r = await presign('bench-bucket', 'dir/report 1.txt', { config }); if (r.error) throw r.error; };
} else if (signer === 'sdk-presign') {
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const client = new S3Client({ region: 'auto', endpoint: `https://${host}`, credentials: creds, forcePathStyle: false,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  signOnce = () => getSignedUrl(client, new GetObjectCommand({ Bucket: 'bench-bucket', Key: 'dir/report 1.txt' }), { expiresIn: 3600 });
} else if (signer === 'aws4fetch-presign') {
  const { AwsClient } = await import('aws4fetch');
  const client = new AwsClient({ ...creds, service: 's3', region: 'auto', retries: 0 });
  signOnce = () => client.sign(`https://bench-bucket.${host}/dir/report%201.txt?X-Amz-Expires=3600`, { method: 'GET', aws: { signQuery: true } });
} else if (signer === 'ours-signer' || signer === 'ours-signer-batch') {
  const glue = new URL('../wasm-signer/pkg/node/bench_signer.cjs', import.meta.url);
  if (!existsSync(glue)) { console.log(JSON.stringify({ signer, unavailable: 'bench/wasm-signer not built' })); process.exit(0); }
  const m = createRequire(import.meta.url)(glue.pathname);
  const now = Date.now();
  signOnce = () => m.signOnce(creds.accessKeyId, creds.secretAccessKey, body, now);
  if (signer === 'ours-signer-batch') batch16 = () => m.signMany(16, creds.accessKeyId, creds.secretAccessKey, body, now);
} else {
  throw new Error(`unknown signer ${signer}`);
}

async function windowRate(ms) {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  while (now < end) {
    // batches of 16 between clock reads; each signature awaited in turn (sequential)
    if (batch16) batch16(); else for (let i = 0; i < 16; i++) await signOnce();
    n += 16;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

await windowRate(warmupMs);
const rates = [];
for (let i = 0; i < windows; i++) rates.push(await windowRate(windowMs));
console.log(JSON.stringify({ signer, body: bodyKind, rates }));
