// bus.test.ts — Bus placement (overlap, empty ranges), lookup at range edges, and each unmapped-access policy.
import { describe, expect, it } from "vitest";
import { Bus, BusError, BusResult, loadLe, loadLeParts, storeLe, storeLeParts, type BusDevice } from "../../host/devices/bus.js";

/** A device that records accesses, answers reads with a fixed byte and refuses offsets >= `registers`. */
class FakeDevice implements BusDevice {
  readonly accesses: Array<{ kind: "read" | "write"; offset: number; bytes: number[] }> = [];
  resets = 0;
  constructor(
    readonly name: string,
    private readonly registers = Infinity,
  ) {}
  read(offset: number, data: Uint8Array): boolean {
    if (offset >= this.registers) return false;
    data.fill(0xab);
    this.accesses.push({ kind: "read", offset, bytes: [...data] });
    return true;
  }
  write(offset: number, data: Uint8Array): boolean {
    if (offset >= this.registers) return false;
    this.accesses.push({ kind: "write", offset, bytes: [...data] });
    return true;
  }
  reset(): void {
    this.resets++;
  }
}

/** A device whose read/write return nothing: that counts as handled. */
const voidDevice: BusDevice = { name: "void", read() {}, write() {} };

describe("Bus placement", () => {
  it("rejects a zero-length range", () => {
    const bus = new Bus();
    expect(() => bus.insert(new FakeDevice("a"), 0x1000n, 0n)).toThrow(BusError);
    expect(() => bus.insert(new FakeDevice("a"), 0x1000n, 0n)).toThrow(/"a" at 0x1000 has zero/);
  });

  it("rejects ranges past the 64-bit address space", () => {
    const bus = new Bus();
    expect(() => bus.insert(new FakeDevice("a"), (1n << 64n) - 0x10n, 0x20n)).toThrow(BusError);
    bus.insert(new FakeDevice("top"), (1n << 64n) - 0x10n, 0x10n); // ends exactly at 2^64
  });

  it("names both devices and both ranges in hex on overlap", () => {
    const bus = new Bus();
    bus.insert(new FakeDevice("uart0"), 0x1000_0000n, 0x100n);
    const insert = () => bus.insert(new FakeDevice("rngboi"), 0x1000_00ffn, 0x10n);
    expect(insert).toThrow(BusError);
    expect(insert).toThrow('"rngboi" [0x100000ff, 0x1000010f) overlaps "uart0" [0x10000000, 0x10000100)');
  });

  it("detects overlap with the following range and containment either way", () => {
    const bus = new Bus();
    bus.insert(new FakeDevice("b"), 0x2000n, 0x1000n);
    expect(() => bus.insert(new FakeDevice("a"), 0x1800n, 0x801n)).toThrow(/overlaps "b"/);
    expect(() => bus.insert(new FakeDevice("inner"), 0x2800n, 0x10n)).toThrow(/overlaps "b"/);
    expect(() => bus.insert(new FakeDevice("outer"), 0x1000n, 0x4000n)).toThrow(/overlaps "b"/);
    // Touching ranges do not overlap.
    bus.insert(new FakeDevice("before"), 0x1800n, 0x800n);
    bus.insert(new FakeDevice("after"), 0x3000n, 0x800n);
    expect(bus.devices().map((r) => r.device.name)).toEqual(["before", "b", "after"]);
  });

  it("lists devices sorted by base whatever the insertion order", () => {
    const bus = new Bus();
    const bases = [0x5000n, 0x1000n, 0x9000n, 0x3000n, 0x7000n];
    for (const base of bases) bus.insert(new FakeDevice(`d${base.toString(16)}`), base, 0x1000n);
    expect(bus.devices().map((r) => r.base)).toEqual([...bases].sort((x, y) => (x < y ? -1 : 1)));
    expect(bus.devices()[0]).toMatchObject({ base: 0x1000n, len: 0x1000n });
  });

  it("resets every device that can be reset", () => {
    const bus = new Bus();
    const a = new FakeDevice("a");
    bus.insert(a, 0x1000n, 0x10n);
    bus.insert(voidDevice, 0x2000n, 0x10n);
    bus.resetDevices();
    expect(a.resets).toBe(1);
  });
});

