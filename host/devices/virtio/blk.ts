// blk.ts — VirtioBlk, the virtio block device (virtio 1.2, 5.2): every request validated, then served synchronously against a DiskBackend; one interrupt per drain.
//
// One request queue. A request is a byte stream, not a descriptor layout (VERSION_1 implies
// ANY_LAYOUT, 2.6.4): a 16-byte header at the start of the device-readable bytes, then data
// (device-readable for OUT, device-writable for IN), and the status byte, which is the last
// device-writable byte. Data moves between the disk and guest RAM through the chain's
// zero-copy segment views, so a read is one backend call per guest segment and no copy.
//
// Everything in a request is hostile (docs/architecture.md, "The guest is hostile"). A request is checked in full
// before the disk is touched; a bad one is answered VIRTIO_BLK_S_IOERR (UNSUPP for an unknown
// type or flag) with nothing read or written. A chain with no device-writable byte has
// nowhere to put a status: it is returned with used length 0 and the device sets
// DEVICE_NEEDS_RESET, but goes on serving the requests after it.
//
// Completion is synchronous, inside the exit that submitted the request: a write is
// acknowledged only after the backend's write returned, a flush after backend.flush() (fsync
// for a file). When the driver did not negotiate FLUSH, every write is flushed before it is
// acknowledged (5.2.6: an offered-but-unnegotiated FLUSH means writes must be stable on completion).
import { MAX_CHAIN } from "../../core/abi.js";
import { DISK_SECTOR_BYTES, type DiskBackend } from "../../backends/disk.js";
import { featureBit, VIRTIO_ID_BLOCK, type VirtioActivation, type VirtioDevice } from "./device.js";
import type { DescriptorChain } from "./queue.js";

// Feature bits (virtio 1.2, 5.2.3).
export const VIRTIO_BLK_F_SIZE_MAX = 1n;
export const VIRTIO_BLK_F_SEG_MAX = 2n;
export const VIRTIO_BLK_F_RO = 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 6n;
export const VIRTIO_BLK_F_FLUSH = 9n;
export const VIRTIO_BLK_F_DISCARD = 13n;
export const VIRTIO_BLK_F_WRITE_ZEROES = 14n;

// Request types (5.2.6).
export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_T_DISCARD = 11;
export const VIRTIO_BLK_T_WRITE_ZEROES = 13;

// Request status (5.2.6).
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

/** struct virtio_blk_discard_write_zeroes flags: only `unmap` is defined. */
export const VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP = 1;

export const VIRTIO_BLK_QUEUE_SIZE = 256;
/** The request header: le32 type, le32 reserved, le64 sector. */
export const VIRTIO_BLK_HEADER_BYTES = 16;
/** GET_ID answers a NUL-padded ASCII string of at most this many bytes. */
export const VIRTIO_BLK_ID_BYTES = 20;
/** One discard / write-zeroes range: le64 sector, le32 num_sectors, le32 flags. */
export const VIRTIO_BLK_RANGE_BYTES = 16;

/**
 * Data segments per request, header and status excluded: a direct chain is at most the queue
 * size long, an indirect table at most MAX_CHAIN (the Wasm queue refuses longer ones).
 */
export const VIRTIO_BLK_SEG_MAX = Math.min(VIRTIO_BLK_QUEUE_SIZE, MAX_CHAIN) - 2;
/** Discard only validates (5.2.6.2 lets a device keep the data), so it may be large: 2 GiB. */
export const VIRTIO_BLK_MAX_DISCARD_SECTORS = 0x40_0000;
/** Linux's own cap on discard ranges per request (MAX_DISCARD_SEGMENTS). */
export const VIRTIO_BLK_MAX_DISCARD_SEG = 256;
/** Write zeroes really writes, inside one exit: 16 MiB per request bounds that exit. */
export const VIRTIO_BLK_MAX_WRITE_ZEROES_SECTORS = 0x8000;
/** Linux sends write zeroes as a single range. */
export const VIRTIO_BLK_MAX_WRITE_ZEROES_SEG = 1;

