// `@smithy/signature-v4` as the official SDKs configure it for Tigris (region `auto`, service
// `s3`, `uriEscapePath: false`, sha256 from `@aws-crypto/sha256-js`), and the request shape it
// signs: shared by tests/vectors/generate.mjs (the committed vectors) and
// js-tests/fidelity/signatures.test.mjs (every request of the fidelity scenarios).
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

/** A signer for `credentials` (`{ accessKeyId, secretAccessKey, sessionToken? }`). */
export const smithySigner = (credentials) =>
  new SignatureV4({ credentials, region: 'auto', service: 's3', sha256: Sha256, uriEscapePath: false });

/**
 * Parses an encoded URL into smithy's request shape (query decoded; `a` alone is `a=`), with
 * `host` from the URL (as the SDKs' host-header middleware adds it) and `headers`
 * (`[name, value]` pairs) after it.
 */
export function smithyRequest(method, url, headers, body) {
  const u = new URL(url);
  const query = {};
  const raw = url.includes('?') ? url.slice(url.indexOf('?') + 1).replace(/#.*$/, '') : '';
  for (const part of raw.split('&').filter(Boolean)) {
    const at = part.indexOf('=');
    const [k, v] = at < 0 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
    query[decodeURIComponent(k)] = decodeURIComponent(v);
  }
  const h = { host: u.host };
  for (const [k, v] of headers) h[k] = v;
  const path = url.replace(/^[a-z]+:\/\/[^/?#]*/, '').replace(/[?#].*$/, '') || '/';
  return { method, protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined, path, query, headers: h, body };
}
