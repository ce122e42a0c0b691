// console.test.ts — virtio-console at register level: transmitted bytes reach the backend, host input lands in posted receive buffers (held until the port is connected and there are some), cols/rows, and the MULTIPORT control handshake.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BufferConsole, type ConsoleBackend } from "../../../host/backends/console.js";
import {
  VIRTIO_CONSOLE_F_MULTIPORT, VIRTIO_CONSOLE_F_SIZE, VIRTIO_CONSOLE_QUEUE_SIZE, VirtioConsole, type ConsoleSize,
  type VirtioConsoleOptions,
} from "../../../host/devices/virtio/console.js";
import {
  decodeControl, encodeControl, VIRTIO_CONSOLE_CONSOLE_PORT, VIRTIO_CONSOLE_DEVICE_ADD, VIRTIO_CONSOLE_DEVICE_READY,
  VIRTIO_CONSOLE_PORT_OPEN, VIRTIO_CONSOLE_PORT_READY, VIRTIO_CONSOLE_RESIZE, type ControlMessage,
} from "../../../host/devices/virtio/console-control.js";
import { VirtioMmioTransport } from "../../../host/devices/virtio/mmio.js";
import * as R from "../../../host/devices/virtio/mmio-regs.js";
import { QueueSlots } from "../../../host/devices/virtio/queue.js";
import type { Vcpu } from "../../../host/core/vcpu.js";
import { MockSplitQueue, type Segment } from "../../support/mock-split-queue.js";
import { newVcpu } from "../../support/core.js";
import { describeVirtioDevice } from "../../support/virtio-conformance.js";
import { FakeIrq, MmioDriver } from "../../support/virtio-mmio-driver.js";

const VERSION_1 = 1n << 32n;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

let vcpu: Vcpu;
beforeAll(async () => {
  vcpu = await newVcpu(16 << 20);
});

let backend: BufferConsole;
let size: ConsoleSize;
let dev: VirtioConsole;
let irq: FakeIrq;
let transport: VirtioMmioTransport;
let drv: MmioDriver;
let rx: MockSplitQueue;
let tx: MockSplitQueue;
let cin: MockSplitQueue;
let cout: MockSplitQueue;

function build(options: VirtioConsoleOptions = { size: () => size }, b: ConsoleBackend = backend): void {
  dev = new VirtioConsole(b, options);
  irq = new FakeIrq();
  transport = new VirtioMmioTransport(dev, { host: vcpu, slots: new QueueSlots(), irq, baseGpa: 0x1000_1000n });
  drv = new MmioDriver(transport);
  freshQueues();
}

/** The driver's side of every queue, as after a (re)initialisation: empty rings. */
function freshQueues(): void {
  const at = (mib: bigint): bigint => vcpu.guest.base + mib * 0x10_0000n;
  vcpu.guest.fill(at(1n), 4 << 20, 0);
  rx = new MockSplitQueue(vcpu.guest, { size: VIRTIO_CONSOLE_QUEUE_SIZE, baseGpa: at(1n) });
  tx = new MockSplitQueue(vcpu.guest, { size: VIRTIO_CONSOLE_QUEUE_SIZE, baseGpa: at(2n) });
  cin = new MockSplitQueue(vcpu.guest, { size: 32, baseGpa: at(3n) });
  cout = new MockSplitQueue(vcpu.guest, { size: 32, baseGpa: at(4n) });
}

const MULTIPORT = 1n << VIRTIO_CONSOLE_F_MULTIPORT;

/** A driver without MULTIPORT (the single-port device, connected from DRIVER_OK). */
function init(options: Parameters<MmioDriver["init"]>[0] = {}): void {
  drv.init({ features: transport.offeredFeatures & ~MULTIPORT, ...options });
}

beforeEach(() => {
  backend = new BufferConsole();
  size = { cols: 80, rows: 24 };
  build();
});

/** A readable buffer holding `text`. */
function out(text: string): Segment {
  const bytes = enc(text);
  const seg = tx.buffer(bytes.length, false);
  vcpu.guest.write(seg.gpa, bytes);
  return seg;
}

function config16(offset: number): number {
  const data = new Uint8Array(2);
  expect(transport.read(R.VIRTIO_MMIO_CONFIG + offset, data)).toBe(true);
  return data[0]! | (data[1]! << 8);
}

