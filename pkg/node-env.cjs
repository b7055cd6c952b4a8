'use strict';
// Node's environment for tigris-agent-kit: `process.env` first, then the `TIGRIS_*` keys of a
// `.env` file in the current directory (read once, never written to `process.env`), as the
// original SDKs do. Values are handed to the wasm module on demand; nothing is read at import.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

let dotenv;

function parseDotenv(text) {
  const values = {};
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

function dotenvValues() {
  if (dotenv === undefined) {
    try {
      dotenv = parseDotenv(readFileSync(join(process.cwd(), '.env'), 'utf8'));
    } catch {
      dotenv = {};
    }
  }
  return dotenv;
}

/** The value of environment variable `name`, or undefined. */
exports.readEnv = function readEnv(name) {
  const value = process.env[name];
  if (value !== undefined) return value;
  return Object.prototype.hasOwnProperty.call(dotenvValues(), name) ? dotenvValues()[name] : undefined;
};