// struct virtio_blk_config field offsets (5.2.4).
const CFG_CAPACITY = 0;
const CFG_SIZE_MAX = 8;
const CFG_SEG_MAX = 12;
const CFG_BLK_SIZE = 20;
const CFG_NUM_QUEUES = 34;
const CFG_MAX_DISCARD_SECTORS = 36;
const CFG_MAX_DISCARD_SEG = 40;
const CFG_DISCARD_SECTOR_ALIGNMENT = 44;
const CFG_MAX_WRITE_ZEROES_SECTORS = 48;
const CFG_MAX_WRITE_ZEROES_SEG = 52;
/** The whole struct, through the zoned characteristics; fields of features we do not offer read 0. */
const CONFIG_BYTES = 96;

/** Zeroes written per backend call by WRITE_ZEROES. */
const ZERO_CHUNK_BYTES = 64 * 1024;
const SECTOR = BigInt(DISK_SECTOR_BYTES);

export interface VirtioBlkOptions {
  /** The device ID string GET_ID returns: ASCII, at most 20 bytes. Default "wasmvisor-disk". */
  serial?: string;
}

export interface VirtioBlkStats {
  /** Chains returned to the driver; then requests by type, valid or not. */
  requests: number;
  reads: number;
  writes: number;
  flushes: number;
  getIds: number;
  discards: number;
  writeZeroes: number;
  /** Bytes moved from disk to guest, and from guest (or write zeroes) to disk. */
  bytesRead: number;
  bytesWritten: number;
  /** Requests answered IOERR (malformed, out of range, read-only, backend failure). */
  ioErrors: number;
  /** Requests answered UNSUPP. */
  unsupported: number;
  /** Chains with no status byte: returned with length 0, DEVICE_NEEDS_RESET set. */
  malformed: number;
}

/** What one request did: the status byte and the data bytes written to the guest before it. */
interface Outcome {
  status: number;
  dataWritten: number;
}

const ok = (dataWritten = 0): Outcome => ({ status: VIRTIO_BLK_S_OK, dataWritten });
const UNSUPP: Outcome = { status: VIRTIO_BLK_S_UNSUPP, dataWritten: 0 };

export class VirtioBlk implements VirtioDevice {
  readonly name = "blk";
  readonly deviceType = VIRTIO_ID_BLOCK;
  readonly queueMaxSizes = [VIRTIO_BLK_QUEUE_SIZE];
  readonly features: bigint;
  /** Disk size in 512-byte sectors. */
  readonly capacity: bigint;
  readonly stats: VirtioBlkStats = {
    requests: 0, reads: 0, writes: 0, flushes: 0, getIds: 0, discards: 0, writeZeroes: 0,
    bytesRead: 0, bytesWritten: 0, ioErrors: 0, unsupported: 0, malformed: 0,
  };
  /** Why the last IOERR was answered (diagnostics; kept until the next one). */
  lastError: string | undefined;

  private readonly config = new Uint8Array(CONFIG_BYTES);
  private readonly id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
  private readonly header = new DataView(new ArrayBuffer(VIRTIO_BLK_HEADER_BYTES));
  private zeroes: Uint8Array | undefined;
  private ctx: VirtioActivation | undefined;
  /** FLUSH negotiated: the driver flushes, so writes need not be durable when acknowledged. */
  private writeback = false;
  private discardEnabled = false;
  private writeZeroesEnabled = false;

