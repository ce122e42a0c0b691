// console.ts — VirtioConsole, the virtio console (virtio 1.2, 5.3), one port: transmitq to the ConsoleBackend, host input into the receiveq.
//
// Queues: receiveq0 (0), transmitq0 (1) and, under MULTIPORT, the control receiveq (2) and
// control transmitq (3). Output is served inside the QueueNotify exit, every chain of a drain
// copied out and handed to the backend in one write (copied, because a backend such as stdout
// may hold on to the bytes after write() returns).
//
// Input arrives whenever the host has some, usually outside any exit (the backend's onInput
// callback runs from the host event loop between VCPU slices). It is held until the port is
// connected and the driver has posted receive buffers, then copied in; ctx.notify raises the IRQ
// line, which wakes an idle VM. A receive buffer is popped only when there is input for it: the
// Wasm queue cannot give a chain back, and Linux keeps its whole receiveq posted all the time.
//
// "Connected" is why MULTIPORT is offered although there is one port: Linux posts its receive
// buffers before it marks the port connected and discards whatever lands in between, so input
// that was waiting at boot would be lost. Under MULTIPORT the driver says PORT_OPEN when the port
// is ready (console-control.ts), and only then does input flow. A driver without MULTIPORT gets
// the single-port device, connected from DRIVER_OK on.
import type { ConsoleBackend } from "../../backends/console.js";
import {
  decodeControl, encodeControl, VIRTIO_CONSOLE_CONSOLE_PORT, VIRTIO_CONSOLE_DEVICE_ADD, VIRTIO_CONSOLE_DEVICE_READY,
  VIRTIO_CONSOLE_PORT_OPEN, VIRTIO_CONSOLE_PORT_READY, VIRTIO_CONSOLE_RESIZE, type ControlMessage,
} from "./console-control.js";
import { VIRTIO_ID_CONSOLE, type VirtioActivation, type VirtioDevice } from "./device.js";
import { DeviceStateError, StateReader, type DeviceState } from "../device-state.js";

/** Feature bits (virtio 1.2, 5.3.3). EMERG_WRITE (2) is not offered. */
export const VIRTIO_CONSOLE_F_SIZE = 0n;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1n;

export const VIRTIO_CONSOLE_RECEIVEQ = 0;
export const VIRTIO_CONSOLE_TRANSMITQ = 1;
export const VIRTIO_CONSOLE_CONTROL_RECEIVEQ = 2;
export const VIRTIO_CONSOLE_CONTROL_TRANSMITQ = 3;
/** Control messages are a few bytes; a driver's control queue of 32 buffers is plenty. */
export const VIRTIO_CONSOLE_CONTROL_QUEUE_SIZE = 32;
/** Bytes of a driver's control message read at most (the 8-byte header is all we use). */
const CONTROL_READ_LIMIT = 64;
/** Linux fills the whole receiveq with page-sized buffers: 64 of them is 256 KiB of guest RAM. */
export const VIRTIO_CONSOLE_QUEUE_SIZE = 64;
/** Host input held while the guest posts no buffers; beyond it, new input is dropped (a full FIFO). */
export const VIRTIO_CONSOLE_INPUT_LIMIT = 1 << 20;

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
  /** Control messages received from the driver, and ones ignored (malformed, unknown port or event). */
  controlIn: number;
  controlIgnored: number;
  /** Receive and transmit chains returned to the driver. */
  rxChains: number;
  txChains: number;
}

export class VirtioConsole implements VirtioDevice {
  readonly name = "console";
  readonly deviceType = VIRTIO_ID_CONSOLE;
  readonly queueMaxSizes = [
    VIRTIO_CONSOLE_QUEUE_SIZE, VIRTIO_CONSOLE_QUEUE_SIZE, VIRTIO_CONSOLE_CONTROL_QUEUE_SIZE, VIRTIO_CONSOLE_CONTROL_QUEUE_SIZE,
  ];
  readonly features: bigint;
  readonly stats: VirtioConsoleStats = {
    bytesIn: 0, bytesOut: 0, inputDropped: 0, rxChains: 0, txChains: 0, controlIn: 0, controlIgnored: 0,
  };

