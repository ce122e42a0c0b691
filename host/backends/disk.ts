// disk.ts — DiskBackend: the byte store behind a virtio-blk device, and MemoryDisk, an in-memory one for any platform.
//
// The device validates every guest request against `sizeBytes` before it calls a backend, so
// a backend sees only in-range accesses; it still checks them, because a backend is also a
// public API. The Node file backend is in node/file-disk.ts.

/** Bytes in a virtio-blk sector: the protocol's unit, whatever the disk's block size. */
export const DISK_SECTOR_BYTES = 512;

/** A disk image: synchronous positioned reads and writes, and a flush that makes writes durable. */
export interface DiskBackend {
  /** Size in bytes, a multiple of 512; fixed for the backend's life. */
  readonly sizeBytes: number;
  /** Writes are refused (the device offers VIRTIO_BLK_F_RO and fails every write). */
  readonly readOnly: boolean;
  /** Fill `dest` entirely from byte `offset`; throws on any failure (the guest sees IOERR). */
  read(offset: number, dest: Uint8Array): void;
  /** Write all of `src` at byte `offset`; when it returns the bytes are in the image (not necessarily durable). */
  write(offset: number, src: Uint8Array): void;
  /** Make every completed write durable (fsync for a file). */
  flush(): void;
  /** Release the image; later calls throw. */
  close?(): void;
}

export interface MemoryDiskOptions {
  readOnly?: boolean;
}

/** A disk held in a Uint8Array: tests, browsers, scratch disks. */
export class MemoryDisk implements DiskBackend {
  /** The disk's contents, live: tests read and write it directly. */
  readonly bytes: Uint8Array;
  readonly readOnly: boolean;
  /** How many times flush() was called (a memory disk has nothing to make durable). */
  flushes = 0;

  /** `source`: a size in bytes (a zeroed disk) or the contents, used in place, not copied. */
  constructor(source: number | Uint8Array, options: MemoryDiskOptions = {}) {
    this.bytes = typeof source === "number" ? new Uint8Array(checkedSize(source)) : source;
    checkedSize(this.bytes.length);
    this.readOnly = options.readOnly ?? false;
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  read(offset: number, dest: Uint8Array): void {
    checkRange(offset, dest.length, this.bytes.length);
    dest.set(this.bytes.subarray(offset, offset + dest.length));
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error("memory disk is read-only");
    checkRange(offset, src.length, this.bytes.length);
    this.bytes.set(src, offset);
  }

  flush(): void {
    this.flushes++;
  }
}

function checkedSize(sizeBytes: number): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0 || sizeBytes % DISK_SECTOR_BYTES !== 0) {
    throw new RangeError(`disk size ${sizeBytes} is not a multiple of ${DISK_SECTOR_BYTES} bytes`);
  }
  return sizeBytes;
}

/** Throws unless [offset, offset + length) lies inside a disk of `sizeBytes`. */
export function checkRange(offset: number, length: number, sizeBytes: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || length > sizeBytes || offset > sizeBytes - length) {
    throw new RangeError(`disk access ${offset}+${length} outside a ${sizeBytes}-byte disk`);
  }
}
