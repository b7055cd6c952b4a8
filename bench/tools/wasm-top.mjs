// A small twiggy-style "top" for a .wasm with a name section (the wasm-bindgen input before
// wasm-opt strips names): code bytes per function, largest first, plus data-segment bytes and a
// crate-level roll-up of function names. Usage:
//   node bench/tools/wasm-top.mjs [target/wasm32-unknown-unknown/wasm-release/tigris_agent_kit.wasm] [N]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'target/wasm32-unknown-unknown/wasm-release/tigris_agent_kit.wasm';
const top = Number(process.argv[3] ?? 40);
const buf = readFileSync(file);
let p = 8;
const u32 = () => { let r = 0; let s = 0; for (;;) { const b = buf[p++]; r |= (b & 0x7f) << s; if (!(b & 0x80)) return r >>> 0; s += 7; } };
const name = () => { const n = u32(); const s = buf.toString('utf8', p, p + n); p += n; return s; };
let imports = 0;
const bodies = [];
const names = new Map();
let dataBytes = 0;
const sections = {};
while (p < buf.length) {
  const id = buf[p++];
  const size = u32();
  const end = p + size;
  const label = id === 0 ? `custom:${(() => { const q = p; const n = name(); p = q; return n; })()}` : String(id);
  sections[label] = (sections[label] ?? 0) + size;
  if (id === 2) { // imports: count function imports
    const n = u32();
    for (let i = 0; i < n; i++) { name(); name(); const kind = buf[p++]; if (kind === 0) { u32(); imports++; } else if (kind === 1) { p++; const f = buf[p++]; u32(); if (f & 1) u32(); } else if (kind === 2) { const f = buf[p++]; u32(); if (f & 1) u32(); } else if (kind === 3) { p += 2; } else { p++; u32(); } }
  } else if (id === 10) {
    const n = u32();
    for (let i = 0; i < n; i++) { const s = u32(); bodies.push(s); p += s; }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0) {
    const n = name();
    if (n === 'name') {
      while (p < end) {
        const sub = buf[p++]; const ssize = u32(); const send = p + ssize;
        if (sub === 1) { const c = u32(); for (let i = 0; i < c; i++) { const idx = u32(); names.set(idx, name()); } }
        p = send;
      }
    }
  }
  p = end;
}
const total = bodies.reduce((a, b) => a + b, 0);
const rows = bodies.map((s, i) => ({ size: s, name: names.get(i + imports) ?? `func[${i + imports}]` })).sort((a, b) => b.size - a.size);
console.log(`${file}: ${buf.length} B; code ${total} B in ${bodies.length} functions; data ${dataBytes} B`);
console.log('sections:', Object.entries(sections).map(([k, v]) => `${k}=${v}`).join(' '));
for (const r of rows.slice(0, top)) console.log(String(r.size).padStart(7), (100 * r.size / buf.length).toFixed(2).padStart(6) + '%', r.name.slice(0, 150));
// Crate of a mangled name: legacy `_ZN<len><seg>…` (first plain segment; `<impl …>` segments
// are decoded for their first path element) or v0 `_R…Cs<hash>_<len><crate>`.
const crate = (n) => {
  if (n.startsWith('_ZN')) {
    let q = 3;
    const segs = [];
    while (q < n.length && /\d/.test(n[q])) { let len = ''; while (/\d/.test(n[q])) len += n[q++]; segs.push(n.slice(q, q + Number(len))); q += Number(len); }
    const first = segs[0] ?? '';
    if (first.startsWith('_$LT$')) return /^_\$LT\$([a-z_][a-z0-9_]*)/.exec(first)?.[1] ?? '(impl)';
    return first;
  }
  if (n.startsWith('_R')) return /C[sy]?[0-9a-zA-Z]*_(\d+)([a-z_][a-z0-9_]*)/.exec(n)?.[2]?.slice(0, Number(/C[sy]?[0-9a-zA-Z]*_(\d+)/.exec(n)[1])) ?? '(v0)';
  if (n.startsWith('__wbg') || n.startsWith('__wbindgen')) return 'wasm-bindgen glue';
  const m = /^<*&?(?:mut )?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?(::|>|$)/.exec(n);
  return m ? (['str', 'T', 'F', 'u8', 'usize', 'i32', 'u32', 'u64', 'f64', 'char'].includes(m[1]) ? `(${m[1]} impls)` : m[1]) : '(other)';
};
const byCrate = new Map();
for (const r of rows) byCrate.set(crate(r.name), (byCrate.get(crate(r.name)) ?? 0) + r.size);
console.log('\nby crate (code bytes, first path segment):');
for (const [k, v] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(String(v).padStart(8), k);
