// ram.ts — guest RAM in a snapshot: pages that hold nothing but zeros are skipped, the rest deflated (zlib format, a standard codec).
//
//   uncompressed layout: u32 LE page count | bitmap (1 bit per 4 KiB page, 1 = present) | the present pages in order
//
// Compression is zlib's format (its Adler-32 checked on inflate) through a SnapshotCodec, so a
// snapshot taken in Node opens in a browser and the other way round.
import type { GuestMemory } from "../core/guest-memory.js";
import type { SnapshotCodec } from "./codec.js";
import { SnapshotError } from "./format.js";

export const PAGE_BYTES = 4096;

export interface RamImage {
  /** The compressed section. */
  bytes: Uint8Array;
  /** Pages that held something. */
  pages: number;
}

/** Deflate the pages of RAM that are not all zeros (found by the core: `nextUsedPage`). */
export async function saveRam(guest: GuestMemory, nextUsedPage: (page: number) => number, codec: SnapshotCodec): Promise<RamImage> {
  const ram = guest.view(guest.base, guest.sizeBytes);
  const pageCount = guest.sizeBytes / PAGE_BYTES;
  const bitmap = new Uint8Array(Math.ceil(pageCount / 8));
  const present: number[] = [];
  for (let p = nextUsedPage(0); p < pageCount; p = nextUsedPage(p + 1)) {
    bitmap[p >> 3]! |= 1 << (p & 7);
    present.push(p);
  }
  // One copy, out of guest RAM: the codec must not see RAM change under it, and APIs such as
  // Blob refuse views of a shared memory.
  const plain = new Uint8Array(4 + bitmap.length + present.length * PAGE_BYTES);
  new DataView(plain.buffer).setUint32(0, pageCount, true);
  plain.set(bitmap, 4);
  let at = 4 + bitmap.length;
  for (const p of present) {
    plain.set(ram.subarray(p * PAGE_BYTES, (p + 1) * PAGE_BYTES), at);
    at += PAGE_BYTES;
  }
  return { bytes: await codec.deflate(plain), pages: present.length };
}

/** Inflate a RAM section into a machine's RAM (which must be freshly zeroed and of the snapshot's size). */
export async function loadRam(guest: GuestMemory, section: Uint8Array, codec: SnapshotCodec): Promise<number> {
  let data: Uint8Array;
  try {
    data = await codec.inflate(section);
  } catch {
    throw new SnapshotError("snapshot RAM section is corrupted (it does not inflate)");
  }
  const pageCount = guest.sizeBytes / PAGE_BYTES;
  if (data.length < 4 || new DataView(data.buffer, data.byteOffset).getUint32(0, true) !== pageCount) {
    throw new SnapshotError(`snapshot RAM section does not hold ${guest.sizeBytes >> 20} MiB of RAM`);
  }
  const bitmap = data.subarray(4, 4 + Math.ceil(pageCount / 8));
  let present = 0;
  for (let p = 0; p < pageCount; p++) if (bitmap[p >> 3]! & (1 << (p & 7))) present++;
  const pagesAt = 4 + bitmap.length;
  if (data.length !== pagesAt + present * PAGE_BYTES) throw new SnapshotError("snapshot RAM section has the wrong number of pages");
  const ram = guest.view(guest.base, guest.sizeBytes);
  let at = pagesAt;
  for (let p = 0; p < pageCount; p++) {
    if (!(bitmap[p >> 3]! & (1 << (p & 7)))) continue;
    ram.set(data.subarray(at, at + PAGE_BYTES), p * PAGE_BYTES);
    at += PAGE_BYTES;
  }
  return present;
}
