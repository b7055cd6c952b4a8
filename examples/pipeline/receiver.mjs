// A webhook receiver for Tigris object notifications: receiveCoordinationEvents checks the
// Bearer token and reads the delivery; every authentic delivery is acknowledged with 204, and
// each event goes to `onEvent` exactly once even when Tigris delivers it again (delivery is
// at-least-once: the event's `id` is the same in every redelivery).
import { createServer } from 'node:http';
import { receiveCoordinationEvents } from 'tigris-agent-kit';

/** Bytes of a delivery kept: one more than the package reads, so a larger one is refused. */
const KEEP = (1 << 20) + 1;

/**
 * Starts the receiver on 127.0.0.1 (a free port). `onEvent(event)` runs once per distinct
 * event; it may be async, and the delivery is acknowledged without waiting for it.
 * Returns `{ url, close() }`.
 */
export async function startReceiver({ token, onEvent, log = () => {} }) {
  const seen = new Set();
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks = [];
    let kept = 0;
    req.on('data', (chunk) => {
      if (kept < KEEP) chunks.push(chunk.subarray(0, KEEP - kept));
      kept += chunk.length;
    });
    req.on('end', async () => {
      const delivery = { headers: req.headers, body: Buffer.concat(chunks) };
      const { data: events, error } = await receiveCoordinationEvents(delivery, { auth: { token } });
      if (error) {
        res.writeHead(error.code === 'Unauthorized' ? 401 : 400).end();
        log(`refused a delivery: ${error.message}`);
        return;
      }
      res.writeHead(204).end();
      for (const event of events) {
        if (seen.has(event.id)) {
          log(`duplicate delivery of ${event.key} ignored`);
          continue;
        }
        seen.add(event.id);
        Promise.resolve(onEvent(event)).catch((e) => log(`handler failed: ${e.message}`));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/tigris-events`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
