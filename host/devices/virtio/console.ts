// console.ts — VirtioConsole, the virtio console (virtio 1.2, 5.3), port 0 only: transmitq to the ConsoleBackend, host input into the receiveq.
//
// Two queues, no MULTIPORT: receiveq0 (0) and transmitq0 (1). Output is served inside the
// QueueNotify exit, every chain of a drain copied out and handed to the backend in one write
// (copied, because a backend such as stdout may hold on to the bytes after write() returns).
//
// Input arrives whenever the host has some, usually outside any exit (the backend's onInput
// callback runs from the host event loop between VCPU slices). It is buffered until the driver
// has posted receive buffers, then copied in; ctx.notify raises the IRQ line, which wakes an
// idle VM. A receive buffer is popped only when there is input for it: the Wasm queue cannot
// give a chain back, and Linux keeps its whole receiveq posted all the time.
import type { ConsoleBackend } from "../../backends/console.js";
import { VIRTIO_ID_CONSOLE, type VirtioActivation, type VirtioDevice } from "./device.js";

/** Feature bits (virtio 1.2, 5.3.3). MULTIPORT (1) and EMERG_WRITE (2) are not offered. */
export const VIRTIO_CONSOLE_F_SIZE = 0n;

export const VIRTIO_CONSOLE_RECEIVEQ = 0;
export const VIRTIO_CONSOLE_TRANSMITQ = 1;
/** Linux fills the whole receiveq with page-sized buffers: 64 of them is 256 KiB of guest RAM. */
export const VIRTIO_CONSOLE_QUEUE_SIZE = 64;
/** Host input held while the guest posts no buffers; beyond it, new input is dropped (a full FIFO). */
export const VIRTIO_CONSOLE_INPUT_LIMIT = 64 * 1024;

// struct virtio_console_config field offsets (5.3.4).
const CFG_COLS = 0;
const CFG_ROWS = 2;
const CFG_MAX_NR_PORTS = 4;
/** cols, rows, max_nr_ports, emerg_wr. */
const CONFIG_BYTES = 12;

export interface ConsoleSize {
  cols: number;
  rows: number;
}

export interface VirtioConsoleOptions {
  /** The terminal size, read whenever the driver reads the config; offering it offers VIRTIO_CONSOLE_F_SIZE. */
  size?: () => ConsoleSize;
  /** Input bytes buffered before any is dropped (default VIRTIO_CONSOLE_INPUT_LIMIT). */
  inputLimitBytes?: number;
}

export interface VirtioConsoleStats {
  /** Bytes delivered into receive buffers. */
  bytesIn: number;
  /** Bytes the guest transmitted. */
  bytesOut: number;
  /** Input bytes dropped because the buffer was full. */
  inputDropped: number;
  /** Receive and transmit chains returned to the driver. */
  rxChains: number;
  txChains: number;
}

export class VirtioConsole implements VirtioDevice {
  readonly name = "console";
  readonly deviceType = VIRTIO_ID_CONSOLE;
  readonly queueMaxSizes = [VIRTIO_CONSOLE_QUEUE_SIZE, VIRTIO_CONSOLE_QUEUE_SIZE];
  readonly features: bigint;
  readonly stats: VirtioConsoleStats = { bytesIn: 0, bytesOut: 0, inputDropped: 0, rxChains: 0, txChains: 0 };

  private readonly size: (() => ConsoleSize) | undefined;
  private readonly inputLimit: number;
  /** Input not yet delivered, oldest first; `pendingHead` bytes of the first chunk are already gone. */
  private pending: Uint8Array[] = [];
  private pendingHead = 0;
  private pendingBytes = 0;
  private ctx: VirtioActivation | undefined;
  private sizeNegotiated = false;

  constructor(
    private readonly backend: ConsoleBackend,
    options: VirtioConsoleOptions = {},
  ) {
    this.size = options.size;
    this.inputLimit = options.inputLimitBytes ?? VIRTIO_CONSOLE_INPUT_LIMIT;
    this.features = this.size !== undefined ? 1n << VIRTIO_CONSOLE_F_SIZE : 0n;
    backend.onInput((bytes) => this.receive(bytes));
  }

  /** Input bytes waiting for receive buffers. */
  get pendingInput(): number {
    return this.pendingBytes;
  }

