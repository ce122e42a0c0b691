// elf-patch.ts — set a 64-bit variable in an ELF file's bytes (bench knobs such as demo_buffer_bytes), before the image crosses to a worker.
//
// The same effect as writing guest RAM after loadElf() (bench/rng.ts does that), for callers that
// hand the image to something else to load: a worker, a browser page.
import { ElfError, parseElf } from "./elf.js";

/**
 * Return a copy of `elf` with the little-endian u64 at `symbol` set to `value`. The symbol must
 * lie in a segment's file part (.data, not .bss, which has no bytes in the file).
 */
export function patchElfU64(elf: Uint8Array, symbol: string, value: bigint): Uint8Array {
  const copy = elf.slice();
  const image = parseElf(copy);
  const va = image.symbols.get(symbol);
  if (va === undefined) throw new ElfError(`symbol ${symbol} not found (is the file stripped?)`);
  // Segment data are views into `copy`, so writing through one patches the file.
  const segment = image.segments.find((s) => va >= s.vaddr && va + 8n <= s.vaddr + BigInt(s.data.length));
  if (segment === undefined) throw new ElfError(`symbol ${symbol} is not in the file part of any loadable segment`);
  new DataView(segment.data.buffer, segment.data.byteOffset, segment.data.byteLength)
    .setBigUint64(Number(va - segment.vaddr), BigInt.asUintN(64, value), true);
  return copy;
}
