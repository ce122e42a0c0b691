// seeded-entropy.test.ts — the seeded CSPRNG behind --entropy-seed: RFC 8439's ChaCha20 test vector, repeatability, and resuming from a recorded position.
import { describe, expect, it } from "vitest";
import { chacha20Block, SeededEntropy } from "../../host/backends/seeded-entropy.js";

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("SeededEntropy", () => {
  it("computes RFC 8439's ChaCha20 block test vector (2.3.2)", () => {
    const keyBytes = Uint8Array.from({ length: 32 }, (_, i) => i);
    const key = new Uint32Array(keyBytes.buffer);
    const out = new Uint8Array(64);
    // counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00 (little-endian words)
    chacha20Block(key, [1, 0x0900_0000, 0x4a00_0000, 0], out);
    expect(hex(out)).toBe(
      "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e" +
      "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
    );
  });

  it("gives the same bytes for the same seed, however the reads are split, and other bytes for another seed", () => {
    const a = new Uint8Array(300);
    new SeededEntropy(42n).fill(a);
    const b = new Uint8Array(300);
    const split = new SeededEntropy(42n);
    for (const [from, to] of [[0, 3], [3, 64], [64, 65], [65, 300]] as const) split.fill(b.subarray(from, to));
    expect(hex(b)).toBe(hex(a));
    const c = new Uint8Array(300);
    new SeededEntropy(43n).fill(c);
    expect(hex(c)).not.toBe(hex(a));
  });

  it("resumes exactly where a recorded state left off", () => {
    const original = new SeededEntropy(7n);
    original.fill(new Uint8Array(100));
    const state = original.state();
    const next = new Uint8Array(200);
    original.fill(next);
    const resumed = new SeededEntropy(7n);
    resumed.restore(state);
    const again = new Uint8Array(200);
    resumed.fill(again);
    expect(hex(again)).toBe(hex(next));
    expect(() => new SeededEntropy(8n).restore(state)).toThrow("seed 7");
    expect(() => resumed.restore({ ...state, offset: 65 })).toThrow("malformed");
  });
});
