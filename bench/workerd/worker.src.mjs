// The signing Worker for bench/lib/sign.mjs: GET /?signer=<name>&n=<N>&body=<empty|1k> signs N
// times in one request and answers the count. Clocks do not advance inside a Worker during
// synchronous work (or microtask-only async work), so the harness times requests from outside:
// (t(N) − t(0)) / N. Bundled with esbuild for workerd (no nodejs_compat).
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { AwsClient } from 'aws4fetch';
import * as kit from 'tigris-agent-kit';
import * as oursSigner from 'bench-signer';
import { stubFetch } from '../lib/stub-fetch.mjs';

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const host = 't3.storage.dev';
const headers = { 'content-type': 'application/xml', 'x-tigris-enable-snapshot': 'true' };
const sv4 = new SignatureV4({ credentials: creds, region: 'auto', service: 's3', sha256: Sha256, uriEscapePath: false });
const aws = new AwsClient({ ...creds, service: 's3', region: 'auto', retries: 0 });
const realFetch = globalThis.fetch;
const config = { ...creds, endpoint: `https://${host}`, iamEndpoint: `https://${host}` };

const signers = {
  smithy: (body) => sv4.sign({ method: 'PUT', protocol: 'https:', hostname: host, path: '/bench-bucket', query: {}, headers: { host, ...headers }, body }),
  aws4fetch: (body) => aws.sign(`https://${host}/bench-bucket`, { method: 'PUT', headers, body }),
  'ours-call': async () => { const r = await kit.teardownCoordination('bench-bucket', { config }); if (r.error) throw r.error; },
  'ours-workspace': async () => { const r = await kit.createWorkspace('bench-bucket', { ttl: { days: 1 }, credentials: { role: 'Editor' }, config }); if (r.error) throw r.error; },
  stub: () => globalThis.fetch(`https://${host}/bench-bucket`, { method: 'PATCH' }),
  'ours-signer': oursSigner.available ? (body) => oursSigner.signOnce(creds.accessKeyId, creds.secretAccessKey, body, 1764288000000) : null,
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const sign = signers[url.searchParams.get('signer')];
    if (!sign) return new Response('unavailable', { status: 404 });
    const n = Number(url.searchParams.get('n'));
    const body = url.searchParams.get('body') === '1k' ? 'x'.repeat(1024) : '';
    globalThis.fetch = stubFetch;
    try {
      for (let i = 0; i < n; i++) await sign(body);
    } finally {
      globalThis.fetch = realFetch;
    }
    return new Response(String(n));
  },
};