describe("Bus lookup", () => {
  const bus = new Bus();
  const low = new FakeDevice("low");
  const high = new FakeDevice("high");
  bus.insert(high, 0x1002_0000n, 0x1000n);
  bus.insert(low, 0x1000_0000n, 0x100n);

  it("finds the first and last byte of a range, and not one past either end", () => {
    expect(bus.find(0x1000_0000n)).toEqual({ device: low, base: 0x1000_0000n, offset: 0 });
    expect(bus.find(0x1000_00ffn)).toEqual({ device: low, base: 0x1000_0000n, offset: 0xff });
    expect(bus.find(0x1000_0100n)).toBeUndefined();
    expect(bus.find(0x0fff_ffffn)).toBeUndefined();
    expect(bus.find(0x1002_0fffn)?.device).toBe(high);
    expect(bus.find(0x1002_1000n)).toBeUndefined();
    expect(bus.find(0n)).toBeUndefined();
    expect(bus.find((1n << 64n) - 1n)).toBeUndefined();
  });

  it("finds the right device among many (binary search)", () => {
    const many = new Bus();
    const devices = Array.from({ length: 100 }, (_, i) => new FakeDevice(`d${i}`));
    // Insert in a scrambled order.
    for (let k = 0; k < 100; k++) {
      const i = (k * 37) % 100;
      many.insert(devices[i]!, 0x1000_0000n + BigInt(i) * 0x1000n, 0x800n);
    }
    for (let i = 0; i < 100; i++) {
      const base = 0x1000_0000n + BigInt(i) * 0x1000n;
      expect(many.find(base)?.device).toBe(devices[i]);
      expect(many.find(base + 0x7ffn)?.offset).toBe(0x7ff);
      expect(many.find(base + 0x800n)).toBeUndefined(); // the gap
    }
  });

  it("passes the offset and data to the device and reports it as the last device", () => {
    const data = new Uint8Array(4);
    expect(bus.read(0x1000_0010n, data)).toBe(BusResult.Handled);
    expect([...data]).toEqual([0xab, 0xab, 0xab, 0xab]);
    expect(low.accesses.at(-1)).toEqual({ kind: "read", offset: 0x10, bytes: [0xab, 0xab, 0xab, 0xab] });
    expect(bus.lastDevice).toBe(low);
    expect(bus.lastOffset).toBe(0x10);

    expect(bus.write(0x1002_0ff8n, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))).toBe(BusResult.Handled);
    expect(high.accesses.at(-1)).toEqual({ kind: "write", offset: 0xff8, bytes: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(bus.lastDevice).toBe(high);
  });

  it("treats a device returning nothing as handled", () => {
    const b = new Bus("fault");
    b.insert(voidDevice, 0x100n, 0x10n);
    expect(b.read(0x100n, new Uint8Array(1))).toBe(BusResult.Handled);
    expect(b.write(0x100n, new Uint8Array(1))).toBe(BusResult.Handled);
  });
});

describe("Bus unmapped policies", () => {
  /** A bus with "dev" at [0x1000, 0x1100); the device has registers at offsets below `registers`. */
  function setup(policy: "ignore" | "log" | "fault", logBurst?: number, registers = 8) {
    const lines: string[] = [];
    const bus = new Bus(policy, { logger: (line) => lines.push(line), ...(logBurst !== undefined ? { logBurst } : {}) });
    const dev = new FakeDevice("dev", registers);
    bus.insert(dev, 0x1000n, 0x100n);
    return { bus, dev, lines };
  }

  it("defaults to fault", () => {
    expect(new Bus().policy).toBe("fault");
  });

  for (const policy of ["ignore", "log", "fault"] as const) {
    const expected = policy === "fault" ? BusResult.Fault : BusResult.Ignored;

    it(`${policy}: a hole reads zeros, drops writes, and counts both`, () => {
      const { bus, lines } = setup(policy);
      const data = Uint8Array.of(9, 9, 9, 9);
      expect(bus.read(0x5000n, data)).toBe(expected);
      expect([...data]).toEqual([0, 0, 0, 0]);
      expect(bus.lastDevice).toBeUndefined();
      expect(bus.write(0x5000n, data)).toBe(expected);
      expect(bus.unmappedReads).toBe(1);
      expect(bus.unmappedWrites).toBe(1);
      expect(lines.length).toBe(policy === "log" ? 2 : 0);
    });

    it(`${policy}: a register the device refuses is unmapped`, () => {
      const { bus, dev } = setup(policy);
      const data = Uint8Array.of(9);
      expect(bus.read(0x1000n + 8n, data)).toBe(expected);
      expect(data[0]).toBe(0);
      expect(bus.write(0x1000n + 0xffn, data)).toBe(expected);
      expect(dev.accesses).toEqual([]);
      expect(bus.unmappedReads + bus.unmappedWrites).toBe(2);
    });

    it(`${policy}: an access running past the end of a range is unmapped`, () => {
      const { bus, dev } = setup(policy, undefined, 0x100);
      expect(bus.read(0x10fcn, new Uint8Array(4))).toBe(BusResult.Handled); // last four bytes: fits
      const data = new Uint8Array(8);
      expect(bus.read(0x10fcn, data)).toBe(expected);
      expect(bus.write(0x10ffn, new Uint8Array(2))).toBe(expected);
      expect(dev.accesses.length).toBe(1);
      expect(bus.unmappedReads).toBe(1);
      expect(bus.unmappedWrites).toBe(1);
    });
  }

  it("log: one line naming the access, the address and the refusing device", () => {
    const { bus, lines } = setup("log");
    bus.write(0x1010n, new Uint8Array(4));
    bus.read(0x9000n, new Uint8Array(2));
    expect(lines[0]).toBe('bus: unmapped 4-byte write at 0x1010 ("dev"+0x10 refused it); 1 unmapped so far');
    expect(lines[1]).toBe("bus: unmapped 2-byte read at 0x9000 (no device); 2 unmapped so far");
  });

  it("log: rate-limited to a burst, then powers of two, while counting every access", () => {
    const { bus, lines } = setup("log", 4);
    for (let i = 0; i < 1000; i++) bus.read(0x9000n, new Uint8Array(1));
    expect(bus.unmappedReads).toBe(1000);
    const counts = lines.map((line) => Number(/; (\d+) unmapped/.exec(line)![1]));
    expect(counts).toEqual([1, 2, 3, 4, 8, 16, 32, 64, 128, 256, 512]);
  });
});

describe("little-endian access buffers", () => {
  it("round-trips every access size", () => {
    const value = 0x8877_6655_4433_2211n;
    for (const size of [1, 2, 4, 8]) {
      const data = new Uint8Array(size);
      storeLe(data, value);
      expect(data[0]).toBe(0x11);
      expect(loadLe(data)).toBe(value & ((1n << BigInt(size * 8)) - 1n));
    }
  });
});

describe("Bus number-address fast path", () => {
  it("dispatches number addresses like bigint ones, across devices and window edges", () => {
    const seen: Array<[string, number, number]> = [];
    const dev = (name: string): BusDevice => ({
      name,
      read: (offset, data) => void seen.push([name, offset, data.length]),
      write: () => true,
    });
    const bus = new Bus("fault");
    bus.insert(dev("a"), 0x1000n, 0x100n);
    bus.insert(dev("b"), 0x2000n, 0x10n);
    const four = new Uint8Array(4);
    expect(bus.read(0x1000, four)).toBe(BusResult.Handled);
    expect(bus.read(0x10fc, four)).toBe(BusResult.Handled);
    expect(bus.read(0x200c, four)).toBe(BusResult.Handled); // switches the cached entry to b
    expect(bus.read(0x1004, four)).toBe(BusResult.Handled); // and back to a
    expect(bus.read(0x10fe, four)).toBe(BusResult.Fault); // runs past a's end
    expect(bus.read(0x2010, four)).toBe(BusResult.Fault); // one past b
    expect(bus.read(0x0fff, new Uint8Array(1))).toBe(BusResult.Fault);
    expect(seen).toEqual([["a", 0, 4], ["a", 0xfc, 4], ["b", 0xc, 4], ["a", 4, 4]]);
    expect(bus.lastDevice).toBeUndefined();
  });

  it("converts values to and from 32-bit halves", () => {
    const eight = new Uint8Array(8);
    storeLeParts(eight, 0x89abcdef, 0x01234567);
    expect([...eight]).toEqual([0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01]);
    expect(loadLeParts(eight)).toEqual([0x89abcdef, 0x01234567]);
    expect(loadLeParts(Uint8Array.of(0xff, 0xff))).toEqual([0xffff, 0]);
  });
});
