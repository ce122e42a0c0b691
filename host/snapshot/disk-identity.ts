// disk-identity.ts — what a snapshot records of each disk, so it is never restored against other contents: size and a SHA-256 of the data.
//
// The hash is over the SHA-256 of each 1 MiB chunk (Web Crypto hashes whole buffers only), read
// through the backend, so it works for files, memory disks and overlays' bases alike.
import type { DiskBackend } from "../backends/disk.js";
import { OverlayDisk } from "../backends/overlay-disk.js";

export interface DiskIdentity {
  sizeBytes: number;
  sha256: string;
}

const CHUNK_BYTES = 1 << 20;

/** The identity of a disk's base contents (an overlay's base: its own blocks travel in the snapshot). */
export async function diskIdentity(disk: DiskBackend): Promise<DiskIdentity> {
  const base = disk instanceof OverlayDisk ? disk.base : disk;
  const chunk = new Uint8Array(CHUNK_BYTES);
  const digests: Uint8Array[] = [];
  for (let at = 0; at < base.sizeBytes; at += CHUNK_BYTES) {
    const n = Math.min(CHUNK_BYTES, base.sizeBytes - at);
    base.read(at, chunk.subarray(0, n));
    digests.push(new Uint8Array(await crypto.subtle.digest("SHA-256", chunk.subarray(0, n))));
  }
  const all = new Uint8Array(digests.length * 32);
  digests.forEach((d, i) => all.set(d, i * 32));
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return { sizeBytes: base.sizeBytes, sha256: Array.from(sum, (b) => b.toString(16).padStart(2, "0")).join("") };
}
