// guest-memory.ts — GuestMemory: bounds-checked views and copies of guest RAM inside the Wasm linear memory.
//
// Guest physical RAM_BASE + x lives at linear RAM_OFFSET + x. Every accessor checks the whole
// range [gpa, gpa + length) against RAM before touching linear memory, so a guest-supplied
// address can never reach the emulator's own state below RAM_OFFSET or past the end of memory.
import { RAM_BASE, RAM_OFFSET } from "./abi.js";

/** Thrown when a guest-physical range does not lie entirely inside guest RAM. */
export class GuestMemoryError extends RangeError {
  constructor(
    readonly gpa: bigint,
    readonly length: number,
  ) {
    const where = gpa < 0n ? `-0x${(-gpa).toString(16)}` : `0x${gpa.toString(16)}`;
    super(`guest range ${where}+${length} is outside guest RAM`);
    this.name = "GuestMemoryError";
  }
}

export class GuestMemory {
  /** Guest physical address of the first RAM byte. */
  readonly base: bigint = RAM_BASE;
  readonly baseNumber: number = Number(RAM_BASE);
  private readonly bytes: Uint8Array;
  private readonly data: DataView;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly sizeBytes: number,
  ) {
    if (RAM_OFFSET + sizeBytes > memory.buffer.byteLength) {
      throw new RangeError(`linear memory too small for ${sizeBytes} bytes of guest RAM`);
    }
    this.bytes = new Uint8Array(memory.buffer, RAM_OFFSET, sizeBytes);
    this.data = new DataView(memory.buffer, RAM_OFFSET, sizeBytes);
  }

  /** Guest physical end address (exclusive). */
  get end(): bigint {
    return this.base + BigInt(this.sizeBytes);
  }

  /** True when [gpa, gpa + length) lies inside RAM. Safe for any 64-bit gpa and length. */
  contains(gpa: bigint | number, length: number | bigint): boolean {
    if (typeof gpa === "number" && !Number.isSafeInteger(gpa)) return false;
    if (typeof length === "number" && !Number.isSafeInteger(length)) return false;
    const start = BigInt(gpa);
    const len = BigInt(length);
    if (start < this.base || len < 0n) return false;
    return start - this.base + len <= BigInt(this.sizeBytes);
  }

  /** RAM offset of a checked range; throws GuestMemoryError otherwise. */
  offsetOf(gpa: bigint | number, length: number): number {
    if (!this.contains(gpa, length)) {
      throw new GuestMemoryError(typeof gpa === "number" && !Number.isSafeInteger(gpa) ? -1n : BigInt(gpa), length);
    }
    return Number(BigInt(gpa) - this.base);
  }

  /** A zero-copy view of guest RAM. Writes through it are visible to the guest. */
  view(gpa: bigint | number, length: number): Uint8Array {
    const off = this.offsetOf(gpa, length);
    return this.bytes.subarray(off, off + length);
  }

  /** A copy of guest RAM. */
  read(gpa: bigint | number, length: number): Uint8Array {
    return this.view(gpa, length).slice();
  }

  /** Copy host bytes into guest RAM. */
  write(gpa: bigint | number, src: Uint8Array): void {
    this.view(gpa, src.length).set(src);
  }

  /** Fill a range with one byte value. */
  fill(gpa: bigint | number, length: number, value = 0): void {
    this.view(gpa, length).fill(value);
  }

  readU8(gpa: bigint | number): number {
    return this.data.getUint8(this.offsetOf(gpa, 1));
  }
  readU16(gpa: bigint | number): number {
    return this.data.getUint16(this.offsetOf(gpa, 2), true);
  }
  readU32(gpa: bigint | number): number {
    return this.data.getUint32(this.offsetOf(gpa, 4), true);
  }
  readU64(gpa: bigint | number): bigint {
    return this.data.getBigUint64(this.offsetOf(gpa, 8), true);
  }
  writeU8(gpa: bigint | number, v: number): void {
    this.data.setUint8(this.offsetOf(gpa, 1), v);
  }
  writeU16(gpa: bigint | number, v: number): void {
    this.data.setUint16(this.offsetOf(gpa, 2), v, true);
  }
  writeU32(gpa: bigint | number, v: number): void {
    this.data.setUint32(this.offsetOf(gpa, 4), v >>> 0, true);
  }
  writeU64(gpa: bigint | number, v: bigint): void {
    this.data.setBigUint64(this.offsetOf(gpa, 8), BigInt.asUintN(64, v), true);
  }
}
