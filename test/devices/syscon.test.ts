// syscon.test.ts — the SiFive test finisher: poweroff, reboot and fail-with-code writes reach the callback.
import { describe, expect, it } from "vitest";
import { FINISHER_FAIL, FINISHER_PASS, FINISHER_RESET, Syscon } from "../../host/devices/syscon.js";
import type { ShutdownKind } from "../../host/vmm/stop-reason.js";

function setup() {
  const calls: Array<[ShutdownKind, number]> = [];
  const syscon = new Syscon((kind, code) => calls.push([kind, code]));
  const write32 = (value: number, offset = 0): boolean => {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, value, true);
    return syscon.write(offset, data);
  };
  return { calls, syscon, write32 };
}

describe("Syscon", () => {
  it("0x5555 powers off", () => {
    const { calls, write32 } = setup();
    expect(write32(FINISHER_PASS)).toBe(true);
    expect(calls).toEqual([["poweroff", 0]]);
  });

  it("0x7777 reboots", () => {
    const { calls, write32 } = setup();
    write32(FINISHER_RESET);
    expect(calls).toEqual([["reboot", 0]]);
  });

  it("0x3333 | code << 16 fails with the code, up to 0xffff", () => {
    const { calls, write32 } = setup();
    write32(FINISHER_FAIL | (42 << 16));
    write32((FINISHER_FAIL | (0xffff << 16)) >>> 0);
    expect(calls).toEqual([
      ["fail", 42],
      ["fail", 0xffff],
    ]);
  });

  it("ignores unknown commands but refuses other offsets and sizes", () => {
    const { calls, syscon, write32 } = setup();
    expect(write32(0x1234)).toBe(true);
    expect(write32(FINISHER_PASS, 4)).toBe(false);
    expect(syscon.write(0, Uint8Array.of(0x55))).toBe(false);
    expect(syscon.write(0, new Uint8Array(8))).toBe(false);
    expect(calls).toEqual([]);
  });

  it("takes 16-bit writes, as OpenSBI's sifive_test driver issues them", () => {
    const { calls, syscon } = setup();
    expect(syscon.write(0, Uint8Array.of(0x55, 0x55))).toBe(true);
    expect(calls).toEqual([["poweroff", 0]]);
  });

  it("reads as zero", () => {
    const { syscon } = setup();
    const data = Uint8Array.of(1, 2, 3, 4);
    expect(syscon.read(0, data)).toBe(true);
    expect([...data]).toEqual([0, 0, 0, 0]);
    expect(syscon.registerName(0)).toBe("finisher");
  });
});
