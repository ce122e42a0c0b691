// bus.ts — the MMIO bus: places BusDevices at guest-physical ranges and routes exits to them by address.
//
// As in crosvm's devices/src/bus.rs, a device only ever sees an offset into its own range; the
// bus owns placement and refuses overlaps. Lookup is a binary search over ranges kept sorted by
// base, so an exit costs O(log n) comparisons however many devices are attached.
import { hex } from "../core/hex.js";

/**
 * A device on the bus. `data.length` is the access size (1, 2, 4 or 8); the bytes are
 * little-endian. A read fills `data`; a write consumes it. Returning `false` means "no register
 * at this offset/size": the bus then treats the access as unmapped and applies its policy.
 * Returning nothing (or `true`) means the access was handled.
 */
export interface BusDevice {
  readonly name: string;
  read(offset: number, data: Uint8Array): boolean | void;
  write(offset: number, data: Uint8Array): boolean | void;
  /** A register's name for the exit profiler ("THR/RBR", "rng0", ...). */
  registerName?(offset: number): string | undefined;
  /** Return to power-on state (VM reset). */
  reset?(): void;
}

/**
 * What happens to an access that no device takes (no device at the address, an access that
 * runs past the end of a device's range, or a device that returned `false`):
 *
 * - "ignore": reads return zeros, writes are dropped. The access is counted.
 * - "log":    as "ignore", plus a line to the bus logger. Rate-limited: the first few are
 *             logged, then only every power-of-two-th, so a guest polling a hole cannot flood
 *             the host; counting instead of timing keeps runs deterministic.
 * - "fault":  the caller raises a guest access fault (vcpu.core.faultLastAccess()), as a real
 *             RISC-V platform (and QEMU virt) does for an access to nothing. Counted too.
 *
 * Unmapped accesses are never silent: `unmappedReads` / `unmappedWrites` count them all.
 */
export type UnmappedPolicy = "ignore" | "log" | "fault";

/** What the caller must do after `Bus.read` / `Bus.write`. */
export enum BusResult {
  /** A device took the access; for a read, `data` holds the value. */
  Handled = 0,
  /** Unmapped under "ignore" or "log": reads were zero-filled; resume the guest normally. */
  Ignored = 1,
  /** Unmapped under "fault": raise a guest access fault (reads were zero-filled anyway). */
  Fault = 2,
}

/** A device placement that cannot be made (overlap, empty or out-of-range window). */
export class BusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BusError";
  }
}

/** A device's placement on the bus. */
export interface BusRange {
  readonly device: BusDevice;
  readonly base: bigint;
  readonly len: bigint;
}

/** Where an address landed: the device, its base and the offset into its range. */
export interface BusHit {
  readonly device: BusDevice;
  readonly base: bigint;
  readonly offset: number;
}

export type BusLogger = (message: string) => void;

export interface BusOptions {
  /** Where the "log" policy writes (default console.warn). */
  logger?: BusLogger;
  /** How many unmapped accesses are logged in full before rate limiting starts (default 8). */
  logBurst?: number;
}

const ADDRESS_LIMIT = 1n << 64n;
/** Offsets handed to devices are numbers; a window larger than this would lose precision. */
const MAX_LEN = BigInt(Number.MAX_SAFE_INTEGER);

interface Entry extends BusRange {
  /** base + len: exclusive end, precomputed because every lookup compares against it. */
  readonly end: bigint;
  /** base and end as numbers (exact below 2^53): the MMIO exit path compares these, not bigints. */
  readonly baseN: number;
  readonly endN: number;
}

export class Bus {
  unmappedReads = 0;
  unmappedWrites = 0;
  private readonly entries: Entry[] = [];
  private readonly logger: BusLogger;
  private readonly logBurst: number;
  private lastDev: BusDevice | undefined;
  private lastEntry: Entry | undefined;
  private lastOff = 0;

  constructor(
    readonly policy: UnmappedPolicy = "fault",
    options: BusOptions = {},
  ) {
    this.logger = options.logger ?? ((message) => console.warn(message));
    this.logBurst = options.logBurst ?? 8;
  }

  /** Place `device` at [base, base + len). Throws BusError on an empty, oversized or overlapping range. */
  insert(device: BusDevice, base: bigint, len: bigint): void {
    const end = base + len;
    if (len <= 0n) throw new BusError(`${quote(device)} at ${hex(base)} has zero or negative length ${hex(len)}`);
    if (base < 0n || end > ADDRESS_LIMIT) throw new BusError(`${quote(device)} ${span(base, end)} lies outside the 64-bit address space`);
    if (len > MAX_LEN) throw new BusError(`${quote(device)} ${span(base, end)} is too large (max ${hex(MAX_LEN)} bytes)`);
    const at = this.upperBound(base);
    // Sorted and non-overlapping, so only the neighbours on either side can collide.
    for (const other of [this.entries[at - 1], this.entries[at]]) {
      if (other !== undefined && other.base < end && base < other.end) {
        throw new BusError(
          `${quote(device)} ${span(base, end)} overlaps ${quote(other.device)} ${span(other.base, other.end)}`,
        );
      }
    }
    this.entries.splice(at, 0, { device, base, len, end, baseN: Number(base), endN: Number(end) });
  }

  /** The device whose range holds `address`, or undefined. */
  find(address: bigint): BusHit | undefined {
    const entry = this.entryAt(address);
    return entry && { device: entry.device, base: entry.base, offset: Number(address - entry.base) };
  }

