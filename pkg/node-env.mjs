// Node's environment for tigris-agent-kit: `process.env` first, then the `TIGRIS_*` keys of a
// `.env` file in the current directory (read once, never written to `process.env`), as the
// original SDKs do. Values are handed to the wasm module on demand; nothing is read at import.
// `process.env` is read again on every lookup: any code may change it between two calls.
// An ES module so that bundlers inline it into the Node entry; `node-env.cjs` is built from it
// for the CommonJS entry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let dotenv;

function parseDotenv(text) {
  const values = { __proto__: null };
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?(TIGRIS_[A-Za-z0-9_]*)\s*=\s*(.*)?\s*$/.exec(line);
    if (!m) continue;
    let value = (m[2] ?? '').trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.endsWith(quote) && value.length > 1) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    values[m[1]] = value;
  }
  return values;
}

/** The value of environment variable `name`, or undefined. */
export function readEnv(name) {
  const value = process.env[name];
  if (value !== undefined) return value;
  if (dotenv === undefined) {
    try {
      dotenv = parseDotenv(readFileSync(join(process.cwd(), '.env'), 'utf8'));
    } catch {
      dotenv = { __proto__: null };
    }
  }
  return dotenv[name];
}