  private readonly size: (() => ConsoleSize) | undefined;
  private readonly inputLimit: number;
  /** Input not yet delivered, oldest first; `pendingHead` bytes of the first chunk are already gone. */
  private pending: Uint8Array[] = [];
  private pendingHead = 0;
  private pendingBytes = 0;
  private ctx: VirtioActivation | undefined;
  private sizeNegotiated = false;
  private multiport = false;
  /** The driver has the port ready for input (DRIVER_OK without MULTIPORT; PORT_OPEN with it). */
  private connected = false;
  /** Control messages waiting for the driver's control receive buffers. */
  private controlOut: Uint8Array[] = [];

  constructor(
    private readonly backend: ConsoleBackend,
    options: VirtioConsoleOptions = {},
  ) {
    this.size = options.size;
    this.inputLimit = options.inputLimitBytes ?? VIRTIO_CONSOLE_INPUT_LIMIT;
    this.features = (1n << VIRTIO_CONSOLE_F_MULTIPORT) | (this.size !== undefined ? 1n << VIRTIO_CONSOLE_F_SIZE : 0n);
    backend.onInput((bytes) => this.receive(bytes), this);
  }

  /** Input bytes waiting for receive buffers. */
  get pendingInputBytes(): number {
    return this.pendingBytes;
  }

  /** Whether the driver has the port ready for input. */
  get portConnected(): boolean {
    return this.connected;
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
    this.multiport = (ctx.features & (1n << VIRTIO_CONSOLE_F_MULTIPORT)) !== 0n;
    // Without MULTIPORT nothing will say when the port opens: it is open now. Buffers may have
    // been posted before DRIVER_OK, with input already waiting for them.
    this.connected = !this.multiport;
    if (this.multiport) this.serveControl();
    this.deliver();
  }

  queueNotify(queueIndex: number): void {
    if (queueIndex === VIRTIO_CONSOLE_RECEIVEQ) this.deliver();
    else if (queueIndex === VIRTIO_CONSOLE_TRANSMITQ) this.transmit();
    else if (this.multiport && (queueIndex === VIRTIO_CONSOLE_CONTROL_RECEIVEQ || queueIndex === VIRTIO_CONSOLE_CONTROL_TRANSMITQ)) {
      this.serveControl();
    }
  }

  /**
   * The terminal was resized: under MULTIPORT a RESIZE message for the console port; otherwise
   * the driver rereads cols/rows after a config interrupt (only if it took SIZE).
   */
  configChanged(): void {
    const size = this.size?.();
    if (this.multiport) {
      if (this.connected && size !== undefined) this.sendControl({ id: 0, event: VIRTIO_CONSOLE_RESIZE, value: 0 }, size);
    } else if (this.sizeNegotiated) {
      this.ctx?.configChanged();
    }
  }

  /** Buffered input survives a reset: it was typed for the guest, whichever driver instance reads it. */
  reset(): void {
    this.ctx = undefined;
    this.sizeNegotiated = false;
    this.multiport = false;
    this.connected = false;
    this.controlOut = [];
  }

  /** Snapshot: input not yet delivered, the port's connection and control messages not yet sent. */
  saveState(): DeviceState {
    const input = new Uint8Array(this.pendingBytes);
    let at = 0;
    this.pending.forEach((chunk, i) => {
      const part = i === 0 ? chunk.subarray(this.pendingHead) : chunk;
      input.set(part, at);
      at += part.length;
    });
    return {
      input, multiport: this.multiport, connected: this.connected, sizeNegotiated: this.sizeNegotiated,
      controlOut: this.controlOut.map((m) => m.slice()),
    };
  }

  /** Install a saved state (after the transport has reactivated the device, if it was active). */
  loadState(state: DeviceState): void {
    const r = new StateReader(state, "virtio-console");
    const input = r.bytes("input", this.inputLimit).slice();
    this.pending = input.length > 0 ? [input] : [];
    this.pendingHead = 0;
    this.pendingBytes = input.length;
    this.multiport = r.bool("multiport");
    this.connected = r.bool("connected");
    this.sizeNegotiated = r.bool("sizeNegotiated");
    this.controlOut = r.list("controlOut", 64).map((m, i) => {
      if (!(m instanceof Uint8Array) || m.length > 64) throw new DeviceStateError(`virtio-console: controlOut[${i}] is malformed`);
      return m.slice();
    });
  }

