// The server side of fixtures/abort-probe.js: the bucket names of one run, the faults that make
// its second call wait and its third call fail, and the checks of what the probe answered.
import { assert } from './harness.mjs';

/** Names for one probe run in runtime `tag`, with their faults injected on `srv`. */
export async function abortNames(srv, tag) {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const names = { before: `${tag}-abort-before-${stamp}`, during: `${tag}-abort-during-${stamp}`, retried: `${tag}-abort-retried-${stamp}` };
  await srv.fault({ method: 'PUT', path: `/${names.during}/`, times: 1, action: { delay_ms: 3000 } });
  await srv.fault({ method: 'PUT', path: `/${names.retried}/`, times: 1000, action: { status: 503 } });
  return names;
}

/**
 * Asserts what the probe answered: every call `Aborted` with `<prefix>: Aborted`; nothing sent
 * for the already-aborted one; the held one resolved at the abort, not at the server's answer;
 * the failing one stopped before its last attempt (the abort ended the retry wait or the attempt
 * it fell in, in a browser possibly still the CORS preflight; all four attempts and three
 * backoff waits fitting in 30 ms has a chance below 0.1 %).
 */
export async function assertAborted(srv, out, names) {
  const message = (name) => `Failed to create workspace bucket "${name}": Aborted`;
  assert.deepEqual(out.before, { code: 'Aborted', message: message(names.before) });
  assert.equal(out.during.code, 'Aborted', JSON.stringify(out));
  assert.equal(out.during.message, message(names.during));
  assert.ok(out.during.ms < 1500, `resolved after ${Math.round(out.during.ms)} ms, not after the server's delay`);
  assert.deepEqual(out.retried, { code: 'Aborted', message: message(names.retried) });
  const requests = await srv.requests();
  assert.deepEqual(requests.filter((r) => (r.path ?? '').includes(names.before)), [], 'nothing sent for the already-aborted call');
  const attempts = requests.filter((r) => r.method === 'PUT' && r.path === `/${names.retried}/`).length;
  assert.ok(attempts < 4, `${attempts} attempts of ${names.retried}`);
}

/** Waits out the held request (it still makes its bucket), tears that bucket down with `kit`, and
 * asserts the probe left nothing. */
export async function assertProbeLeftNothing(srv, kit, names) {
  await new Promise((resolve) => setTimeout(resolve, 3200));
  await kit.teardownWorkspace({ bucket: names.during }, { config: srv.config });
  const buckets = (await srv.state()).buckets.map((b) => b.name);
  assert.ok(!Object.values(names).some((n) => buckets.includes(n)), `nothing left (${buckets})`);
}