  constructor(
    private readonly disk: DiskBackend,
    options: VirtioBlkOptions = {},
  ) {
    if (!Number.isSafeInteger(disk.sizeBytes) || disk.sizeBytes < 0 || disk.sizeBytes % DISK_SECTOR_BYTES !== 0) {
      throw new RangeError(`blk: disk size ${disk.sizeBytes} is not a multiple of ${DISK_SECTOR_BYTES} bytes`);
    }
    this.capacity = BigInt(disk.sizeBytes / DISK_SECTOR_BYTES);
    const serial = options.serial ?? "wasmvisor-disk";
    if (serial.length > VIRTIO_BLK_ID_BYTES || !/^[\x00-\x7f]*$/.test(serial)) {
      throw new RangeError(`blk: serial ${JSON.stringify(serial)} is not ASCII of at most ${VIRTIO_BLK_ID_BYTES} bytes`);
    }
    for (let i = 0; i < serial.length; i++) this.id[i] = serial.charCodeAt(i);

    let features = featureBit(VIRTIO_BLK_F_SEG_MAX) | featureBit(VIRTIO_BLK_F_BLK_SIZE) | featureBit(VIRTIO_BLK_F_FLUSH);
    // A read-only disk says so, and offers nothing that writes.
    if (disk.readOnly) features |= featureBit(VIRTIO_BLK_F_RO);
    else features |= featureBit(VIRTIO_BLK_F_DISCARD) | featureBit(VIRTIO_BLK_F_WRITE_ZEROES);
    this.features = features;

    const cfg = new DataView(this.config.buffer);
    cfg.setBigUint64(CFG_CAPACITY, this.capacity, true);
    // SIZE_MAX is not offered: a segment of any length is one view, no limit to announce.
    cfg.setUint32(CFG_SIZE_MAX, 0xffff_ffff, true);
    cfg.setUint32(CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX, true);
    cfg.setUint32(CFG_BLK_SIZE, DISK_SECTOR_BYTES, true);
    cfg.setUint16(CFG_NUM_QUEUES, 1, true);
    cfg.setUint32(CFG_MAX_DISCARD_SECTORS, VIRTIO_BLK_MAX_DISCARD_SECTORS, true);
    cfg.setUint32(CFG_MAX_DISCARD_SEG, VIRTIO_BLK_MAX_DISCARD_SEG, true);
    cfg.setUint32(CFG_DISCARD_SECTOR_ALIGNMENT, 1, true);
    cfg.setUint32(CFG_MAX_WRITE_ZEROES_SECTORS, VIRTIO_BLK_MAX_WRITE_ZEROES_SECTORS, true);
    cfg.setUint32(CFG_MAX_WRITE_ZEROES_SEG, VIRTIO_BLK_MAX_WRITE_ZEROES_SEG, true);
    // write_zeroes_may_unmap stays 0: write zeroes always writes.
  }

  /** Any access inside struct virtio_blk_config; the transport has checked size and alignment. */
  readConfig(offset: number, data: Uint8Array): boolean {
    if (offset < 0 || offset + data.length > CONFIG_BYTES) return false;
    data.set(this.config.subarray(offset, offset + data.length));
    return true;
  }

  /** Only `writeback` is writable, and only under CONFIG_WCE, which is not offered. */
  writeConfig(): boolean {
    return false;
  }

  activate(ctx: VirtioActivation): void {
    this.ctx = ctx;
    this.writeback = (ctx.features & featureBit(VIRTIO_BLK_F_FLUSH)) !== 0n;
    this.discardEnabled = (ctx.features & featureBit(VIRTIO_BLK_F_DISCARD)) !== 0n;
    this.writeZeroesEnabled = (ctx.features & featureBit(VIRTIO_BLK_F_WRITE_ZEROES)) !== 0n;
  }