describe("VirtioConsole: identity and config", () => {
  it("is device type 3 with receiveq0, transmitq0 and the two control queues, offering MULTIPORT and SIZE (SIZE only with a size)", () => {
    expect([dev.deviceType, dev.queueMaxSizes, dev.features]).toEqual([3, [64, 64, 32, 32], MULTIPORT | (1n << VIRTIO_CONSOLE_F_SIZE)]);
    expect(new VirtioConsole(new BufferConsole()).features).toBe(MULTIPORT);
  });

  it("reports cols and rows from the size callback, live, as Linux's 16-bit reads see them", () => {
    init({ queues: [rx, tx] });
    expect([config16(0), config16(2)]).toEqual([80, 24]);
    size = { cols: 132, rows: 43 };
    expect([config16(0), config16(2)]).toEqual([132, 43]);
    size = { cols: 1e6, rows: -5 };
    expect([config16(0), config16(2)]).toEqual([0xffff, 0]);
    expect(transport.read(R.VIRTIO_MMIO_CONFIG + 12, new Uint8Array(4))).toBe(false);
    expect(transport.write(R.VIRTIO_MMIO_CONFIG + 8, new Uint8Array(4))).toBe(false);
  });

  it("configChanged() bumps ConfigGeneration and sends a config interrupt once SIZE is negotiated", () => {
    init({ queues: [rx, tx] });
    const gen = drv.read32(R.VIRTIO_MMIO_CONFIG_GENERATION);
    size = { cols: 100, rows: 30 };
    dev.configChanged();
    expect(drv.read32(R.VIRTIO_MMIO_CONFIG_GENERATION)).toBe(gen + 1);
    expect(drv.ackInterrupt()).toBe(R.VIRTIO_MMIO_INT_CONFIG);
    expect([config16(0), config16(2)]).toEqual([100, 30]);
  });

  it("configChanged() is a no-op when the driver did not take SIZE, or before activation", () => {
    dev.configChanged();
    drv.init({ features: VERSION_1, queues: [rx, tx] });
    dev.configChanged();
    expect(irq.levels).toEqual([]);
  });
});

describe("VirtioConsole: transmit", () => {
  beforeEach(() => {
    init({ queues: [rx, tx] });
  });

  it("writes every chain's readable bytes to the backend in order, with used length 0 and one interrupt", () => {
    const heads = [tx.addChain([out("hello, ")]), tx.addChain([out("wor"), out("ld")]), tx.addChain([out("\n")], { indirect: true })];
    tx.publish();
    drv.notify(1);
    expect(backend.text()).toBe("hello, world\n");
    expect(tx.takeUsed()).toEqual(heads.map((id) => ({ id, len: 0 })));
    expect(irq.levels).toEqual([true]);
    expect(dev.stats).toMatchObject({ bytesOut: 13, txChains: 3 });
  });

  it("hands the backend a copy, not a view of guest RAM", () => {
    const written: Uint8Array[] = [];
    build({}, { write: (b) => written.push(b), onInput: () => {} });
    init({ queues: [rx, tx] });
    const seg = out("abc");
    tx.addChain([seg]);
    tx.publish();
    drv.notify(1);
    vcpu.guest.write(seg.gpa, enc("xyz"));
    expect(written.map(dec)).toEqual(["abc"]);
    expect(written[0]!.buffer).not.toBe(vcpu.guest.memory.buffer);
  });

  it("skips writable segments and serves an empty notify without an interrupt", () => {
    drv.notify(1);
    expect(irq.levels).toEqual([]);
    tx.addChain([out("ok"), tx.buffer(8, true)]);
    tx.publish();
    drv.notify(1);
    expect(backend.text()).toBe("ok");
  });
});

