// byte-queue.ts — ByteQueue: a fixed-capacity byte ring (console input held for the guest, a UART FIFO).

export class ByteQueue {
  count = 0;
  private head = 0;
  private readonly bytes: Uint8Array;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  get capacity(): number {
    return this.bytes.length;
  }
  get free(): number {
    return this.bytes.length - this.count;
  }
  push(byte: number): void {
    this.bytes[(this.head + this.count) % this.bytes.length] = byte;
    this.count++;
  }
  shift(): number {
    const byte = this.bytes[this.head]!;
    this.head = (this.head + 1) % this.bytes.length;
    this.count--;
    return byte;
  }
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
  /** The bytes held, oldest first (a copy). */
  toArray(): Uint8Array {
    const out = new Uint8Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.bytes[(this.head + i) % this.bytes.length]!;
    return out;
  }
  /** Replace the contents (at most `capacity` bytes are kept). */
  fill(bytes: Uint8Array): void {
    this.clear();
    for (const b of bytes.subarray(0, this.bytes.length)) this.push(b);
  }
}
