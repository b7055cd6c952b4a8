// Shared bits for the tigris-local suites: a SigV4-signed raw HTTP request (signed with the
// official @smithy/signature-v4, as the SDKs do) for cases the SDK calls cannot express
// (snapshot reads, bad input, virtual-hosted Host headers), and small waiting helpers.
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

let counter = 0;
/** A bucket name unique within this run. */
export const unique = (prefix) => `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${++counter}`;

/** Sends one raw HTTP request to 127.0.0.1:<port of srv>; resolves {status, headers, body}. */
export function rawRequest(srv, { method = 'GET', path = '/', headers = {}, body = '' }) {
  const { port } = new URL(srv.endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, setHost: !Object.keys(headers).some((h) => h.toLowerCase() === 'host') }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Signs (SigV4, region auto) and sends a request. `query` is an object; `host` overrides the Host
 * header (e.g. `<bucket>.localhost:<port>` for virtual-hosted addressing); `credentials` defaults
 * to the root key; `mutate(headers)` may tamper with the signed headers before sending.
 */
export async function signedRequest(srv, { method = 'GET', path = '/', query = {}, headers = {}, body = '', host, credentials, service = 's3', region = 'auto', mutate, date }) {
  const { port } = new URL(srv.endpoint);
  const hostHeader = host ?? `127.0.0.1:${port}`;
  const signer = new SignatureV4({
    credentials: credentials ?? { accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey },
    region,
    service,
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: hostHeader.split(':')[0],
    port: Number(port),
    path,
    query,
    headers: { ...headers, host: hostHeader },
    body,
  }, date ? { signingDate: date } : undefined);
  const out = { ...signed.headers };
  if (body) out['content-length'] = String(Buffer.byteLength(body));
  if (mutate) mutate(out);
  const qs = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  return rawRequest(srv, { method, path: qs ? `${path}?${qs}` : path, headers: out, body });
}

/** The `<Code>` of an XML error body. */
export const xmlCode = (body) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

/** Polls `cond` every 20 ms for up to `ms`. */
export async function until(cond, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Silences the AWS SDK's Node-version notice so test output stays readable. */
process.removeAllListeners('warning');
process.on('warning', (w) => { if (w.name !== 'NodeVersionSupportWarning') console.warn(w); });
