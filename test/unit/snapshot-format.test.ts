// snapshot-format.test.ts — the snapshot container refuses, with one SnapshotError line, every file that is not whole: truncated, corrupted, another version, not a snapshot.
import { describe, expect, it } from "vitest";
import { crc32 } from "../../host/snapshot/crc32.js";
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_FORMAT_VERSION, SnapshotError } from "../../host/snapshot/format.js";
import { readDescription } from "../../host/snapshot/machine-description.js";
import { decodeState, encodeState } from "../../host/snapshot/machine-snapshot.js";

const meta = { writer: "test", createdAt: "2026-12-04T00:00:00Z", machine: { memoryMiB: 16 } };
const sample = (): Uint8Array => encodeSnapshot(meta, new Map([["core", Uint8Array.of(1, 2, 3)], ["ram", new Uint8Array(100).fill(7)]]));

/** A small seeded PRNG, so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 0x1_0000_0000);
}

describe("snapshot container", () => {
  it("round-trips its header and sections", () => {
    const { header, sections } = decodeSnapshot(sample());
    expect(header.writer).toBe("test");
    expect(header.machine).toEqual({ memoryMiB: 16 });
    expect([...sections.keys()]).toEqual(["core", "ram"]);
    expect(Array.from(sections.get("core")!)).toEqual([1, 2, 3]);
    expect(sections.get("ram")!.every((b) => b === 7)).toBe(true);
  });

  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it.each([
    ["too short", (f: Uint8Array) => f.subarray(0, 10), "too short"],
    ["bad magic", (f: Uint8Array) => Object.assign(f.slice(), { 0: 0x58 }), "bad magic"],
    ["another version", (f: Uint8Array) => { const g = f.slice(); new DataView(g.buffer).setUint32(8, SNAPSHOT_FORMAT_VERSION + 1, true); return g; }, "version 2 is not supported"],
    ["truncated header", (f: Uint8Array) => f.subarray(0, 30), "truncated"],
    ["truncated body", (f: Uint8Array) => f.subarray(0, f.length - 5), "truncated (section ram"],
    ["corrupted header", (f: Uint8Array) => { const g = f.slice(); g[25]! ^= 1; return g; }, "header is corrupted"],
    ["corrupted section", (f: Uint8Array) => { const g = f.slice(); g[g.length - 1]! ^= 1; return g; }, "section ram is corrupted"],
  ])("refuses a file with a %s", (_name, mangle, message) => {
    expect(() => decodeSnapshot(mangle(sample()))).toThrow(SnapshotError);
    expect(() => decodeSnapshot(mangle(sample()))).toThrow(message);
  });

  it("throws nothing but SnapshotError for thousands of random mutations (seeded)", () => {
    const next = rng(1234);
    const base = sample();
    for (let i = 0; i < 3000; i++) {
      const f = base.slice(0, next() < 0.2 ? Math.floor(next() * base.length) : base.length);
      const flips = 1 + Math.floor(next() * 4);
      for (let k = 0; k < flips && f.length > 0; k++) f[Math.floor(next() * f.length)] = Math.floor(next() * 256);
      try {
        decodeSnapshot(f);
      } catch (err) {
        expect(err, `mutation ${i}`).toBeInstanceOf(SnapshotError);
      }
    }
  });
});

describe("snapshot machine description and device state", () => {
  const good = {
    memoryMiB: 128, clock: "deterministic", guestKind: "elf", sbi: false, htif: { tohost: "0x80001000", fromhost: null },
    rng: ["rngboi"], virtioConsole: false, unmapped: "fault", entropySeed: null, disks: [], devices: [{ name: "uart0", base: "0x10000000" }],
  };

  it("reads a well-formed description", () => {
    expect(readDescription(good)).toEqual(good);
  });

  it.each([
    ["memoryMiB", 0], ["memoryMiB", 1e9], ["clock", "fast"], ["guestKind", "windows"], ["rng", ["virtio-net"]],
    ["htif", { tohost: "nope" }], ["entropySeed", "-1"], ["disks", [{}]], ["devices", "x"],
  ])("refuses a description whose %s is %j", (key, value) => {
    expect(() => readDescription({ ...good, [key]: value })).toThrow(SnapshotError);
  });

  it("round-trips device state with byte arrays, and refuses state that is not JSON", () => {
    const state = { uart0: { ier: 1, backlog: Uint8Array.of(1, 2, 255) }, "#consoles": { polled: new Uint8Array(0) } };
    expect(decodeState(encodeState(state))).toEqual(state);
    expect(() => decodeState(new TextEncoder().encode("{nope"))).toThrow(SnapshotError);
  });
});
