// console.ts — ConsoleBackend: where a serial device's output goes and its input comes from (any platform).
//
// The Node terminal backend is in node/stdio-console.ts; in a browser, CallbackConsole wires a
// terminal widget (e.g. xterm.js) to the guest.
import { ByteQueue } from "./byte-queue.js";

/**
 * A receiver of console input that holds what the guest has not taken yet (a UART's backlog
 * and FIFO, the SBI console's queue, a virtio console's pending input): the host side uses it
 * to hold back further input, as a terminal's flow control does, instead of dropping any.
 */
export interface InputHold {
  readonly pendingInputBytes: number;
}

/** A byte stream to and from the guest's serial console. */
export interface ConsoleBackend {
  /** Bytes the guest transmitted. */
  write(bytes: Uint8Array): void;
  /** Register a receiver for bytes typed at the host side; `hold` reports what it still holds for the guest. */
  onInput(cb: (bytes: Uint8Array) => void, hold?: InputHold): void;
}

/**
 * Delivers input to the registered receivers. Input that arrives before anyone listens is
 * queued, not dropped, so type-ahead typed while the VM is still being built reaches the guest.
 */
class InputHub {
  private readonly receivers: Array<(bytes: Uint8Array) => void> = [];
  private pending: Uint8Array[] = [];

  listen(cb: (bytes: Uint8Array) => void): void {
    this.receivers.push(cb);
    const queued = this.pending;
    this.pending = [];
    for (const bytes of queued) cb(bytes);
  }

  deliver(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.receivers.length === 0) {
      this.pending.push(bytes.slice());
      return;
    }
    for (const cb of this.receivers) cb(bytes);
  }
}

export interface CallbackConsoleOptions {
  /** Receives the guest's output. */
  output: (bytes: Uint8Array) => void;
  /** Called once with a function the embedder calls for each chunk of input. */
  input?: (deliver: (bytes: Uint8Array) => void) => void;
}

/** A console made of two callbacks: one for output, one that hands the embedder an input sink. */
export class CallbackConsole implements ConsoleBackend {
  private readonly hub = new InputHub();
  private readonly output: (bytes: Uint8Array) => void;

  constructor(options: CallbackConsoleOptions) {
    this.output = options.output;
    options.input?.((bytes) => this.hub.deliver(bytes));
  }

  write(bytes: Uint8Array): void {
    this.output(bytes);
  }

  onInput(cb: (bytes: Uint8Array) => void): void {
    this.hub.listen(cb);
  }
}

/** Collects output in memory and lets the caller push input: for tests and golden-output checks. */
export class BufferConsole implements ConsoleBackend {
  private readonly hub = new InputHub();
  private chunks: Uint8Array[] = [];
  private length = 0;

  write(bytes: Uint8Array): void {
    // Copy: the writer may reuse its buffer.
    this.chunks.push(bytes.slice());
    this.length += bytes.length;
  }

  onInput(cb: (bytes: Uint8Array) => void): void {
    this.hub.listen(cb);
  }

  /** Send input to the guest, as if typed. */
  push(input: Uint8Array | string): void {
    this.hub.deliver(typeof input === "string" ? new TextEncoder().encode(input) : input);
  }

  /** Everything written so far. */
  get output(): Uint8Array {
    if (this.chunks.length !== 1) {
      const all = new Uint8Array(this.length);
      let at = 0;
      for (const chunk of this.chunks) {
        all.set(chunk, at);
        at += chunk.length;
      }
      // Keep the joined copy so repeated reads do not re-join.
      this.chunks = [all];
    }
    return this.chunks[0] ?? new Uint8Array(0);
  }

  /** Everything written so far, decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.output);
  }

  /** Forget the output collected so far. */
  clear(): void {
    this.chunks = [];
    this.length = 0;
  }
}

/** Input held for a polled console by default: a megabyte of pasted or piped text. */
export const DEFAULT_INPUT_HOLD_BYTES = 1 << 20;

/**
 * Input kept for a polled reader (the SBI console's getchar, HTIF console reads): bytes wait
 * until read, up to `limitBytes` (older bytes are kept, newer dropped, as a full FIFO would;
 * the host holds input back long before that, see InputHold).
 */
export class InputQueue implements InputHold {
  private readonly bytes: ByteQueue;
  /** Bytes dropped because the queue was full. */
  dropped = 0;
  constructor(backend: ConsoleBackend, limitBytes = DEFAULT_INPUT_HOLD_BYTES) {
    this.bytes = new ByteQueue(limitBytes);
    backend.onInput((data) => {
      for (const b of data) {
        if (this.bytes.free > 0) this.bytes.push(b);
        else this.dropped++;
      }
    }, this);
  }
  get pendingInputBytes(): number {
    return this.bytes.count;
  }
  /** The next byte, or -1 when none is waiting. */
  readByte(): number {
    return this.bytes.count > 0 ? this.bytes.shift() : -1;
  }
  /** What it holds, oldest first (snapshots). */
  held(): Uint8Array {
    return this.bytes.toArray();
  }
  /** Hold exactly these bytes (a restored snapshot). */
  hold(bytes: Uint8Array): void {
    this.bytes.fill(bytes);
  }
}
