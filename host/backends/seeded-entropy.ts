// seeded-entropy.ts — SeededEntropy: a deterministic CSPRNG (the ChaCha20 block function, RFC 8439) for exact replay (--entropy-seed).
//
// Every RNG device of a VM drawing from one seeded stream makes a deterministic-clock run repeat
// to the instruction, virtio-rng and rngboi included. The generator's position is part of a
// snapshot (state()/restore()), so a restored VM goes on with the bytes the original would have
// had. The key is the seed spread over 256 bits with splitmix64: a seed chosen by a person is
// not secret, so this is about reproducibility with good statistical quality, not secrecy.
import type { EntropySource } from "./entropy.js";

const BLOCK_BYTES = 64;
/** "expand 32-byte k" */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

/** Where a SeededEntropy is in its stream (what a snapshot records). */
export interface SeededEntropyState {
  seed: string;
  /** Blocks generated so far. */
  counter: number;
  /** Bytes of the current block already handed out (64: none left). */
  offset: number;
}

export class SeededEntropy implements EntropySource {
  private readonly key = new Uint32Array(8);
  private readonly block = new Uint8Array(BLOCK_BYTES);
  private readonly words = new Uint32Array(16);
  private counter = 0;
  private offset = BLOCK_BYTES;

  constructor(readonly seed: bigint) {
    if (seed < 0n || seed >= 1n << 64n) throw new RangeError(`entropy seed ${seed} is not a 64-bit unsigned number`);
    let x = seed;
    for (let i = 0; i < 4; i++) {
      x = BigInt.asUintN(64, x + 0x9e37_79b9_7f4a_7c15n);
      let z = x;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58_476d_1ce4_e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d0_49bb_1331_11ebn);
      z ^= z >> 31n;
      this.key[2 * i] = Number(z & 0xffff_ffffn);
      this.key[2 * i + 1] = Number(z >> 32n);
    }
  }

  fill(dest: Uint8Array): void {
    let at = 0;
    while (at < dest.length) {
      if (this.offset === BLOCK_BYTES) this.nextBlock();
      const n = Math.min(dest.length - at, BLOCK_BYTES - this.offset);
      dest.set(this.block.subarray(this.offset, this.offset + n), at);
      this.offset += n;
      at += n;
    }
  }

  state(): SeededEntropyState {
    return { seed: this.seed.toString(), counter: this.counter, offset: this.offset };
  }

  /** Continue from a recorded position of the same seed. */
  restore(state: SeededEntropyState): void {
    if (state.seed !== this.seed.toString()) throw new RangeError(`entropy state is for seed ${state.seed}, not ${this.seed}`);
    if (!Number.isSafeInteger(state.counter) || state.counter < 0 || !Number.isInteger(state.offset) || state.offset < 0 || state.offset > BLOCK_BYTES) {
      throw new RangeError("malformed entropy state");
    }
    this.offset = BLOCK_BYTES;
    if (state.counter > 0) {
      this.counter = state.counter - 1;
      this.nextBlock();
      this.offset = state.offset;
    } else {
      this.counter = 0;
    }
  }

  /** ChaCha20 block `counter` (the 64-bit block counter in words 12-13, nonce zero). */
  private nextBlock(): void {
    chacha20Block(this.key, [this.counter >>> 0, Math.floor(this.counter / 0x1_0000_0000) >>> 0, 0, 0], this.block, this.words);
    this.counter++;
    this.offset = 0;
  }
}

/**
 * The ChaCha20 block function (RFC 8439, 2.3): 256-bit key, the state's last four words (block
 * counter and nonce), 64 bytes out. `scratch` avoids an allocation per block.
 */
export function chacha20Block(key: Uint32Array, tail: readonly [number, number, number, number], out: Uint8Array, scratch = new Uint32Array(16)): void {
  const s = scratch;
  s[0] = SIGMA[0]; s[1] = SIGMA[1]; s[2] = SIGMA[2]; s[3] = SIGMA[3];
  s.set(key, 4);
  s[12] = tail[0]; s[13] = tail[1]; s[14] = tail[2]; s[15] = tail[3];
  const x = Uint32Array.from(s);
  for (let round = 0; round < 10; round++) {
    quarter(x, 0, 4, 8, 12); quarter(x, 1, 5, 9, 13); quarter(x, 2, 6, 10, 14); quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15); quarter(x, 1, 6, 11, 12); quarter(x, 2, 7, 8, 13); quarter(x, 3, 4, 9, 14);
  }
  const dv = new DataView(out.buffer, out.byteOffset, BLOCK_BYTES);
  for (let i = 0; i < 16; i++) dv.setUint32(4 * i, (x[i]! + s[i]!) >>> 0, true);
}

function quarter(x: Uint32Array, a: number, b: number, c: number, d: number): void {
  x[a] = (x[a]! + x[b]!) >>> 0; x[d] = rotl(x[d]! ^ x[a]!, 16);
  x[c] = (x[c]! + x[d]!) >>> 0; x[b] = rotl(x[b]! ^ x[c]!, 12);
  x[a] = (x[a]! + x[b]!) >>> 0; x[d] = rotl(x[d]! ^ x[a]!, 8);
  x[c] = (x[c]! + x[d]!) >>> 0; x[b] = rotl(x[b]! ^ x[c]!, 7);
}

function rotl(v: number, n: number): number {
  return ((v << n) | (v >>> (32 - n))) >>> 0;
}
