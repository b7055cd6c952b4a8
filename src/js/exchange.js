// One HTTP exchange over the global `fetch` for the wasm transport (`src/js/mod.rs`): the
// request arrives in one call, the answer leaves as one array, so a request costs one crossing
// each way instead of one per header, getter and promise. The deadline, the cancellation (by
// the deadline or the caller's `signal`) and the body limit live here, next to the `fetch` they
// govern; so does the wait between retries, which the caller's `signal` also ends.

/** `answer[2]` when a redirect was refused (never followed, its connection cancelled). */
const REDIRECT = 1;
/** `answer[2]` when the body passed the limit (the rest is never read, the connection cancelled). */
const TOO_LARGE = 2;

/**
 * Sends `method url` with the headers packed in `text` (`text` = method, URL, then each header
 * name and value; `ends[i]` = where part `i` ends, in UTF-16 units) and `body` (a view into the
 * module's memory: copied before anything can await). Resolves to `null` when `deadlineMs`
 * passes first, to `false` when `signal` (the caller's `AbortSignal`, or undefined) aborts first
 * (either way the exchange is cancelled), else `[status, statusText, body, ...values of names]`
 * with `body` the bytes, `REDIRECT` or `TOO_LARGE`. Rejects with what `fetch` or the body stream
 * threw.
 */
export function exchange(text, ends, body, deadlineMs, limit, names, signal) {
  const headers = { __proto__: null };
  for (let i = 2; i < ends.length; i += 2) headers[text.slice(ends[i - 1], ends[i])] = text.slice(ends[i], ends[i + 1]);
  const init = { __proto__: null, method: text.slice(0, ends[0]), redirect: 'manual', headers };
  if (body.length) init.body = body.slice();
  let controller;
  try {
    controller = new AbortController();
    init.signal = controller.signal;
  } catch {
    // No AbortController: the deadline still holds, only the connection is not cancelled.
  }
  const cancel = () => {
    try {
      controller?.abort();
    } catch {
      // Nothing more can be done for this connection.
    }
  };
  const url = text.slice(ends[0], ends[1]);
  return new Promise((resolve, reject) => {
    let timer;
    const aborted = () => {
      cancel();
      resolve(false);
    };
    const settle = (then) => (value) => {
      try {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
      } catch {
        // The timer or the listener fires into an already settled promise.
      }
      then(value);
    };
    try {
      timer = setTimeout(() => {
        cancel();
        resolve(null);
      }, deadlineMs);
    } catch {
      // No usable setTimeout: no deadline.
    }
    try {
      signal?.addEventListener('abort', aborted);
    } catch {
      // A signal that takes no listener only stops the next step.
    }
    answer(url, init, limit, names, cancel).then(settle(resolve), settle(reject));
  });
}

/**
 * A wait of `ms` that `signal` (or undefined) ends early: `[done, stop]`, where `done` resolves
 * when the time is up or the signal aborts, and `stop()` ends the wait now, clearing its timer
 * and listener (so an abandoned wait keeps no process alive). Without a usable `setTimeout` the
 * wait ends at once.
 */
export function pause(ms, signal) {
  let stop;
  const done = new Promise((resolve) => {
    let timer;
    stop = () => {
      try {
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
      } catch {
        // Nothing left to clear.
      }
      resolve();
    };
    try {
      timer = setTimeout(stop, ms);
      signal?.addEventListener('abort', stop);
      if (signal?.aborted) stop();
    } catch {
      stop();
    }
  });
  return [done, stop];
}

/** Fetches and reads the answer (see `exchange`). */
async function answer(url, init, limit, names, cancel) {
  const response = await fetch(url, init);
  const status = response.status;
  if ((status >= 300 && status < 400) || (status === 0 && response.type === 'opaqueredirect')) {
    cancel();
    return [status, '', REDIRECT];
  }
  const out = [status, response.statusText, TOO_LARGE];
  const headers = response.headers;
  for (const name of names) out.push(headers.get(name));
  const declared = headers.get('content-length');
  const length = declared === null ? NaN : Number(declared);
  // A declared length within the limit (every answer a Tigris endpoint gives) is read at once,
  // HTTP framing holding it to that length; any other body is streamed and cut at the limit.
  const bytes = Number.isInteger(length) && length <= limit ? new Uint8Array(await response.arrayBuffer()) : await stream(response.body, limit);
  if (bytes === null || bytes.length > limit) cancel();
  else out[2] = bytes;
  return out;
}

/** Reads `body` (a `ReadableStream` or none) into one array; `null` as soon as it passes `limit`. */
async function stream(body, limit) {
  if (body == null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) return null;
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
