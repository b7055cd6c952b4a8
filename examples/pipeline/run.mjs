// A two-stage agent pipeline coordinated by bucket webhooks, offline against tigris-local:
//   stage 1 writes results/… into its workspace → Tigris posts an event → the receiver starts
//   stage 2, which reads stage 1's output and writes its own into a second workspace. The
//   receiver (receiver.mjs) reads each delivery with receiveCoordinationEvents.
// Config comes from the environment (TIGRIS_STORAGE_ENDPOINT, TIGRIS_IAM_ENDPOINT,
// TIGRIS_STORAGE_ACCESS_KEY_ID, TIGRIS_STORAGE_SECRET_ACCESS_KEY); `npm run demo` sets them.
import { randomBytes } from 'node:crypto';
import { put, get } from '@tigrisdata/storage';
import {
  createWorkspace, teardownWorkspace, setupCoordination, teardownCoordination,
} from 'tigris-agent-kit';
import { startReceiver } from './receiver.mjs';

const say = (msg) => console.log(`[pipeline] ${msg}`);
const endpoint = process.env.TIGRIS_STORAGE_ENDPOINT;
const run = `run-${Date.now().toString(36)}`;
const token = randomBytes(16).toString('hex');
const s3 = (bucket, creds) => ({ config: { bucket, endpoint, ...creds } });
const must = (res) => { if (res.error) throw res.error; return res.data; };

const stage1 = must(await createWorkspace(`${run}-stage1`, { credentials: { role: 'Editor' }, ttl: { days: 1 } }));
const stage2 = must(await createWorkspace(`${run}-stage2`, { credentials: { role: 'Editor' }, ttl: { days: 1 } }));
say(`workspaces ${stage1.bucket} and ${stage2.bucket} ready, each with its own Editor key`);

let finish;
const finished = new Promise((resolve) => { finish = resolve; });
const receiver = await startReceiver({
  token,
  log: say,
  onEvent: async (event) => {
    say(`event ${event.eventName} for ${event.bucket}/${event.key} (${event.size} bytes, id ${event.id.slice(0, 12)}…)`);
    // Stage 2 reads what stage 1 wrote (the orchestrator's credentials can read every bucket)
    // and writes its own output with its own scoped key.
    const input = must(await get(event.key, 'string', s3(event.bucket, {})));
    const words = JSON.parse(input).text.split(/\s+/).length;
    must(await put('report.json', JSON.stringify({ source: event.key, words }), s3(stage2.bucket, stage2.credentials)));
    say(`stage 2 counted ${words} words and wrote ${stage2.bucket}/report.json`);
    finish();
  },
});

must(await setupCoordination(stage1.bucket, {
  webhookUrl: receiver.url,
  filter: 'WHERE `key` REGEXP "^results/"',
  auth: { token },
}));
say(`coordination: writes to ${stage1.bucket}/results/* now notify ${receiver.url}`);

must(await put('scratch/notes.txt', 'thinking…', s3(stage1.bucket, stage1.credentials)));
say('stage 1 wrote scratch/notes.txt (no event: outside results/)');
must(await put('results/summary.json', JSON.stringify({ text: 'forks workspaces checkpoints coordination' }), s3(stage1.bucket, stage1.credentials)));
say('stage 1 wrote results/summary.json');

const timer = setTimeout(() => { say('no event within 15 s'); process.exitCode = 1; finish(); }, 15_000);
await finished;
clearTimeout(timer);
const report = must(await get('report.json', 'string', s3(stage2.bucket, stage2.credentials)));
say(`stage 2 output: ${report}`);

must(await teardownCoordination(stage1.bucket));
must(await teardownWorkspace(stage1));
must(await teardownWorkspace(stage2));
await receiver.close();
say('coordination cleared, both workspaces and their keys torn down');
