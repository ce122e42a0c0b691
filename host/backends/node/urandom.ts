// urandom.ts — Node backend: entropy from /dev/urandom, read through one open descriptor into a pool.
//
// Keeping the descriptor open and reading a whole pool per readSync makes a guest RNG read cost
// a copy, not an open/read/close. /dev/urandom never blocks once the kernel is seeded.
import { closeSync, openSync, readSync } from "node:fs";
import { DEFAULT_POOL_BYTES, PooledEntropy, type EntropySource } from "../entropy.js";

export class UrandomEntropy implements EntropySource {
  private fd: number | undefined;
  private readonly pool: PooledEntropy;

  constructor(poolBytes: number = DEFAULT_POOL_BYTES, path = "/dev/urandom") {
    this.fd = openSync(path, "r");
    this.pool = new PooledEntropy((dest) => this.readBlock(dest), poolBytes);
  }

  fill(dest: Uint8Array): void {
    this.pool.fill(dest);
  }

  /** How many blocks have been read from the device. */
  get refills(): number {
    return this.pool.refills;
  }

  /** Close the descriptor; later fills that need a refill throw. Safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private readBlock(dest: Uint8Array): void {
    if (this.fd === undefined) throw new Error("UrandomEntropy used after close()");
    // readSync may return less than asked (a signal, a large request): loop until full.
    let done = 0;
    while (done < dest.length) {
      const n = readSync(this.fd, dest, done, dest.length - done, null);
      if (n === 0) throw new Error("unexpected end of file reading random bytes");
      done += n;
    }
  }
}