  readConfig(offset: number, data: Uint8Array): boolean {
    if (offset < 0 || offset + data.length > CONFIG_BYTES) return false;
    const cfg = new Uint8Array(CONFIG_BYTES);
    const dv = new DataView(cfg.buffer);
    const size = this.size?.();
    if (size !== undefined) {
      dv.setUint16(CFG_COLS, clampU16(size.cols), true);
      dv.setUint16(CFG_ROWS, clampU16(size.rows), true);
    }
    // Meaningful only under MULTIPORT; without it there is exactly one port.
    dv.setUint32(CFG_MAX_NR_PORTS, 1, true);
    data.set(cfg.subarray(offset, offset + data.length));
    return true;
  }

  /** emerg_wr is the only writable field, and only under EMERG_WRITE, which is not offered. */
  writeConfig(): boolean {
    return false;
  }

  activate(ctx: VirtioActivation): void {
    this.ctx = ctx;
    this.sizeNegotiated = (ctx.features & (1n << VIRTIO_CONSOLE_F_SIZE)) !== 0n;
    // Buffers may have been posted before DRIVER_OK, with input already waiting for them.
    this.deliver();
  }

  queueNotify(queueIndex: number): void {
    if (queueIndex === VIRTIO_CONSOLE_RECEIVEQ) this.deliver();
    else if (queueIndex === VIRTIO_CONSOLE_TRANSMITQ) this.transmit();
  }

  /** The terminal was resized: the driver rereads cols/rows (a no-op unless SIZE was negotiated). */
  configChanged(): void {
    if (this.sizeNegotiated) this.ctx?.configChanged();
  }

  /** Buffered input survives a reset: it was typed for the guest, whichever driver instance reads it. */
  reset(): void {
    this.ctx = undefined;
    this.sizeNegotiated = false;
  }

  private receive(bytes: Uint8Array): void {
    const room = Math.max(0, this.inputLimit - this.pendingBytes);
    const kept = Math.min(room, bytes.length);
    this.stats.inputDropped += bytes.length - kept;
    if (kept === 0) return;
    // Copy: the backend may reuse its buffer once the callback returns.
    this.pending.push(bytes.slice(0, kept));
    this.pendingBytes += kept;
    this.deliver();
  }

  /** Copy pending input into posted receive buffers; one interrupt for the batch. */
  private deliver(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[VIRTIO_CONSOLE_RECEIVEQ];
    if (ctx === undefined || queue === undefined) return;
    let used = 0;
    while (this.pendingBytes > 0) {
      const chain = queue.pop();
      if (chain === undefined) break;
      // The driver posts only writable buffers (5.3.6.1); readable segments are skipped.
      let written = 0;
      for (const segment of chain.segments) {
        if (this.pendingBytes === 0) break;
        if (segment.writable) written += this.takeInput(segment.view);
      }
      queue.addUsed(chain, written);
      this.stats.bytesIn += written;
      used++;
    }
    this.stats.rxChains += used;
    // With input still waiting, every posted buffer was taken, so the driver's next one kicks us.
    queue.setNotify(true);
    if (used > 0 && queue.shouldInterrupt()) ctx.notify(VIRTIO_CONSOLE_RECEIVEQ);
  }

  /** Move as much pending input as fits into `dest`; returns the byte count. */
  private takeInput(dest: Uint8Array): number {
    let at = 0;
    while (at < dest.length && this.pending.length > 0) {
      const chunk = this.pending[0]!;
      const n = Math.min(dest.length - at, chunk.length - this.pendingHead);
      dest.set(chunk.subarray(this.pendingHead, this.pendingHead + n), at);
      at += n;
      this.pendingHead += n;
      if (this.pendingHead === chunk.length) {
        this.pending.shift();
        this.pendingHead = 0;
      }
    }
    this.pendingBytes -= at;
    return at;
  }

  /** Hand every transmitted chain's readable bytes to the backend, in order, in one write. */
  private transmit(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[VIRTIO_CONSOLE_TRANSMITQ];
    if (ctx === undefined || queue === undefined) return;
    // Views of guest RAM stay valid through the drain (nothing runs the guest meanwhile);
    // they are copied once, below, before the backend sees them.
    const views: Uint8Array[] = [];
    let total = 0;
    let used = 0;
    for (const chain of queue.chains()) {
      for (const segment of chain.segments) {
        if (segment.writable || segment.view.length === 0) continue;
        views.push(segment.view);
        total += segment.view.length;
      }
      queue.addUsed(chain, 0);
      used++;
    }
    this.stats.txChains += used;
    this.stats.bytesOut += total;
    queue.setNotify(true);
    if (total > 0) this.backend.write(concat(views, total));
    if (used > 0 && queue.shouldInterrupt()) ctx.notify(VIRTIO_CONSOLE_TRANSMITQ);
  }
}

function clampU16(n: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 0), 0xffff) : 0;
}

/** One fresh copy of all the views, in order. */
function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!.slice();
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}