describe("VirtioConsole: receive", () => {
  it("delivers input into posted buffers in order, splitting across them, with one interrupt", () => {
    init({ queues: [rx, tx] });
    const bufs = [rx.buffer(4, true), rx.buffer(4, true), rx.buffer(4, true)];
    const heads = bufs.map((b) => rx.addChain([b]));
    rx.publish();
    drv.notify(0);
    // Buffers posted, no input yet: nothing used.
    expect(rx.usedIdx).toBe(0);
    expect(irq.levels).toEqual([]);

    backend.push("hello!");
    expect(rx.takeUsed()).toEqual([{ id: heads[0], len: 4 }, { id: heads[1], len: 2 }]);
    expect(dec(vcpu.guest.read(bufs[0]!.gpa, 4))).toBe("hell");
    expect(dec(vcpu.guest.read(bufs[1]!.gpa, 2))).toBe("o!");
    expect(irq.levels).toEqual([true]);
    expect(transport.stats.usedNotifications).toBe(1);

    drv.ackInterrupt();
    rx.usedEvent = 2; // as Linux's virtqueue_enable_cb after consuming both (EVENT_IDX)
    backend.push("x");
    expect(rx.takeUsed()).toEqual([{ id: heads[2], len: 1 }]);
    expect(irq.levels).toEqual([true, false, true]);
    expect(dev.stats).toMatchObject({ bytesIn: 7, rxChains: 3 });
  });

  it("fills a chain's writable segments in order", () => {
    init({ queues: [rx, tx] });
    const segs = [rx.buffer(2, true), rx.buffer(3, true)];
    rx.addChain(segs);
    rx.publish();
    drv.notify(0);
    backend.push("abcd");
    expect(rx.takeUsed()[0]!.len).toBe(4);
    expect(dec(vcpu.guest.read(segs[0]!.gpa, 2)) + dec(vcpu.guest.read(segs[1]!.gpa, 2))).toBe("abcd");
  });

  it("buffers input until the driver posts buffers, then delivers it on the notify", () => {
    backend.push("typed early ");
    init({ queues: [rx, tx] });
    backend.push("and late");
    expect(dev.pendingInputBytes).toBe(20);
    expect(irq.levels).toEqual([]);

    const buf = rx.buffer(64, true);
    const head = rx.addChain([buf]);
    rx.publish();
    drv.notify(0);
    expect(rx.takeUsed()).toEqual([{ id: head, len: 20 }]);
    expect(dec(vcpu.guest.read(buf.gpa, 20))).toBe("typed early and late");
    expect(dev.pendingInputBytes).toBe(0);
    expect(irq.levels).toEqual([true]);
  });

  it("delivers input waiting since before DRIVER_OK into buffers posted before DRIVER_OK, at activation", () => {
    backend.push("boot");
    init({ queues: [rx, tx], skipDriverOk: true });
    const buf = rx.buffer(16, true);
    rx.addChain([buf]);
    rx.publish();
    drv.notify(0); // ignored: not DRIVER_OK yet
    expect(rx.usedIdx).toBe(0);
    drv.addStatus(4);
    expect(rx.takeUsed()[0]!.len).toBe(4);
    expect(dec(vcpu.guest.read(buf.gpa, 4))).toBe("boot");
  });

  it("keeps buffered input across a reset, and drops input beyond the limit", () => {
    build({ inputLimitBytes: 8 });
    init({ queues: [rx, tx] });
    backend.push("0123456789");
    expect([dev.pendingInputBytes, dev.stats.inputDropped]).toEqual([8, 2]);
    drv.status = 0;
    init({ queues: [rx, tx] });
    const buf = rx.buffer(16, true);
    rx.addChain([buf]);
    rx.publish();
    drv.notify(0);
    expect(dec(vcpu.guest.read(buf.gpa, 8))).toBe("01234567");
  });

  it("copies the backend's input buffer (it may be reused after the callback)", () => {
    let deliver: (b: Uint8Array) => void = () => {};
    build({}, { write: () => {}, onInput: (cb) => (deliver = cb) });
    init({ queues: [rx, tx] });
    const reused = enc("ab");
    deliver(reused);
    reused.set(enc("zz"));
    const buf = rx.buffer(4, true);
    rx.addChain([buf]);
    rx.publish();
    drv.notify(0);
    expect(dec(vcpu.guest.read(buf.gpa, 2))).toBe("ab");
  });
});

