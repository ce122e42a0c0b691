// entropy.test.ts — PooledEntropy refills in whole blocks; the Web Crypto and /dev/urandom sources fill correctly.
import { describe, expect, it } from "vitest";
import { browserEntropy, PooledEntropy } from "../../host/backends/entropy.js";
import { UrandomEntropy } from "../../host/backends/node/urandom.js";

/** A fillBlock that writes a running counter and records each call's size. */
function countingBlock() {
  const calls: number[] = [];
  let next = 0;
  const fillBlock = (dest: Uint8Array): void => {
    calls.push(dest.length);
    for (let i = 0; i < dest.length; i++) dest[i] = next++ & 0xff;
  };
  return { calls, fillBlock };
}

describe("PooledEntropy", () => {
  it("makes one host call per pool, not per read", () => {
    const { calls, fillBlock } = countingBlock();
    const pool = new PooledEntropy(fillBlock, 64);
    const four = new Uint8Array(4);
    for (let i = 0; i < 16; i++) pool.fill(four); // exactly one pool's worth
    expect(calls).toEqual([64]);
    pool.fill(four);
    expect(calls).toEqual([64, 64]);
    expect(pool.refills).toBe(2);
  });

  it("defers the first refill to the first read", () => {
    const { calls, fillBlock } = countingBlock();
    new PooledEntropy(fillBlock);
    expect(calls).toEqual([]);
  });

  it("hands out every byte once, in order, across refills and large requests", () => {
    const { calls, fillBlock } = countingBlock();
    const pool = new PooledEntropy(fillBlock, 10);
    const a = new Uint8Array(7);
    const b = new Uint8Array(25);
    pool.fill(a);
    pool.fill(b);
    expect([...a, ...b]).toEqual(Array.from({ length: 32 }, (_, i) => i));
    // 7 from a first pool of 10, then b: the pool's last 3 bytes, and the remaining 22 (at least a
    // pool's worth) filled directly into b by one host call, not through the pool.
    expect(calls).toEqual([10, 22]);
  });

  it("uses a 64 KiB pool by default", () => {
    const { calls, fillBlock } = countingBlock();
    new PooledEntropy(fillBlock).fill(new Uint8Array(1));
    expect(calls).toEqual([65536]);
  });

  it("rejects a non-positive pool size", () => {
    expect(() => new PooledEntropy(() => {}, 0)).toThrow(RangeError);
  });
});

describe("entropy sources", () => {
  it("browserEntropy chunks pools larger than getRandomValues allows", () => {
    const entropy = browserEntropy(200_000);
    const dest = new Uint8Array(200_000);
    entropy.fill(dest);
    // The last chunk was filled too (all zeros over 4 KiB has probability 2^-32768).
    expect(dest.subarray(196_000).some((b) => b !== 0)).toBe(true);
    expect(entropy.refills).toBe(1);
  });

  it("UrandomEntropy reads /dev/urandom in pool-sized blocks and closes", () => {
    const entropy = new UrandomEntropy(4096);
    const a = new Uint8Array(16);
    const b = new Uint8Array(16);
    entropy.fill(a);
    entropy.fill(b);
    expect([...a]).not.toEqual([...b]);
    expect(entropy.refills).toBe(1);
    entropy.close();
    entropy.close();
    expect(() => entropy.fill(new Uint8Array(8192))).toThrow(/after close/);
  });
});
