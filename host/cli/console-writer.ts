// console-writer.ts — batches guest console bytes into few stdout writes, flushing at newlines and at the next event-loop turn.
//
// One write per byte would dominate a chatty guest's run time; holding bytes until a newline
// would hide a shell prompt. So: flush on newline or a full buffer, and otherwise at the next
// turn of the event loop (the VM yields every few milliseconds).

export class ConsoleWriter {
  private readonly buffer = new Uint8Array(8192);
  private used = 0;
  private scheduled = false;

  constructor(private readonly sink: (bytes: Uint8Array) => void) {}

  write(bytes: Uint8Array): void {
    for (const byte of bytes) {
      this.buffer[this.used++] = byte;
      if (byte === 0x0a || this.used === this.buffer.length) this.flush();
    }
    if (this.used > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  flush(): void {
    if (this.used === 0) return;
    this.sink(this.buffer.slice(0, this.used));
    this.used = 0;
  }
}