  /** Read `data.length` bytes at `address` into `data`. */
  read(address: bigint | number, data: Uint8Array): BusResult {
    const entry = this.entryFor(address, data.length);
    if (entry !== undefined && entry.device.read(this.lastOff, data) !== false) return BusResult.Handled;
    this.lastDev = undefined;
    this.unmappedReads++;
    data.fill(0);
    return this.unmapped("read", address, data.length, entry);
  }

  /** Write `data` (`data.length` bytes, little-endian) at `address`. */
  write(address: bigint | number, data: Uint8Array): BusResult {
    const entry = this.entryFor(address, data.length);
    if (entry !== undefined && entry.device.write(this.lastOff, data) !== false) return BusResult.Handled;
    this.lastDev = undefined;
    this.unmappedWrites++;
    return this.unmapped("write", address, data.length, entry);
  }

  /**
   * The device that handled the last read/write and the offset it saw (undefined after an
   * unmapped access). Lets the exit profiler attribute an exit without a second lookup.
   */
  get lastDevice(): BusDevice | undefined {
    return this.lastDev;
  }
  get lastOffset(): number {
    return this.lastOff;
  }

  /** Every placement, by ascending base (for debugging and the FDT writer). */
  devices(): BusRange[] {
    return this.entries.map(({ device, base, len }) => ({ device, base, len }));
  }

  /** Reset every device that can be reset (VM reboot). Unmapped counters are kept. */
  resetDevices(): void {
    for (const entry of this.entries) entry.device.reset?.();
  }

  /** The entry for an access of `size` bytes at `address`, if it lies wholly inside one range. */
  private entryFor(address: bigint | number, size: number): Entry | undefined {
    if (typeof address === "number" && address <= Number.MAX_SAFE_INTEGER) {
      // The exit path: plain number compares, and the last entry first (a driver polling one
      // register hits it every time).
      let entry = this.lastEntry;
      if (entry === undefined || address < entry.baseN || address >= entry.endN) entry = this.entryAtNumber(address);
      // An access running past the end of a window is not the device's to answer: devices may
      // then rely on offset + size <= len.
      if (entry === undefined || address + size > entry.endN) {
        this.lastDev = undefined;
        return undefined;
      }
      this.lastEntry = entry;
      this.lastDev = entry.device;
      this.lastOff = address - entry.baseN;
      return entry;
    }
    const big = BigInt(address);
    const entry = this.entryAt(big);
    if (entry === undefined || big + BigInt(size) > entry.end) {
      this.lastDev = undefined;
      return undefined;
    }
    this.lastDev = entry.device;
    this.lastOff = Number(big - entry.base);
    return entry;
  }

  private entryAtNumber(address: number): Entry | undefined {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.baseN <= address) lo = mid + 1;
      else hi = mid;
    }
    const entry = this.entries[lo - 1];
    return entry !== undefined && address < entry.endN ? entry : undefined;
  }

  private entryAt(address: bigint): Entry | undefined {
    const entry = this.entries[this.upperBound(address) - 1];
    return entry !== undefined && address < entry.end ? entry : undefined;
  }

  /** Index of the first entry whose base is greater than `address`. */
  private upperBound(address: bigint): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.base <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private unmapped(kind: "read" | "write", addressIn: bigint | number, size: number, entry: Entry | undefined): BusResult {
    if (this.policy === "fault") return BusResult.Fault;
    if (this.policy === "log") {
      const address = BigInt(addressIn);
      const count = this.unmappedReads + this.unmappedWrites;
      // Log a burst, then only at powers of two: cheap, deterministic, and a flood stays visible.
      if (count <= this.logBurst || (count & (count - 1)) === 0) {
        const where = entry ? `${quote(entry.device)}+${hex(address - entry.base)} refused it` : "no device";
        this.logger(`bus: unmapped ${size}-byte ${kind} at ${hex(address)} (${where}); ${count} unmapped so far`);
      }
    }
    return BusResult.Ignored;
  }
}

/** The little-endian value of an access buffer (1, 2, 4 or 8 bytes). */
export function loadLe(data: Uint8Array): bigint {
  let value = 0n;
  for (let i = data.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]!);
  return value;
}

/** The low and high 32 bits of an access buffer's little-endian value, without BigInt. */
export function loadLeParts(data: Uint8Array): [number, number] {
  let lo = 0;
  const n = Math.min(4, data.length);
  for (let i = n - 1; i >= 0; i--) lo = lo * 256 + data[i]!;
  let hi = 0;
  for (let i = data.length - 1; i >= 4; i--) hi = hi * 256 + data[i]!;
  return [lo, hi];
}

/** Store a value given as 32-bit halves into an access buffer, little-endian. */
export function storeLeParts(data: Uint8Array, lo: number, hi: number): void {
  for (let i = 0; i < data.length; i++) {
    data[i] = i < 4 ? (lo >>> (i * 8)) & 0xff : (hi >>> ((i - 4) * 8)) & 0xff;
  }
}

/** Store the low `data.length` bytes of `value` into an access buffer, little-endian. */
export function storeLe(data: Uint8Array, value: bigint): void {
  for (let i = 0; i < data.length; i++) {
    data[i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

function span(base: bigint, end: bigint): string {
  return `[${hex(base)}, ${hex(end)})`;
}

function quote(device: BusDevice): string {
  return `"${device.name}"`;
}
