// entropy.ts — EntropySource: random bytes for the guest's RNG devices, drawn from a pool refilled in large blocks.
//
// rngboi asks for 4 bytes per guest read; a host call (getRandomValues, a read of /dev/urandom)
// per 4 bytes would dominate its cost. PooledEntropy makes the per-read cost a copy and the host
// call happen once per pool (64 KiB by default). Bytes are handed out once, never reused.

/** A source of random bytes. */
export interface EntropySource {
  /** Fill `dest` entirely with random bytes. */
  fill(dest: Uint8Array): void;
}

/** Fills a whole block with random bytes (a host call). */
export type FillBlock = (dest: Uint8Array) => void;

export const DEFAULT_POOL_BYTES = 64 * 1024;

/** Serves bytes from a pool that is refilled by `fillBlock` only when it runs dry. */
export class PooledEntropy implements EntropySource {
  /** How many times `fillBlock` has been called. */
  refills = 0;
  private readonly pool: Uint8Array;
  /** Next unused byte; pool.length means empty, so the first fill() does the first refill. */
  private next: number;

  constructor(
    private readonly fillBlock: FillBlock,
    poolBytes: number = DEFAULT_POOL_BYTES,
  ) {
    if (!Number.isInteger(poolBytes) || poolBytes <= 0) {
      throw new RangeError(`entropy pool size ${poolBytes} must be a positive integer`);
    }
    this.pool = new Uint8Array(poolBytes);
    this.next = poolBytes;
  }

  fill(dest: Uint8Array): void {
    let done = 0;
    while (done < dest.length) {
      const rest = dest.length - done;
      if (this.next === this.pool.length && rest >= this.pool.length) {
        // A request at least a pool long (a virtio buffer) is filled by the host call directly:
        // the bytes land in guest RAM without passing through the pool.
        this.fillBlock(dest.subarray(done));
        this.refills++;
        return;
      }
      if (this.next === this.pool.length) {
        this.fillBlock(this.pool);
        this.refills++;
        this.next = 0;
      }
      const n = Math.min(dest.length - done, this.pool.length - this.next);
      dest.set(this.pool.subarray(this.next, this.next + n), done);
      this.next += n;
      done += n;
    }
  }
}

/** Web Crypto refuses requests above 65536 bytes (QuotaExceededError). */
const GET_RANDOM_VALUES_MAX = 65536;

/** Entropy from `crypto.getRandomValues` (browsers, and Node >= 19 where it is global). */
export function browserEntropy(poolBytes: number = DEFAULT_POOL_BYTES): PooledEntropy {
  return new PooledEntropy((dest) => {
    for (let at = 0; at < dest.length; at += GET_RANDOM_VALUES_MAX) {
      crypto.getRandomValues(dest.subarray(at, Math.min(dest.length, at + GET_RANDOM_VALUES_MAX)));
    }
  }, poolBytes);
}
