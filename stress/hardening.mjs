// tigris-local under hostile load (the proofs that need load, so they are not in the test command):
//   memory before auth — 16 parallel unauthenticated 64 MiB PUTs: refused before their bodies are
//     read, tigris-local's peak RSS (VmHWM) stays under 200 MiB;
//   dead receiver — 1,500 PUTs into a bucket whose webhook accepts connections and never answers,
//     while another tenant's GETs run: every GET answers 200, the receiver never sees more than
//     one connection at a time from that bucket's queue, tigris-local's open descriptors stay low;
//   slowloris — 200 sockets that never finish their headers (header timeout 2 s here): other
//     clients are served meanwhile and every slow socket is closed by the server.
// Also runnable alone: `node stress/hardening.mjs`.
import net from 'node:net';
import fs from 'node:fs';
import { AwsClient } from 'aws4fetch';

const MiB = 1024 * 1024;

/** A /proc/<pid>/status field in MiB (VmRSS, VmHWM). */
const procMiB = (pid, field) => {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) / 1024 : NaN;
};
const openFds = (pid) => fs.readdirSync(`/proc/${pid}/fd`).length;

/** One unauthenticated PUT of `size` bytes over a raw socket; resolves `{status, sent}`: the status
 * line ('' when the server reset the connection first) and the body bytes written before. */
function unauthenticatedPut(endpoint, size) {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname);
    let answer = '';
    const chunk = Buffer.alloc(MiB, 0x61);
    s.on('data', (d) => { answer += d.toString('latin1'); });
    s.on('error', () => {});
    let sent = 0;
    s.on('close', () => resolve({ status: answer.split('\r\n')[0], sent }));
    s.on('connect', async () => {
      s.write(`PUT /victim/big HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-length: ${size}\r\n\r\n`);
      for (; sent < size && !s.destroyed && !answer; sent += MiB) {
        if (!s.write(chunk)) {
          await new Promise((r) => {
            const done = () => { s.off('drain', done); s.off('close', done); r(); };
            s.on('drain', done);
            s.on('close', done);
          });
        }
      }
      s.end();
    });
  });
}

async function memoryBeforeAuth(startServer) {
  const srv = await startServer({ hooks: false });
  try {
    const idle = procMiB(srv.pid, 'VmRSS');
    const statuses = await Promise.all(Array.from({ length: 16 }, () => unauthenticatedPut(srv.endpoint, 64 * MiB)));
    const peak = procMiB(srv.pid, 'VmHWM');
    // Refused early: a 403, or the connection cut before the client could send the whole body.
    const refused = statuses.filter((r) => / 403 /.test(r.status) || r.sent < 64 * MiB).length;
    const answered403 = statuses.filter((r) => / 403 /.test(r.status)).length;
    const failures = [];
    if (refused !== 16) failures.push(`memory before auth: ${refused}/16 refused early (${JSON.stringify(statuses.slice(0, 3))})`);
    if (!(peak < 200)) failures.push(`memory before auth: peak RSS ${peak.toFixed(0)} MiB (limit 200)`);
    return { figures: { idleMiB: +idle.toFixed(1), peakMiB: +peak.toFixed(1), refused, answered403, maxSentMiB: Math.max(...statuses.map((r) => r.sent)) / MiB }, failures };
  } finally {
    await srv.stop();
  }
}

