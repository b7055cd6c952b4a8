// An independent judge of our signatures: moto's server verifies SigV4 strictly. Our bucket
// create and delete go through; the same requests with one signature digit changed are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { kit, uniqueName, dataOf, errorOf } from '../helpers/kit.mjs';

let moto;
let judge;
let proxy;
let tamper = false;
const seen = [];

before(async () => {
  moto = spawn('python3', [fileURLToPath(new URL('../helpers/moto_judge.py', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await Promise.race([
    new Promise((resolve) => createInterface({ input: moto.stdout }).once('line', (l) => resolve([l]))),
    new Promise((_, reject) => setTimeout(() => reject(new Error('moto did not start in 60 s')), 60_000)),
  ]);
  judge = JSON.parse(line);
  const target = new URL(judge.endpoint);
  // A pass-through proxy (keeps the signed Host header) that can corrupt the signature.
  proxy = createServer((req, res) => {
    const headers = { ...req.headers };
    if (tamper) {
      headers.authorization = headers.authorization.replace(/Signature=([0-9a-f])/, (_, d) => `Signature=${d === '0' ? '1' : '0'}`);
    }
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (r) => {
      seen.push({ method: req.method, path: req.url, status: r.statusCode, tampered: tamper });
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
});
after(async () => {
  proxy?.close();
  // Closing stdin lets the judge stop moto's server and exit; SIGTERM (also handled) if it hangs.
  if (moto && moto.exitCode === null) {
    const exited = new Promise((resolve) => moto.once('exit', resolve));
    moto.stdin.end();
    const timer = setTimeout(() => moto.kill(), 5_000);
    await exited;
    clearTimeout(timer);
  }
});

const config = () => ({ endpoint: `http://127.0.0.1:${proxy.address().port}`, accessKeyId: judge.accessKeyId, secretAccessKey: judge.secretAccessKey });

test('moto accepts our signed bucket create and force delete', async () => {
  const name = uniqueName('judge');
  const ws = dataOf(await kit.createWorkspace(name, { config: config() }));
  dataOf(await kit.teardownWorkspace(ws, { config: config() }));
  assert.deepEqual(seen.filter((s) => s.path.startsWith(`/${name}`)).map((s) => `${s.method} ${s.status}`), ['PUT 200', 'DELETE 204']);
});

test('moto refuses the same requests with a tampered signature', async () => {
  const name = uniqueName('judge-bad');
  tamper = true;
  try {
    const message = errorOf(await kit.createWorkspace(name, { config: config() }));
    assert.match(message, new RegExp(`^Failed to create workspace bucket "${name}": .*signature`, 'i'));
    const td = errorOf(await kit.teardownWorkspace({ bucket: name }, { config: config() }));
    assert.match(td, /signature/i);
  } finally {
    tamper = false;
  }
  const statuses = seen.filter((s) => s.path.startsWith(`/${name}`)).map((s) => s.status);
  assert.ok(statuses.length >= 2 && statuses.every((s) => s === 403), `statuses: ${statuses}`);
});
