// 1. Size: what a Worker and a browser bundle ship (esbuild --bundle --minify --format=esm), ours
// (the JS bundle + the .wasm, which both targets ship as a separate file) vs the reference stack
// (bench/reference.mjs over @tigrisdata/storage + @tigrisdata/iam). The reference does not bundle
// for either target without Node built-ins; it is then measured with every built-in left
// external (≈ what workerd's nodejs_compat provides), and the failure is recorded.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { gzipSize } from '../../scripts/gzip-size.mjs';
import { repo, benchDir } from './util.mjs';

const outRoot = join(repo, '.tmp', 'bench-size');
// GNU gzip -9 (as the size gate measures; zlib level 9 is ≈ 3 % larger on the wasm)
const gzip = (b) => gzipSize(b);
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;

const TARGETS = {
  worker: { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['browser', 'module', 'main'] },
  browser: { platform: 'browser' },
};
const builtins = [...new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))];

async function bundle(name, entrySource, target, { externalBuiltins = false } = {}) {
  const dir = join(outRoot, `${name}-${target}${externalBuiltins ? '-ext' : ''}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entry = join(benchDir, `.entry-${name}.mjs`);
  writeFileSync(entry, entrySource);
  try {
    const result = await build({
      entryPoints: [entry], bundle: true, minify: true, format: 'esm', outfile: join(dir, 'bundle.js'),
      ...TARGETS[target], external: ['*.wasm', ...(externalBuiltins ? builtins : [])],
      logLevel: 'silent', metafile: true, absWorkingDir: repo,
    });
    const js = readFileSync(join(dir, 'bundle.js'));
    const imports = Object.values(result.metafile.outputs)[0].imports.filter((i) => i.external).map((i) => i.path);
    return { ok: true, js, externals: [...new Set(imports)].sort() };
  } catch (e) {
    const missing = [...new Set((e.errors ?? []).map((x) => /Could not resolve "([^"]+)"/.exec(x.text)?.[1] ?? x.text))].sort();
    return { ok: false, errors: missing };
  } finally {
    rmSync(entry, { force: true });
  }
}

const bytes = (b) => ({ raw: b.length, gzip: gzip(b), brotli: brotli(b) });
const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });

export async function measureSize() {
  const wasm = readFileSync(join(repo, 'pkg', 'tigris_agent_kit_bg.wasm'));
  const webGlue = readFileSync(join(repo, 'pkg', 'web.js'));
  const out = { ours: {}, reference: {}, parts: { wasm: bytes(wasm), webGlue: bytes(webGlue) } };
  for (const target of Object.keys(TARGETS)) {
    const o = await bundle('ours', "export * from 'tigris-agent-kit';\n", target);
    if (!o.ok) throw new Error(`our ${target} bundle failed: ${o.errors.join(', ')}`);
    out.ours[target] = { js: bytes(o.js), wasm: out.parts.wasm, total: add(bytes(o.js), out.parts.wasm), externals: o.externals };

    const plain = await bundle('reference', "export * from './reference.mjs';\n", target);
    const ext = plain.ok ? plain : await bundle('reference', "export * from './reference.mjs';\n", target, { externalBuiltins: true });
    out.reference[target] = {
      bundlesWithoutNodeBuiltins: plain.ok,
      unresolved: plain.ok ? [] : plain.errors,
      measuredWith: plain.ok ? 'as is' : 'Node built-ins external (nodejs_compat)',
      total: ext.ok ? bytes(ext.js) : null,
      externals: ext.ok ? ext.externals : [],
    };
  }
  return out;
}