  /** Read the driver's control messages, answer them, and hand out the messages waiting for it. */
  private serveControl(): void {
    const queue = this.ctx?.queues[VIRTIO_CONSOLE_CONTROL_TRANSMITQ];
    if (queue !== undefined) {
      let used = 0;
      for (const chain of queue.chains()) {
        this.handleControl(decodeControl(readable(chain.segments, CONTROL_READ_LIMIT)));
        queue.addUsed(chain, 0);
        used++;
      }
      queue.setNotify(true); // with EVENT_IDX: kick me for the next message (Linux waits for each one)
      if (used > 0 && queue.shouldInterrupt()) this.ctx?.notify(VIRTIO_CONSOLE_CONTROL_TRANSMITQ);
    }
    this.flushControl();
    this.deliver();
  }

  /** The handshake: DEVICE_READY → DEVICE_ADD port 0; PORT_READY → CONSOLE_PORT (+ RESIZE) and PORT_OPEN; PORT_OPEN → connected. */
  private handleControl(msg: ControlMessage | undefined): void {
    this.stats.controlIn++;
    if (msg === undefined) {
      this.stats.controlIgnored++;
      return;
    }
    if (msg.event === VIRTIO_CONSOLE_DEVICE_READY) {
      if (msg.value === 1) this.queueControl({ id: 0, event: VIRTIO_CONSOLE_DEVICE_ADD, value: 1 });
      return;
    }
    if (msg.id !== 0) {
      this.stats.controlIgnored++; // there is only port 0
      return;
    }
    switch (msg.event) {
      case VIRTIO_CONSOLE_PORT_READY: {
        if (msg.value !== 1) return; // the driver could not add the port
        this.queueControl({ id: 0, event: VIRTIO_CONSOLE_CONSOLE_PORT, value: 1 });
        const size = this.size?.();
        if (size !== undefined) this.queueControl({ id: 0, event: VIRTIO_CONSOLE_RESIZE, value: 0 }, size);
        this.queueControl({ id: 0, event: VIRTIO_CONSOLE_PORT_OPEN, value: 1 }); // the host end is connected
        return;
      }
      case VIRTIO_CONSOLE_PORT_OPEN:
        this.connected = msg.value === 1;
        return;
      default:
        this.stats.controlIgnored++;
    }
  }

  private queueControl(msg: ControlMessage, size?: { cols: number; rows: number }): void {
    this.controlOut.push(encodeControl(msg, size === undefined ? undefined : { cols: clampU16(size.cols), rows: clampU16(size.rows) }));
  }

  private sendControl(msg: ControlMessage, size?: { cols: number; rows: number }): void {
    this.queueControl(msg, size);
    this.flushControl();
  }

  /** One control message per posted control buffer, in order; one interrupt for the batch. */
  private flushControl(): void {
    const queue = this.ctx?.queues[VIRTIO_CONSOLE_CONTROL_RECEIVEQ];
    if (queue === undefined) return;
    let used = 0;
    while (this.controlOut.length > 0) {
      const chain = queue.pop();
      if (chain === undefined) break;
      const msg = this.controlOut[0]!;
      if (chain.writableBytes >= msg.length) {
        this.controlOut.shift();
        let at = 0;
        for (const segment of chain.segments) {
          if (!segment.writable || at === msg.length) continue;
          const n = Math.min(segment.view.length, msg.length - at);
          segment.view.set(msg.subarray(at, at + n));
          at += n;
        }
        queue.addUsed(chain, msg.length);
      } else {
        queue.addUsed(chain, 0); // too small for the message: returned empty, the message waits
      }
      used++;
    }
    queue.setNotify(true);
    if (used > 0 && queue.shouldInterrupt()) this.ctx?.notify(VIRTIO_CONSOLE_CONTROL_RECEIVEQ);
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

  /** Copy pending input into posted receive buffers, once the port is connected; one interrupt for the batch. */
  private deliver(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[VIRTIO_CONSOLE_RECEIVEQ];
    if (ctx === undefined || queue === undefined || !this.connected) return;
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

/** The first `limit` readable bytes of a chain (a copy). */
function readable(segments: readonly { view: Uint8Array; writable: boolean }[], limit: number): Uint8Array {
  const out = new Uint8Array(limit);
  let at = 0;
  for (const s of segments) {
    if (s.writable || at === limit) continue;
    const n = Math.min(s.view.length, limit - at);
    out.set(s.view.subarray(0, n), at);
    at += n;
  }
  return out.subarray(0, at);
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
