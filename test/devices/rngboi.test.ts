// rngboi.test.ts — the register RNG: fresh bytes per read at sizes 1/2/4, everything else refused; devicetree facts.
import { describe, expect, it } from "vitest";
import { browserEntropy, type EntropySource } from "../../host/backends/entropy.js";
import { Bus, BusResult } from "../../host/devices/bus.js";
import { RNGBOI_COMPATIBLE, RNGBOI_PERIOD_US, RNGBOI_QUALITY, Rngboi } from "../../host/devices/rngboi.js";

/** Deterministic entropy: the bytes 1, 2, 3, ... (mod 256), so exact values can be asserted. */
class CountingEntropy implements EntropySource {
  next = 1;
  fill(dest: Uint8Array): void {
    for (let i = 0; i < dest.length; i++) dest[i] = this.next++ & 0xff;
  }
}

describe("Rngboi", () => {
  it("returns that many fresh bytes for reads of size 1, 2 and 4 at offset 0", () => {
    const rng = new Rngboi(new CountingEntropy());
    const one = new Uint8Array(1);
    const two = new Uint8Array(2);
    const four = new Uint8Array(4);
    expect(rng.read(0, four)).toBe(true);
    expect([...four]).toEqual([1, 2, 3, 4]);
    expect(rng.read(0, four)).toBe(true);
    expect([...four]).toEqual([5, 6, 7, 8]);
    expect(rng.read(0, two)).toBe(true);
    expect([...two]).toEqual([9, 10]);
    expect(rng.read(0, one)).toBe(true);
    expect([...one]).toEqual([11]);
    expect(rng.reads).toBe(4);
    expect(rng.bytesRead).toBe(11);
  });

  it("gives different values on consecutive reads with real entropy", () => {
    const rng = new Rngboi(browserEntropy());
    const a = new Uint8Array(4);
    const b = new Uint8Array(4);
    rng.read(0, a);
    rng.read(0, b);
    // Equal with probability 2^-32.
    expect([...a]).not.toEqual([...b]);
  });

  it("refuses other offsets, 8-byte reads and every write, without drawing entropy", () => {
    const entropy = new CountingEntropy();
    const rng = new Rngboi(entropy);
    expect(rng.read(4, new Uint8Array(4))).toBe(false);
    expect(rng.read(1, new Uint8Array(1))).toBe(false);
    expect(rng.read(0, new Uint8Array(8))).toBe(false);
    expect(rng.read(0, new Uint8Array(3))).toBe(false);
    expect(rng.write(0, new Uint8Array(4))).toBe(false);
    expect(rng.write(0, new Uint8Array(1))).toBe(false);
    expect(rng.reads).toBe(0);
    expect(entropy.next).toBe(1);
  });

  it("on the bus, refused accesses fall to the bus policy", () => {
    const bus = new Bus("fault");
    bus.insert(new Rngboi(new CountingEntropy()), 0x1002_0000n, 0x1000n);
    expect(bus.read(0x1002_0000n, new Uint8Array(4))).toBe(BusResult.Handled);
    expect(bus.write(0x1002_0000n, new Uint8Array(4))).toBe(BusResult.Fault);
    expect(bus.read(0x1002_0000n, new Uint8Array(8))).toBe(BusResult.Fault);
    expect(bus.unmappedReads).toBe(1);
    expect(bus.unmappedWrites).toBe(1);
  });

  it("names rng0 and resets its counters", () => {
    const rng = new Rngboi(new CountingEntropy());
    expect(rng.registerName(0)).toBe("rng0");
    expect(rng.registerName(4)).toBeUndefined();
    rng.read(0, new Uint8Array(4));
    rng.reset();
    expect(rng.reads).toBe(0);
    expect(rng.bytesRead).toBe(0);
  });

  it("exports the timeriomem_rng devicetree facts", () => {
    expect(RNGBOI_COMPATIBLE).toBe("timeriomem_rng");
    expect(RNGBOI_PERIOD_US).toBeGreaterThan(0); // "period" is required by the driver
    expect(RNGBOI_QUALITY).toBeGreaterThan(0);
    expect(RNGBOI_QUALITY).toBeLessThanOrEqual(1024); // bits of entropy per 1024 bits
  });
});
