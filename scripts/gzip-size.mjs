// gzip -9 size as GNU gzip reports it: the measure the size gate and BENCHMARKS.md use (zlib's
// level 9 comes out about 3 % larger on our wasm). Falls back to zlib where no gzip binary exists.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

/** The gzip -9 size of `bytes`. */
export function gzipSize(bytes) {
  try {
    return execFileSync('gzip', ['-9c'], { input: bytes, maxBuffer: 1 << 28 }).length;
  } catch {
    return gzipSync(bytes, { level: 9 }).length;
  }
}
