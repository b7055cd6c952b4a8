// Request-level fidelity: every workflow of the seed doc runs through the reference (the official
// SDKs, bench/reference.mjs, docs/protocol.md §7 step by step) and through our package against one
// tigris-local (reset between sides); the request logs (`GET /_local/requests`) must match —
// methods, paths, queries, Tigris/S3 headers, bodies, statuses; in order (forks with
// `concurrency: 1`), as a multiset for our default concurrency. What is ignored and what is an
// allowed difference is written in compare.mjs (IGNORED_HEADERS, ALLOWED); anything else fails.
// The resolved values must be the same on both sides too, except the few written in
// compare.mjs (DIFFERENT_RESULTS), whose both values are asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit } from '../helpers/kit.mjs';
import * as nine from '../../bench/reference.mjs';
import * as lifecycle from './reference-lifecycle.mjs';
import { scenarios, runScenario } from './scenarios.mjs';
import { compareLogs, describe, ALLOWED, DELIBERATE, DIFFERENT_RESULTS } from './compare.mjs';

/** The reference: the nine workflows, plus the fork-lifecycle exports over their SDK calls. */
const reference = { ...nine, ...lifecycle };

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

for (const sc of scenarios) {
  const ordered = sc.ordered !== false;
  test(`${sc.name}${ordered ? '' : ' (as a set)'}`, async (t) => {
    const ref = await runScenario(srv, reference, sc);
    const ours = await runScenario(srv, kit, sc);
    assert.ok(ref.log.length > 0, 'the reference made requests');
    const { differences: all, allowed } = compareLogs(ref.log, ours.log, { ordered });
    const deliberate = DELIBERATE[sc.name];
    const differences = deliberate ? all.filter((d) => !deliberate.match(d)) : all;
    for (const line of describe(allowed)) t.diagnostic(line);
    if (deliberate && differences.length < all.length) t.diagnostic(`deliberate difference: ${deliberate.reason}`);
    assert.deepEqual(describe(differences), [], `request-level differences (allowed ones: ${Object.keys(ALLOWED).join(', ')})`);
    const different = DIFFERENT_RESULTS[sc.name];
    if (different) {
      t.diagnostic(`deliberate result difference: ${different.reason}`);
      assert.deepEqual({ reference: ref.result, ours: ours.result }, { reference: different.reference, ours: different.ours });
    } else {
      assert.equal(ours.result, ref.result, 'both sides resolve to the same value');
    }
  });
}
