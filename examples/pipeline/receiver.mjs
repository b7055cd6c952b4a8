// A webhook receiver for Tigris object notifications: it checks the Bearer token, acknowledges
// every authentic delivery with 204, and hands each event to `onEvent` exactly once even when
// Tigris delivers it again (delivery is at-least-once).
import { createServer } from 'node:http';

/**
 * Starts the receiver on 127.0.0.1 (a free port). `onEvent(event)` runs once per distinct
 * event; it may be async, and the delivery is acknowledged without waiting for it.
 * Returns `{ url, close() }`.
 */
export async function startReceiver({ token, onEvent, log = () => {} }) {
  const seen = new Set();
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${token}`) {
      log(`refused a ${req.method} without the right token`);
      res.writeHead(401).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      let events;
      try {
        ({ events } = JSON.parse(body));
        if (!Array.isArray(events)) throw new Error('no events array');
      } catch (e) {
        res.writeHead(400).end();
        log(`refused a malformed delivery: ${e.message}`);
        return;
      }
      res.writeHead(204).end();
      for (const event of events) {
        const id = `${event.bucket}/${event.object?.key}/${event.eventName}/${event.object?.eTag}/${event.eventTime}`;
        if (seen.has(id)) {
          log(`duplicate delivery of ${event.object?.key} ignored`);
          continue;
        }
        seen.add(id);
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