async function deadReceiver(startServer) {
  let open = 0;
  let maxOpen = 0;
  const held = [];
  const receiver = net.createServer((s) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    held.push(s);
    s.on('error', () => {});
    s.on('close', () => { open -= 1; });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${receiver.address().port}/never`;
  const srv = await startServer({ hooks: false, extraArgs: ['--webhook-timeout-ms', '10000', '--webhook-max-attempts', '5'] });
  const failures = [];
  try {
    const aws = new AwsClient({ accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey, service: 's3', region: 'auto' });
    const ok = async (res, what) => { if (res.status >= 300) throw new Error(`${what}: ${res.status} ${await res.text()}`); };
    await ok(await aws.fetch(`${srv.endpoint}/dead-hook`, { method: 'PUT' }), 'create dead-hook');
    await ok(await aws.fetch(`${srv.endpoint}/other-tenant`, { method: 'PUT' }), 'create other-tenant');
    await ok(await aws.fetch(`${srv.endpoint}/other-tenant/k`, { method: 'PUT', body: 'still here' }), 'seed');
    await ok(await aws.fetch(`${srv.endpoint}/dead-hook`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object_notifications: { enabled: true, web_hook: hook, filter: '' } }),
    }), 'webhook');
    let next = 0;
    let putErrors = 0;
    const writer = async () => {
      while (next < 1500) {
        const i = next++;
        const res = await aws.fetch(`${srv.endpoint}/dead-hook/k${i}`, { method: 'PUT', body: `v${i}` });
        if (res.status !== 200) putErrors += 1;
        await res.arrayBuffer();
      }
    };
    let gets = 0;
    let getErrors = 0;
    let writing = true;
    const reader = async () => {
      while (writing) {
        try {
          const res = await aws.fetch(`${srv.endpoint}/other-tenant/k`);
          if (res.status !== 200 || (await res.text()) !== 'still here') getErrors += 1;
        } catch { getErrors += 1; }
        gets += 1;
      }
    };
    const readers = Array.from({ length: 4 }, reader);
    await Promise.all(Array.from({ length: 16 }, writer));
    writing = false;
    await Promise.all(readers);
    const fds = openFds(srv.pid);
    if (putErrors) failures.push(`dead receiver: ${putErrors} PUTs failed`);
    if (getErrors) failures.push(`dead receiver: ${getErrors} of ${gets} other-tenant GETs failed`);
    if (maxOpen > 1) failures.push(`dead receiver: ${maxOpen} connections at once to one destination`);
    if (fds > 200) failures.push(`dead receiver: tigris-local holds ${fds} descriptors`);
    return { figures: { puts: 1500, putErrors, otherGets: gets, getErrors, receiverMaxOpen: maxOpen, serverFds: fds }, failures };
  } finally {
    await srv.stop();
    for (const s of held) s.destroy();
    receiver.close();
  }
}

async function slowloris(startServer) {
  const timeoutMs = 2000;
  const srv = await startServer({ hooks: false, extraArgs: ['--header-timeout-ms', String(timeoutMs)] });
  const failures = [];
  try {
    const { hostname, port } = new URL(srv.endpoint);
    const started = Date.now();
    const closedAfter = [];
    const sockets = Array.from({ length: 200 }, () => {
      const s = net.connect(Number(port), hostname);
      s.on('error', () => {});
      s.on('connect', () => s.write(`GET / HTTP/1.1\r\nhost: ${hostname}\r\nx-slow: `));
      s.on('close', () => closedAfter.push(Date.now() - started));
      return s;
    });
    await new Promise((r) => setTimeout(r, 200));
    const aws = new AwsClient({ accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey, service: 's3', region: 'auto' });
    let served = 0;
    for (let i = 0; i < 20; i++) {
      const res = await aws.fetch(`${srv.endpoint}/`);
      await res.text();
      if (res.status === 200) served += 1;
    }
    const deadline = Date.now() + timeoutMs + 5000;
    while (closedAfter.length < sockets.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const s of sockets) s.destroy();
    if (served !== 20) failures.push(`slowloris: ${served}/20 other requests served`);
    if (closedAfter.length !== 200) failures.push(`slowloris: ${closedAfter.length}/200 slow sockets closed by the server`);
    const last = Math.max(...closedAfter);
    return { figures: { slowSockets: 200, closed: closedAfter.length, lastClosedMs: last, headerTimeoutMs: timeoutMs, otherServed: served }, failures };
  } finally {
    await srv.stop();
  }
}

/** Runs the three proofs; resolves `{figures, failures}`. */
export async function runHardening(startServer) {
  const figures = {};
  const failures = [];
  for (const [name, fn] of [['memoryBeforeAuth', memoryBeforeAuth], ['deadReceiver', deadReceiver], ['slowloris', slowloris]]) {
    try {
      const r = await fn(startServer);
      figures[name] = r.figures;
      failures.push(...r.failures);
    } catch (e) {
      failures.push(`${name}: ${e.stack ?? e}`);
    }
  }
  return { figures, failures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startServer } = await import('./lib/server.mjs');
  const r = await runHardening(startServer);
  console.log(JSON.stringify(r.figures, null, 2));
  console.log(r.failures.length ? `FAILURES:\n${r.failures.join('\n')}` : 'all hardening checks passed');
  process.exitCode = r.failures.length ? 1 : 0;
}
