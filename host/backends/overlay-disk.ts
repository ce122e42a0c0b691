// overlay-disk.ts — OverlayDisk: copy-on-write over a base image; the guest's writes stay in memory, the base is never written.
//
// One base image can then serve many runs (and many restores of one snapshot) unchanged. Writes
// land in 4 KiB blocks kept in memory; reads take each block from the overlay when it has it,
// from the base otherwise. FLUSH has nothing to make durable: the overlay lives as long as the
// VM (and in its snapshots), by design. The base is opened read-only by whoever supplies it.
import { checkRange, type DiskBackend } from "./disk.js";

export const OVERLAY_BLOCK_BYTES = 4096;

export class OverlayDisk implements DiskBackend {
  readonly readOnly = false;
  readonly sizeBytes: number;
  /** Blocks the guest has written, by block index. */
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(readonly base: DiskBackend) {
    this.sizeBytes = base.sizeBytes;
  }

  /** Blocks held in the overlay. */
  get blockCount(): number {
    return this.blocks.size;
  }

  read(offset: number, dest: Uint8Array): void {
    checkRange(offset, dest.length, this.sizeBytes);
    this.eachBlock(offset, dest.length, (index, within, at, n) => {
      const block = this.blocks.get(index);
      if (block !== undefined) dest.set(block.subarray(within, within + n), at);
      else this.base.read(offset + at, dest.subarray(at, at + n));
    });
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(offset, src.length, this.sizeBytes);
    this.eachBlock(offset, src.length, (index, within, at, n) => {
      let block = this.blocks.get(index);
      if (block === undefined) {
        block = new Uint8Array(OVERLAY_BLOCK_BYTES);
        const start = index * OVERLAY_BLOCK_BYTES;
        // A partial write keeps the rest of the block as the base has it.
        if (n < OVERLAY_BLOCK_BYTES) this.base.read(start, block.subarray(0, Math.min(OVERLAY_BLOCK_BYTES, this.sizeBytes - start)));
        this.blocks.set(index, block);
      }
      block.set(src.subarray(at, at + n), within);
    });
  }

  flush(): void {
    // Nothing is durable by design: the base stays as it was.
  }

  close(): void {
    this.base.close?.();
  }

  /** The overlay's blocks, in index order (for snapshots). */
  entries(): Array<[number, Uint8Array]> {
    return [...this.blocks.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** Replace the overlay's contents (a restored snapshot). */
  load(entries: Iterable<[number, Uint8Array]>): void {
    this.blocks.clear();
    const last = Math.ceil(this.sizeBytes / OVERLAY_BLOCK_BYTES);
    for (const [index, block] of entries) {
      if (!Number.isInteger(index) || index < 0 || index >= last || block.length !== OVERLAY_BLOCK_BYTES) {
        throw new RangeError(`overlay block ${index} does not fit a ${this.sizeBytes}-byte disk`);
      }
      this.blocks.set(index, block.slice());
    }
  }

  /** Visit [offset, offset + length) block by block: (block index, offset in block, offset in buffer, bytes). */
  private eachBlock(offset: number, length: number, visit: (index: number, within: number, at: number, n: number) => void): void {
    let at = 0;
    while (at < length) {
      const pos = offset + at;
      const index = Math.floor(pos / OVERLAY_BLOCK_BYTES);
      const within = pos % OVERLAY_BLOCK_BYTES;
      const n = Math.min(OVERLAY_BLOCK_BYTES - within, length - at);
      visit(index, within, at, n);
      at += n;
    }
  }
}
