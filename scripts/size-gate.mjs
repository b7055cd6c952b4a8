// The size gate, in one place: the most the .wasm plus its minified web glue may weigh, gzip -9,
// in bytes. Read by the test that enforces it (js-tests/package/size.test.mjs) and by the bench
// report (bench/lib/report.mjs). It only moves down.
//
// The round began at 78,794 B (nine exports, signing over the in-crate sigv4 canonicalisation)
// with a gate of 78,794 + 12,000 B for the exports still to come; all of them are in (fork
// lifecycle, edge loop, users' issue) at 88,251 B after the size cuts, so the gate is that plus
// 749 B.
export const SIZE_GATE = 89_000;
