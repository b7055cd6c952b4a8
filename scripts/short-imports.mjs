// Shortens the wasm-bindgen import names (`__wbg_call_40b008ba32f73991` → `$1x`) in the .wasm
// and in its JS glue, consistently. The names carry 16 random hex digits each, which gzip cannot
// compress, and they appear twice (import section and glue): ≈1 KB gzip for nothing. binaryen's
// `--minify-imports` only handles emscripten's `env` module, hence this small rewrite.
//
// Only import names ending in wasm-bindgen's 16-hex-digit hash are renamed: those are unique
// tokens, so a whole-word replacement in the glue cannot touch anything else.

const HASHED = /^__wbg_\w+_[0-9a-f]{16}$/;

/** Reads an unsigned LEB128 at `pos`; returns [value, nextPos]. */
function readLeb(bytes, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, pos];
  }
}

/** Encodes an unsigned LEB128. */
function leb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/** Length of one import descriptor (after the kind byte) starting at `pos`. */
function descriptorEnd(bytes, kind, pos) {
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = readLeb(bytes, p);
    if (flags & 1) [, p] = readLeb(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: return readLeb(bytes, pos)[1]; // function: type index
    case 1: return limits(pos + 1); // table: reftype, limits
    case 2: return limits(pos); // memory: limits
    case 3: return pos + 2; // global: valtype, mutability
    case 4: return readLeb(bytes, pos + 1)[1]; // tag: attribute, type index
    default: throw new Error(`unknown import kind ${kind}`);
  }
}

/** A short JS identifier for the n-th renamed import. */
const shortName = (n) => `$${n.toString(36)}`;

/**
 * Renames the hashed imports of `wasm` (a Buffer). Returns the new module bytes and the
 * mapping old name → new name.
 */
export function shortenImports(wasm) {
  const mapping = new Map();
  const parts = [wasm.subarray(0, 8)];
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = readLeb(wasm, pos + 1);
    const end = start + size;
    if (id !== 2) {
      parts.push(wasm.subarray(pos, end));
      pos = end;
      continue;
    }
    let p = start;
    const [count, first] = readLeb(wasm, p);
    p = first;
    const body = [leb(count)];
    for (let i = 0; i < count; i++) {
      const [moduleLen, moduleStart] = readLeb(wasm, p);
      const moduleEnd = moduleStart + moduleLen;
      const [nameLen, nameStart] = readLeb(wasm, moduleEnd);
      const name = wasm.subarray(nameStart, nameStart + nameLen).toString('utf8');
      const kindPos = nameStart + nameLen;
      const descEnd = descriptorEnd(wasm, wasm[kindPos], kindPos + 1);
      let newName = name;
      if (HASHED.test(name)) {
        newName = mapping.get(name) ?? shortName(mapping.size);
        mapping.set(name, newName);
      }
      body.push(wasm.subarray(p, moduleEnd), leb(Buffer.byteLength(newName)), Buffer.from(newName), wasm.subarray(kindPos, descEnd));
      p = descEnd;
    }
    const payload = Buffer.concat(body);
    parts.push(Buffer.from([2]), leb(payload.length), payload);
    pos = end;
  }
  return { wasm: Buffer.concat(parts), mapping };
}

/** Applies `mapping` to a glue file's text (whole tokens only). */
export function renameInGlue(text, mapping) {
  return text.replace(/__wbg_\w+_[0-9a-f]{16}\b/g, (name) => mapping.get(name) ?? name);
}