describe("VirtioConsole: MULTIPORT, the port connects before input flows", () => {
  /** Post `n` control receive buffers of `bytes` each. */
  function postControlBuffers(n: number, bytes = 64): void {
    for (let i = 0; i < n; i++) cin.addChain([cin.buffer(bytes, true)]);
    cin.publish();
    drv.notify(2);
  }
  /** The driver sends one control message on the control transmitq. */
  function send(msg: ControlMessage): void {
    const seg = cout.buffer(8, false);
    vcpu.guest.write(seg.gpa, encodeControl(msg));
    cout.addChain([seg]);
    cout.publish();
    drv.notify(3);
  }
  /** Control messages the device has put in the control receive buffers since the last call. */
  function received(): ControlMessage[] {
    return cin.takeUsed().filter((u) => u.len > 0).map((u) => {
      const desc = cin.readDesc(u.id);
      return decodeControl(vcpu.guest.read(desc.addr, u.len))!;
    });
  }
  /** Linux's probe and add_port: DEVICE_READY, then PORT_READY for port 0, then PORT_OPEN. */
  function handshake(): void {
    drv.init({ queues: [rx, tx, cin, cout] });
    postControlBuffers(8);
    send({ id: 0xffff_ffff, event: VIRTIO_CONSOLE_DEVICE_READY, value: 1 });
    send({ id: 0, event: VIRTIO_CONSOLE_PORT_READY, value: 1 });
  }
  const postRx = (bytes = 64): bigint => {
    const buf = rx.buffer(bytes, true);
    rx.addChain([buf]);
    rx.publish();
    drv.notify(0);
    return buf.gpa;
  };

  it("answers DEVICE_READY with DEVICE_ADD, and PORT_READY with CONSOLE_PORT, the size and the host's PORT_OPEN", () => {
    drv.init({ queues: [rx, tx, cin, cout] });
    postControlBuffers(8);
    send({ id: 0xffff_ffff, event: VIRTIO_CONSOLE_DEVICE_READY, value: 1 });
    expect(received()).toEqual([{ id: 0, event: VIRTIO_CONSOLE_DEVICE_ADD, value: 1 }]);
    expect(cout.takeUsed()).toHaveLength(1); // Linux spins until each control message is used
    send({ id: 0, event: VIRTIO_CONSOLE_PORT_READY, value: 1 });
    expect(received()).toEqual([
      { id: 0, event: VIRTIO_CONSOLE_CONSOLE_PORT, value: 1 },
      { id: 0, event: VIRTIO_CONSOLE_RESIZE, value: 0 },
      { id: 0, event: VIRTIO_CONSOLE_PORT_OPEN, value: 1 },
    ]);
    expect(cout.availEvent).toBe(cout.usedIdx); // EVENT_IDX: the next message is kicked
  });

  it("holds input, buffers posted or not, until the driver says PORT_OPEN; then delivers it; PORT_OPEN 0 holds again", () => {
    backend.push("typed at boot");
    handshake();
    const gpa = postRx();
    expect(rx.usedIdx).toBe(0); // posted, but the port is not open: Linux would discard the data
    expect(dev.portConnected).toBe(false);
    send({ id: 0, event: VIRTIO_CONSOLE_PORT_OPEN, value: 1 });
    expect(dev.portConnected).toBe(true);
    expect(rx.takeUsed()[0]!.len).toBe(13);
    expect(dec(vcpu.guest.read(gpa, 13))).toBe("typed at boot");
    send({ id: 0, event: VIRTIO_CONSOLE_PORT_OPEN, value: 0 });
    backend.push("later");
    postRx();
    expect(rx.usedIdx).toBe(1);
    expect(dev.pendingInputBytes).toBe(5);
  });

  it("sends RESIZE for a resized terminal once the port is connected", () => {
    handshake();
    received();
    size = { cols: 100, rows: 30 };
    dev.configChanged();
    expect(received()).toEqual([]);
    send({ id: 0, event: VIRTIO_CONSOLE_PORT_OPEN, value: 1 });
    dev.configChanged();
    const [u] = cin.takeUsed();
    const bytes = vcpu.guest.read(cin.readDesc(u!.id).addr, u!.len);
    expect(decodeControl(bytes)).toEqual({ id: 0, event: VIRTIO_CONSOLE_RESIZE, value: 0 });
    expect([bytes[8]! | (bytes[9]! << 8), bytes[10]! | (bytes[11]! << 8)]).toEqual([100, 30]);
  });

  it("ignores malformed and unknown control messages, returns a too-small control buffer empty and keeps the message", () => {
    drv.init({ queues: [rx, tx, cin, cout] });
    const short = cout.buffer(4, false);
    cout.addChain([short]);
    cout.publish();
    drv.notify(3);
    send({ id: 7, event: VIRTIO_CONSOLE_PORT_OPEN, value: 1 });
    send({ id: 0, event: 99, value: 1 });
    expect(dev.stats).toMatchObject({ controlIn: 3, controlIgnored: 3 });
    expect(dev.portConnected).toBe(false);
    send({ id: 0xffff_ffff, event: VIRTIO_CONSOLE_DEVICE_READY, value: 1 });
    postControlBuffers(1, 4);
    expect(cin.takeUsed()).toEqual([expect.objectContaining({ len: 0 })]);
    postControlBuffers(1);
    expect(received()).toEqual([{ id: 0, event: VIRTIO_CONSOLE_DEVICE_ADD, value: 1 }]);
  });

  it("forgets the connection on reset, keeping the input", () => {
    handshake();
    send({ id: 0, event: VIRTIO_CONSOLE_PORT_OPEN, value: 1 });
    drv.status = 0;
    backend.push("kept");
    freshQueues();
    handshake();
    postRx();
    expect(rx.usedIdx).toBe(0);
    send({ id: 0, event: VIRTIO_CONSOLE_PORT_OPEN, value: 1 });
    expect(rx.takeUsed()[0]!.len).toBe(4);
  });
});

describeVirtioDevice("VirtioConsole", () => new VirtioConsole(new BufferConsole(), { size: () => ({ cols: 80, rows: 25 }) }), {
  // The receiveq and the control receiveq are popped only when there is something to put in them.
  queuesPoppedOnNotify: [1, 3],
});
