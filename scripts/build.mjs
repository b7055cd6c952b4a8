// Builds the npm package in pkg/: cargo (wasm32, profile wasm-release) → wasm-bindgen (web and
// nodejs glue over one .wasm) → wasm-opt -Oz from the npm `binaryen` package. Prints the sizes.
// Usage: node scripts/build.mjs [--quiet]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSize } from './gzip-size.mjs';
import { renameInGlue, shortenImports } from './short-imports.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const tmp = join(root, '.tmp', 'bindgen');
const pkg = join(root, 'pkg');
const crate = 'tigris_agent_kit';

function run(cmd, args, env = process.env) {
  if (!quiet) console.error(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, env, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
}

// Panic locations name source files: map the registry to relative paths so the module carries
// no build-machine paths (and is ≈0.1 KB smaller). This crate's own files are named relative to
// the checkout already; leaving the checkout out keeps the flags, and so the build cache, the
// same for every checkout of the repository.
const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
const registry = join(cargoHome, 'registry', 'src');
const remaps = (existsSync(registry) ? readdirSync(registry).map((d) => join(registry, d)) : [])
  .map((dir) => `--remap-path-prefix=${dir}/=`);
run('cargo', ['build', '--lib', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown'], {
  ...process.env,
  CARGO_ENCODED_RUSTFLAGS: [process.env.CARGO_ENCODED_RUSTFLAGS, ...remaps].filter(Boolean).join('\x1f'),
});
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
// --converge repeats -Oz until nothing shrinks (≈0.2 KB). wasm-bindgen has read the
// target_features section already; nothing later needs it.
run(join(root, 'node_modules', '.bin', 'wasm-opt'), [
  '-Oz', '--converge', '--ignore-implicit-traps', '--strip-debug', '--strip-producers', '--strip-target-features',
  join(tmp, 'web', `${crate}_bg.wasm`), '-o', wasmOut,
]);
// Short import names in the module and both glues (see short-imports.mjs); the result must
// still link: every import the module asks for is provided by each glue.
const { wasm: shortWasm, mapping } = shortenImports(readFileSync(wasmOut));
writeFileSync(wasmOut, shortWasm);
const imports = WebAssembly.Module.imports(new WebAssembly.Module(shortWasm));
for (const target of ['web', 'nodejs']) {
  const file = join(tmp, target, `${crate}.js`);
  // The nodejs glue requires its snippets by template literal, which esbuild does not follow.
  const glue = renameInGlue(readFileSync(file, 'utf8'), mapping)
    .replace(/require\(String\.raw`([^`]*)`\)/g, (_, path) => `require(${JSON.stringify(path)})`);
  for (const { name } of imports) {
    if (!glue.includes(name)) throw new Error(`the ${target} glue does not provide the import ${name}`);
  }
  // `.cjs`: the repository's package.json says `"type": "module"`, the nodejs glue is CommonJS.
  writeFileSync(target === 'nodejs' ? file.replace(/\.js$/, '.cjs') : file, glue);
}
// Each glue is bundled with the JS snippets it imports (src/js/*.js), so the package has no
// snippets folder. The web glue ships minified (what a Worker or browser bundle would carry
// anyway); export names and the wasm import keys are kept.
const esbuild = (entry, ...args) => run(join(root, 'node_modules', '.bin', 'esbuild'), [
  join(tmp, entry), '--bundle', '--log-level=warning', ...args,
]);
esbuild(join('web', `${crate}.js`), '--minify', '--format=esm', `--outfile=${join(pkg, 'web.js')}`);
esbuild(join('nodejs', `${crate}.cjs`), '--format=cjs', '--platform=node', `--outfile=${join(pkg, 'node-glue.cjs')}`);
// The CommonJS entry's environment reader, from the ES module the ESM entry imports.
run(join(root, 'node_modules', '.bin', 'esbuild'), [
  join(pkg, 'node-env.mjs'), '--format=cjs', '--platform=node', '--log-level=warning', `--outfile=${join(pkg, 'node-env.cjs')}`,
]);

const sizes = {};
for (const file of [`${crate}_bg.wasm`, 'web.js', 'node-glue.cjs']) {
  const bytes = readFileSync(join(pkg, file));
  sizes[file] = { raw: bytes.length, gzip: gzipSize(bytes) };
}
writeFileSync(join(root, '.tmp', 'sizes.json'), JSON.stringify(sizes, null, 2));
for (const [file, s] of Object.entries(sizes)) {
  console.error(`${file.padEnd(24)} ${String(s.raw).padStart(8)} B  ${String(s.gzip).padStart(7)} B gzip`);
}