  queueNotify(queueIndex: number): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[queueIndex];
    if (ctx === undefined || queue === undefined) return;
    let used = 0;
    for (const chain of queue.chains()) {
      queue.addUsed(chain, this.serve(chain, ctx));
      used++;
    }
    this.stats.requests += used;
    queue.setNotify(true);
    if (used > 0 && queue.shouldInterrupt()) ctx.notify(queueIndex);
  }

  reset(): void {
    this.ctx = undefined;
    this.writeback = this.discardEnabled = this.writeZeroesEnabled = false;
  }

  /** Serve one request; returns the used length (bytes written into the chain). */
  private serve(chain: DescriptorChain, ctx: VirtioActivation): number {
    const readable: Uint8Array[] = [];
    const writable: Uint8Array[] = [];
    for (const s of chain.segments) (s.writable ? writable : readable).push(s.view);
    const out = new ByteStream(readable);
    const into = new ByteStream(writable);
    if (into.length === 0) {
      this.stats.malformed++;
      ctx.needsReset(`blk: request (head ${chain.head}) has no device-writable status byte`);
      return 0;
    }
    // The status byte is the last writable byte; everything writable before it is data.
    const status = into.slices(into.length - 1, 1)[0]!;
    const result = this.execute(out, into, into.length - 1);
    status[0] = result.status;
    if (result.status === VIRTIO_BLK_S_UNSUPP) this.stats.unsupported++;
    else if (result.status !== VIRTIO_BLK_S_OK) this.stats.ioErrors++;
    return result.dataWritten + 1;
  }

  private execute(out: ByteStream, into: ByteStream, dataIn: number): Outcome {
    if (out.length < VIRTIO_BLK_HEADER_BYTES) return this.fail(`header is ${out.length} readable bytes, not 16`);
    out.copyOut(0, new Uint8Array(this.header.buffer));
    const type = this.header.getUint32(0, true);
    const sector = this.header.getBigUint64(8, true);
    const dataOut = out.length - VIRTIO_BLK_HEADER_BYTES;
    switch (type) {
      case VIRTIO_BLK_T_IN: {
        this.stats.reads++;
        if (dataOut !== 0) return this.fail(`IN with ${dataOut} device-readable data bytes`);
        const offset = this.rangeOffset("IN", sector, dataIn);
        if (typeof offset !== "number") return offset;
        return this.backend("IN", () => {
          let at = offset;
          for (const piece of into.slices(0, dataIn)) {
            this.disk.read(at, piece);
            at += piece.length;
          }
          this.stats.bytesRead += dataIn;
          return ok(dataIn);
        });
      }
      case VIRTIO_BLK_T_OUT: {
        this.stats.writes++;
        if (dataIn !== 0) return this.fail(`OUT with ${dataIn} device-writable data bytes`);
        if (this.disk.readOnly) return this.fail("OUT to a read-only disk");
        const offset = this.rangeOffset("OUT", sector, dataOut);
        if (typeof offset !== "number") return offset;
        return this.backend("OUT", () => {
          let at = offset;
          for (const piece of out.slices(VIRTIO_BLK_HEADER_BYTES, dataOut)) {
            this.disk.write(at, piece);
            at += piece.length;
          }
          this.stats.bytesWritten += dataOut;
          if (!this.writeback) this.disk.flush();
          return ok();
        });
      }
      case VIRTIO_BLK_T_FLUSH: {
        this.stats.flushes++;
        if (dataOut !== 0 || dataIn !== 0) return this.fail("FLUSH with data");
        return this.backend("FLUSH", () => {
          this.disk.flush();
          return ok();
        });
      }
      case VIRTIO_BLK_T_GET_ID: {
        this.stats.getIds++;
        if (dataOut !== 0) return this.fail(`GET_ID with ${dataOut} device-readable data bytes`);
        // Fill the whole buffer (ID, then NUL padding) so the used length covers every byte written.
        let at = 0;
        for (const piece of into.slices(0, dataIn)) {
          piece.fill(0);
          if (at < VIRTIO_BLK_ID_BYTES) piece.set(this.id.subarray(at, Math.min(VIRTIO_BLK_ID_BYTES, at + piece.length)));
          at += piece.length;
        }
        return ok(dataIn);
      }
      case VIRTIO_BLK_T_DISCARD:
        this.stats.discards++;
        if (!this.discardEnabled) return UNSUPP;
        return this.ranges("DISCARD", out, dataIn, VIRTIO_BLK_MAX_DISCARD_SEG, VIRTIO_BLK_MAX_DISCARD_SECTORS);
      case VIRTIO_BLK_T_WRITE_ZEROES:
        this.stats.writeZeroes++;
        if (!this.writeZeroesEnabled) return UNSUPP;
        return this.ranges("WRITE_ZEROES", out, dataIn, VIRTIO_BLK_MAX_WRITE_ZEROES_SEG, VIRTIO_BLK_MAX_WRITE_ZEROES_SECTORS);
      default:
        return UNSUPP;
    }
  }

  /** DISCARD and WRITE_ZEROES: validate every range first, then act (discard keeps the data). */
  private ranges(what: string, out: ByteStream, dataIn: number, maxSeg: number, maxSectors: number): Outcome {
    const bytes = out.length - VIRTIO_BLK_HEADER_BYTES;
    if (dataIn !== 0) return this.fail(`${what} with ${dataIn} device-writable data bytes`);
    if (bytes === 0 || bytes % VIRTIO_BLK_RANGE_BYTES !== 0 || bytes / VIRTIO_BLK_RANGE_BYTES > maxSeg) {
      return this.fail(`${what} with ${bytes} bytes of ranges (at most ${maxSeg} of 16 bytes)`);
    }
    const raw = new Uint8Array(bytes);
    out.copyOut(VIRTIO_BLK_HEADER_BYTES, raw);
    const dv = new DataView(raw.buffer);
    const isDiscard = what === "DISCARD";
    const ranges: { offset: number; length: number }[] = [];
    for (let at = 0; at < bytes; at += VIRTIO_BLK_RANGE_BYTES) {
      const flags = dv.getUint32(at + 12, true);
      // 5.2.6.2: unknown flags are UNSUPP, and so is `unmap` on a discard.
      if ((flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) !== 0 || (isDiscard && flags !== 0)) return UNSUPP;
    }
    if (this.disk.readOnly) return this.fail(`${what} on a read-only disk`);
    for (let at = 0; at < bytes; at += VIRTIO_BLK_RANGE_BYTES) {
      const sectors = dv.getUint32(at + 8, true);
      if (sectors > maxSectors) return this.fail(`${what} of ${sectors} sectors (at most ${maxSectors})`);
      const offset = this.rangeOffset(what, dv.getBigUint64(at, true), sectors * DISK_SECTOR_BYTES);
      if (typeof offset !== "number") return offset;
      ranges.push({ offset, length: sectors * DISK_SECTOR_BYTES });
    }
    if (isDiscard) return ok();
    return this.backend(what, () => {
      const zeroes = (this.zeroes ??= new Uint8Array(ZERO_CHUNK_BYTES));
      for (const { offset, length } of ranges) {
        for (let done = 0; done < length; done += ZERO_CHUNK_BYTES) {
          this.disk.write(offset + done, zeroes.subarray(0, Math.min(ZERO_CHUNK_BYTES, length - done)));
        }
        this.stats.bytesWritten += length;
      }
      if (!this.writeback) this.disk.flush();
      return ok();
    });
  }

  /**
   * The byte offset of `length` bytes at `sector`, or IOERR when the length is not whole
   * sectors or the range leaves the disk. BigInt, so a sector near 2^64 cannot wrap around.
   */
  private rangeOffset(what: string, sector: bigint, length: number): number | Outcome {
    if (length % DISK_SECTOR_BYTES !== 0) return this.fail(`${what} of ${length} bytes, not whole sectors`);
    if (sector > this.capacity || BigInt(length / DISK_SECTOR_BYTES) > this.capacity - sector) {
      return this.fail(`${what} of ${length} bytes at sector ${sector} leaves the ${this.capacity}-sector disk`);
    }
    // Below capacity, so below 2^53 / 512: exact as a number.
    return Number(sector * SECTOR);
  }

  /** Run backend I/O; a backend exception (EIO, ENOSPC, a closed file) is the guest's IOERR. */
  private backend(what: string, io: () => Outcome): Outcome {
    try {
      return io();
    } catch (err) {
      return this.fail(`${what}: backend: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private fail(reason: string): Outcome {
    this.lastError = reason;
    return { status: VIRTIO_BLK_S_IOERR, dataWritten: 0 };
  }
}

/** One direction of a chain (its readable or its writable segments) as one byte stream. */
class ByteStream {
  readonly length: number;

  constructor(private readonly views: readonly Uint8Array[]) {
    let length = 0;
    for (const v of views) length += v.length;
    this.length = length;
  }

  /** Views of the bytes [start, start + length), in stream order (the caller keeps it in range). */
  slices(start: number, length: number): Uint8Array[] {
    const pieces: Uint8Array[] = [];
    const end = start + length;
    let pos = 0;
    for (const v of this.views) {
      if (pos >= end) break;
      const next = pos + v.length;
      if (next > start) pieces.push(v.subarray(Math.max(start - pos, 0), Math.min(end, next) - pos));
      pos = next;
    }
    return pieces;
  }

  /** Copy `dest.length` bytes from stream offset `start`. */
  copyOut(start: number, dest: Uint8Array): void {
    let at = 0;
    for (const piece of this.slices(start, dest.length)) {
      dest.set(piece, at);
      at += piece.length;
    }
  }
}

