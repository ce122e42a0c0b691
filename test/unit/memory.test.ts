// memory.test.ts — GuestMemory bounds: every range is checked as a whole, for any 64-bit address and length.
//
// Runs without the Wasm core: a plain WebAssembly.Memory laid out as the core's (RAM at RAM_OFFSET).
import { beforeEach, describe, expect, it } from "vitest";
import { RAM_BASE, RAM_OFFSET } from "../../host/core/abi.js";
import { GuestMemory, GuestMemoryError } from "../../host/core/guest-memory.js";

const RAM_BYTES = 1 << 20; // 1 MiB
const PAGE = 65536;
const END = RAM_BASE + BigInt(RAM_BYTES);
const U64_MAX = (1n << 64n) - 1n;

function makeMemory(ramBytes = RAM_BYTES): WebAssembly.Memory {
  const pages = (RAM_OFFSET + ramBytes) / PAGE;
  return new WebAssembly.Memory({ initial: pages, maximum: pages });
}

describe("GuestMemory", () => {
  let memory: WebAssembly.Memory;
  let guest: GuestMemory;
  beforeEach(() => {
    memory = makeMemory();
    guest = new GuestMemory(memory, RAM_BYTES);
  });

  /** contains() as a predicate: a RangeError for a non-integer number also means "not inside". */
  function inside(gpa: bigint | number, length: bigint | number): boolean {
    try {
      return guest.contains(gpa, length);
    } catch (err) {
      if (err instanceof RangeError) return false;
      throw err;
    }
  }

  it("reports its base and end", () => {
    expect(guest.base).toBe(0x8000_0000n);
    expect(guest.end).toBe(END);
    expect(guest.sizeBytes).toBe(RAM_BYTES);
  });

  it("refuses a linear memory too small for the RAM", () => {
    expect(() => new GuestMemory(makeMemory(PAGE), RAM_BYTES)).toThrow(RangeError);
  });

  it.each([
    ["first byte", RAM_BASE, 1],
    ["all of RAM", RAM_BASE, RAM_BYTES],
    ["last byte", END - 1n, 1],
    ["last 8 bytes", END - 8n, 8],
    ["empty range at the start", RAM_BASE, 0],
    ["empty range at the end", END, 0],
    ["number address", 0x8000_0010, 4],
    ["bigint length", RAM_BASE, 16n],
  ] as const)("contains %s", (_, gpa, length) => {
    expect(guest.contains(gpa, length)).toBe(true);
  });

  it.each([
    ["one byte below RAM", RAM_BASE - 1n, 1],
    ["straddling the start", RAM_BASE - 1n, 2],
    ["address 0", 0n, 1],
    ["one byte past the end", END, 1],
    ["straddling the end", END - 4n, 8],
    ["all of RAM plus one", RAM_BASE, RAM_BYTES + 1],
    ["the top of the 64-bit space", U64_MAX, 1],
    ["a range that wraps past 2^64", U64_MAX, 2],
    ["a huge length from the base", RAM_BASE, U64_MAX],
    ["a length of 2^64 - base", RAM_BASE, (1n << 64n) - RAM_BASE],
    ["a length past Number.MAX_SAFE_INTEGER", RAM_BASE, 2 ** 60],
    ["a negative length", RAM_BASE + 16n, -1],
    ["a negative bigint length", RAM_BASE + 16n, -16n],
    ["a negative address", -1n, 1],
    ["a negative number address", -1, 1],
    ["an address beyond 64 bits", 1n << 64n, 1],
    ["a wrapped-negative address", RAM_BASE - (1n << 64n), 1],
    ["a fractional length", RAM_BASE, 1.5],
    ["a NaN length", RAM_BASE, Number.NaN],
    ["an infinite length", RAM_BASE, Number.POSITIVE_INFINITY],
    ["a NaN address", Number.NaN, 1],
  ] as const)("does not contain %s", (_, gpa, length) => {
    expect(inside(gpa, length)).toBe(false);
  });

  it("throws GuestMemoryError naming the range for every out-of-RAM access", () => {
    const attempts: Array<() => unknown> = [
      () => guest.view(END, 1),
      () => guest.read(RAM_BASE - 1n, 1),
      () => guest.write(END - 2n, new Uint8Array(4)),
      () => guest.fill(U64_MAX, 2),
      () => guest.readU8(END),
      () => guest.readU16(END - 1n),
      () => guest.readU32(END - 3n),
      () => guest.readU64(END - 7n),
      () => guest.writeU8(RAM_BASE - 1n, 1),
      () => guest.writeU16(END - 1n, 1),
      () => guest.writeU32(END - 3n, 1),
      () => guest.writeU64(END - 7n, 1n),
      () => guest.offsetOf(RAM_BASE, -1),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(GuestMemoryError);
    }
    let caught: unknown;
    try {
      guest.view(END - 2n, 4);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GuestMemoryError);
    expect(caught).toBeInstanceOf(RangeError);
    const e = caught as GuestMemoryError;
    expect(e.gpa).toBe(END - 2n);
    expect(e.length).toBe(4);
    expect(e.message).toContain(`0x${(END - 2n).toString(16)}`);
  });

  it("rejects non-integer lengths with a RangeError before touching memory", () => {
    expect(() => guest.view(RAM_BASE, 1.5)).toThrow(RangeError);
    expect(() => guest.read(RAM_BASE, Number.NaN)).toThrow(RangeError);
    expect(() => guest.fill(RAM_BASE, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("leaves memory untouched when a write is refused", () => {
    const linear = new Uint8Array(memory.buffer);
    guest.fill(END - 4n, 4, 0x11);
    expect(() => guest.write(END - 4n, new Uint8Array(8).fill(0xee))).toThrow(GuestMemoryError);
    expect(Array.from(guest.read(END - 4n, 4))).toEqual([0x11, 0x11, 0x11, 0x11]);
    // Nothing past RAM was written either (the linear memory ends exactly at RAM's end here).
    expect(linear.length).toBe(RAM_OFFSET + RAM_BYTES);
  });

  it("maps guest physical RAM_BASE + x to linear RAM_OFFSET + x and nothing below", () => {
    const linear = new Uint8Array(memory.buffer);
    guest.writeU32(RAM_BASE, 0xdeadbeef);
    guest.writeU8(END - 1n, 0x5a);
    expect(Array.from(linear.subarray(RAM_OFFSET, RAM_OFFSET + 4))).toEqual([0xef, 0xbe, 0xad, 0xde]);
    expect(linear[RAM_OFFSET + RAM_BYTES - 1]).toBe(0x5a);
    expect(linear.subarray(0, RAM_OFFSET).every((b) => b === 0)).toBe(true);
  });

  it("gives zero-copy views and copying reads", () => {
    const view = guest.view(RAM_BASE + 0x100n, 4);
    view.set([1, 2, 3, 4]);
    expect(guest.readU32(RAM_BASE + 0x100n)).toBe(0x04030201);
    const copy = guest.read(RAM_BASE + 0x100n, 4);
    copy[0] = 99;
    expect(guest.readU8(RAM_BASE + 0x100n)).toBe(1);
    expect(view.length).toBe(4);
  });

  it("reads and writes little-endian values of every width", () => {
    const at = RAM_BASE + 0x200n;
    guest.writeU64(at, 0x0102_0304_0506_0708n);
    expect(guest.readU8(at)).toBe(0x08);
    expect(guest.readU16(at)).toBe(0x0708);
    expect(guest.readU32(at)).toBe(0x0506_0708);
    expect(guest.readU64(at)).toBe(0x0102_0304_0506_0708n);
    guest.writeU64(at, -1n); // stored as its 64-bit two's complement
    expect(guest.readU64(at)).toBe(U64_MAX);
    guest.writeU32(at, -2); // likewise for 32 bits
    expect(guest.readU32(at)).toBe(0xffff_fffe);
    guest.writeU16(at, 0xbeef);
    expect(guest.readU16(at)).toBe(0xbeef);
  });

  it("fills and writes whole ranges", () => {
    guest.fill(RAM_BASE, 16, 0xaa);
    guest.write(RAM_BASE + 4n, Uint8Array.of(1, 2));
    expect(Array.from(guest.read(RAM_BASE, 8))).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 1, 2, 0xaa, 0xaa]);
    guest.write(END, new Uint8Array(0)); // an empty write at the end is allowed and does nothing
  });
});
