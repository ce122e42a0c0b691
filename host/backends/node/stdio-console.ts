// stdio-console.ts — Node backend: the guest console on this process's stdout and stdin.
//
// When stdin is a terminal it is put in raw mode, so keys reach the guest unprocessed (Ctrl-C
// interrupts the guest's program, not the VMM) — which is why there is an escape prefix,
// Ctrl-A, as in QEMU: Ctrl-A x calls `onEscapeExit`, Ctrl-A Ctrl-A sends one Ctrl-A. The
// terminal is restored on close() and, as a last resort, when the process exits.
import type { ConsoleBackend } from "../console.js";

const CTRL_A = 0x01;

/** What Ctrl-A h prints (raw mode: lines end in CR LF). */
export const ESCAPE_HELP = "\r\nC-a h    print this help\r\nC-a x    exit wasmvisor\r\nC-a s    write a snapshot and go on\r\nC-a C-a  send C-a to the guest\r\n";

export interface StdioConsoleOptions {
  /** Called on Ctrl-A x in raw mode (e.g. stop the VM). Without it, Ctrl-A passes through. */
  onEscapeExit?: () => void;
  /** Called on Ctrl-A s in raw mode (write a snapshot). */
  onEscapeSnapshot?: () => void;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

export class StdioConsole implements ConsoleBackend {
  private readonly stdin: NodeJS.ReadStream;
  private readonly stdout: NodeJS.WriteStream;
  private readonly onEscapeExit: (() => void) | undefined;
  private readonly onEscapeSnapshot: (() => void) | undefined;
  private readonly receivers: Array<(bytes: Uint8Array) => void> = [];
  private raw = false;
  private reading = false;
  private afterEscape = false;
  private readonly onData = (chunk: Buffer | string): void => this.receive(chunk);
  private readonly restoreOnExit = (): void => this.restoreTerminal();

  constructor(options: StdioConsoleOptions = {}) {
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.onEscapeExit = options.onEscapeExit;
    this.onEscapeSnapshot = options.onEscapeSnapshot;
  }

  write(bytes: Uint8Array): void {
    this.stdout.write(bytes);
  }

  /** Starts reading stdin on the first registration, so merely creating a console holds nothing open. */
  onInput(cb: (bytes: Uint8Array) => void): void {
    this.receivers.push(cb);
    if (this.reading) return;
    this.reading = true;
    if (this.stdin.isTTY) {
      this.stdin.setRawMode(true);
      this.raw = true;
      process.once("exit", this.restoreOnExit);
    }
    this.stdin.on("data", this.onData);
    this.stdin.resume();
  }

  /** Stop taking input for now (flow control: the guest has a lot it has not read yet). */
  holdInput(): void {
    if (this.reading) this.stdin.pause();
  }

  /** Take input again after holdInput(). */
  releaseInput(): void {
    if (this.reading) this.stdin.resume();
  }

  /** Stop reading stdin and restore the terminal. Safe to call twice. */
  close(): void {
    if (!this.reading) return;
    this.reading = false;
    this.stdin.off("data", this.onData);
    this.stdin.pause();
    this.restoreTerminal();
    process.off("exit", this.restoreOnExit);
  }

  private restoreTerminal(): void {
    if (!this.raw) return;
    this.raw = false;
    this.stdin.setRawMode(false);
  }

  private receive(chunk: Buffer | string): void {
    let bytes: Uint8Array = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    if (this.raw && this.onEscapeExit !== undefined) bytes = this.filterEscapes(bytes);
    if (bytes.length === 0) return;
    for (const cb of this.receivers) cb(bytes);
  }

  /** Strip Ctrl-A sequences; the prefix may end one chunk and its command start the next. */
  private filterEscapes(bytes: Uint8Array): Uint8Array {
    const out: number[] = [];
    for (const byte of bytes) {
      if (this.afterEscape) {
        this.afterEscape = false;
        if (byte === 0x78 /* x */) {
          this.onEscapeExit?.();
          continue;
        }
        if (byte === 0x73 /* s */ && this.onEscapeSnapshot !== undefined) {
          this.onEscapeSnapshot();
          continue;
        }
        if (byte === CTRL_A) {
          out.push(CTRL_A);
          continue;
        }
        if (byte === 0x68 /* h */ || byte === 0x3f /* ? */) {
          this.stdout.write(ESCAPE_HELP);
          continue;
        }
        // Unknown command: swallow it, as QEMU does.
        continue;
      }
      if (byte === CTRL_A) this.afterEscape = true;
      else out.push(byte);
    }
    return Uint8Array.from(out);
  }
}
