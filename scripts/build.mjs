// Builds the npm package in pkg/: cargo (wasm32, profile wasm-release) → wasm-bindgen (web and
// nodejs glue over one .wasm) → wasm-opt -Oz from the npm `binaryen` package. Prints the sizes.
// Usage: node scripts/build.mjs [--quiet]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSize } from './gzip-size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const tmp = join(root, '.tmp', 'bindgen');
const pkg = join(root, 'pkg');
const crate = 'tigris_agent_kit';

function run(cmd, args) {
  if (!quiet) console.error(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
}

run('cargo', ['build', '--lib', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown']);
const rawWasm = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', `${crate}.wasm`);

rmSync(tmp, { recursive: true, force: true });
for (const target of ['web', 'nodejs']) {
  run('wasm-bindgen', [rawWasm, '--out-dir', join(tmp, target), '--target', target, '--no-typescript']);
}
const webWasm = readFileSync(join(tmp, 'web', `${crate}_bg.wasm`));
if (!webWasm.equals(readFileSync(join(tmp, 'nodejs', `${crate}_bg.wasm`)))) {
  throw new Error('wasm-bindgen produced different .wasm files for the web and nodejs targets');
}

mkdirSync(pkg, { recursive: true });
const wasmOut = join(pkg, `${crate}_bg.wasm`);
// --ignore-implicit-traps: Rust never relies on an out-of-bounds access or a division trapping
// (it checks explicitly), so binaryen may move and drop such instructions (≈0.8 KB gzip).
// --converge repeats -Oz until nothing shrinks (≈0.2 KB).
run(join(root, 'node_modules', '.bin', 'wasm-opt'), [
  '-Oz', '--converge', '--ignore-implicit-traps', '--strip-debug', '--strip-producers',
  join(tmp, 'web', `${crate}_bg.wasm`), '-o', wasmOut,
]);
// The web glue ships minified (what a Worker or browser bundle would carry anyway); export
// names and the wasm import keys are kept.
run(join(root, 'node_modules', '.bin', 'esbuild'), [
  join(tmp, 'web', `${crate}.js`), '--minify', '--format=esm', '--log-level=warning', `--outfile=${join(pkg, 'web.js')}`,
]);
copyFileSync(join(tmp, 'nodejs', `${crate}.js`), join(pkg, 'node-glue.cjs'));

const sizes = {};
for (const file of [`${crate}_bg.wasm`, 'web.js', 'node-glue.cjs']) {
  const bytes = readFileSync(join(pkg, file));
  sizes[file] = { raw: bytes.length, gzip: gzipSize(bytes) };
}
writeFileSync(join(root, '.tmp', 'sizes.json'), JSON.stringify(sizes, null, 2));
for (const [file, s] of Object.entries(sizes)) {
  console.error(`${file.padEnd(24)} ${String(s.raw).padStart(8)} B  ${String(s.gzip).padStart(7)} B gzip`);
}
