// Builds bench/wasm-signer into bench/wasm-signer/pkg/{web,node}/ (wasm32 release → wasm-bindgen
// → wasm-opt -Oz from npm binaryen, as scripts/build.mjs does for the package). Uses
// CARGO_TARGET_DIR=target/bench unless set. Usage: node bench/wasm-signer/build.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const target = process.env.CARGO_TARGET_DIR ?? join(repo, 'target', 'bench');
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: here, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });

// Same dependency versions as the package.
if (!existsSync(join(here, 'Cargo.lock'))) copyFileSync(join(repo, 'Cargo.lock'), join(here, 'Cargo.lock'));
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--manifest-path', join(here, 'Cargo.toml')], { CARGO_TARGET_DIR: target });
const raw = join(target, 'wasm32-unknown-unknown', 'release', 'bench_signer.wasm');
for (const t of ['web', 'node']) {
  const out = join(here, 'pkg', t);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  run('wasm-bindgen', [raw, '--out-dir', out, '--target', t === 'web' ? 'web' : 'nodejs', '--no-typescript']);
  run(join(repo, 'node_modules', '.bin', 'wasm-opt'), ['-Oz', '--strip-debug', '--strip-producers', join(out, 'bench_signer_bg.wasm'), '-o', join(out, 'bench_signer_bg.wasm')]);
  // the repo is "type": "module": the nodejs (CommonJS) glue needs the .cjs extension
  if (t === 'node') renameSync(join(out, 'bench_signer.js'), join(out, 'bench_signer.cjs'));
}
console.error('built bench/wasm-signer/pkg/{web,node}');
