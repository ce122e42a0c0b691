// mmio.test.ts — the virtio-mmio transport, register by register against virtio 1.2 4.2 and the status rules of 2.1/2.2/3.1.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  STATUS_ACKNOWLEDGE as ACK, STATUS_DEVICE_NEEDS_RESET as NEEDS_RESET, STATUS_DRIVER as DRIVER,
  STATUS_DRIVER_OK as DRIVER_OK, STATUS_FAILED as FAILED, STATUS_FEATURES_OK as FEATURES_OK,
  type VirtioActivation, type VirtioDevice,
} from "../../../host/devices/virtio/device.js";
import { VirtioMmioTransport } from "../../../host/devices/virtio/mmio.js";
import * as R from "../../../host/devices/virtio/mmio-regs.js";
import { QueueSlots } from "../../../host/devices/virtio/queue.js";
import type { Vcpu } from "../../../host/core/vcpu.js";
import { MockSplitQueue } from "../../support/mock-split-queue.js";
import { newVcpu } from "../../support/core.js";
import { FakeIrq, MmioDriver } from "../../support/virtio-mmio-driver.js";

/** Two queues, a 16-byte config space, features in three words; records what the transport did. */
class TestDevice implements VirtioDevice {
  readonly name = "test";
  readonly deviceType = 42;
  readonly queueMaxSizes = [16, 8];
  readonly features = (1n << 0n) | (1n << 5n) | (1n << 60n) | (1n << 70n);
  readonly config = new Uint8Array(16).map((_, i) => 0xa0 + i);
  ctx: VirtioActivation | undefined;
  activations = 0;
  resets = 0;
  notifies: number[] = [];
  throwOnNotify = false;

  readConfig(offset: number, data: Uint8Array): boolean {
    if (offset + data.length > this.config.length) return false;
    data.set(this.config.subarray(offset, offset + data.length));
    return true;
  }
  writeConfig(offset: number, data: Uint8Array): boolean {
    if (offset + data.length > this.config.length) return false;
    this.config.set(data, offset);
    return true;
  }
  activate(ctx: VirtioActivation): void {
    this.ctx = ctx;
    this.activations++;
  }
  /** Uses every chain with its full writable length, then interrupts if asked. */
  queueNotify(i: number): void {
    this.notifies.push(i);
    if (this.throwOnNotify) throw new Error("device bug");
    const q = this.ctx?.queues[i];
    if (!q) return;
    let used = 0;
    for (const chain of q.chains()) {
      q.addUsed(chain, chain.writableBytes);
      used++;
    }
    q.setNotify(true);
    if (used > 0 && q.shouldInterrupt()) this.ctx!.notify(i);
  }
  reset(): void {
    this.ctx = undefined;
    this.resets++;
  }
}

let vcpu: Vcpu;
beforeAll(async () => {
  vcpu = await newVcpu(8 << 20);
});

let dev: TestDevice;
let irq: FakeIrq;
let slots: QueueSlots;
let t: VirtioMmioTransport;
let drv: MmioDriver;
let logged: string[];
let q0: MockSplitQueue;
let q1: MockSplitQueue;

beforeEach(() => {
  dev = new TestDevice();
  irq = new FakeIrq(3);
  slots = new QueueSlots();
  logged = [];
  t = new VirtioMmioTransport(dev, { host: vcpu, slots, irq, baseGpa: 0x1000_1000n, log: (m) => logged.push(m) });
  drv = new MmioDriver(t);
  q0 = new MockSplitQueue(vcpu.guest, { size: 16, baseGpa: vcpu.guest.base + 0x10_0000n });
  q1 = new MockSplitQueue(vcpu.guest, { size: 8, baseGpa: vcpu.guest.base + 0x20_0000n });
});

const bytes = (n: number) => new Uint8Array(n);

/** Post one writable buffer on `mq` and publish it. */
function post(mq: MockSplitQueue, len = 8): number {
  const head = mq.addChain([mq.buffer(len, true)]);
  mq.publish();
  return head;
}

describe("VirtioMmioTransport: identity and feature windows", () => {
  it("reads magic, version 2, device and vendor IDs; names registers; exposes devicetree facts", () => {
    expect(drv.read32(R.VIRTIO_MMIO_MAGIC_VALUE)).toBe(0x74726976);
    expect(drv.read32(R.VIRTIO_MMIO_VERSION)).toBe(2);
    expect(drv.read32(R.VIRTIO_MMIO_DEVICE_ID)).toBe(42);
    expect(drv.read32(R.VIRTIO_MMIO_VENDOR_ID)).toBe(R.WASMVISOR_VENDOR_ID);
    expect(t.registerName(0x50)).toBe("QueueNotify");
    expect(t.registerName(0x70)).toBe("Status");
    expect(t.registerName(0x104)).toBe("Config");
    expect(t.registerName(0x28)).toBeUndefined();
    expect([t.baseGpa, t.irqLine, t.windowBytes]).toEqual([0x1000_1000n, 3, 0x200]);
    expect(t.name).toBe("virtio-test@10001000");
  });

  it("offers the device's features plus VERSION_1, EVENT_IDX and INDIRECT_DESC, 32 bits per DeviceFeaturesSel", () => {
    const sel = (s: number) => {
      drv.write32(R.VIRTIO_MMIO_DEVICE_FEATURES_SEL, s);
      return drv.read32(R.VIRTIO_MMIO_DEVICE_FEATURES);
    };
    expect(sel(0)).toBe(((1 << 0) | (1 << 5) | (1 << 28) | (1 << 29)) >>> 0);
    expect(sel(1)).toBe(((1 << 0) | (1 << 28)) >>> 0); // bit 32 (VERSION_1), bit 60
    expect(sel(2)).toBe(1 << 6); // bit 70
    expect(sel(3)).toBe(0);
    expect(sel(0xffff_ffff)).toBe(0);
    expect(drv.deviceFeatures()).toBe(t.offeredFeatures);
  });

  it("reads absent shared memory regions as all ones and ignores SHMSel", () => {
    expect(drv.write32(R.VIRTIO_MMIO_SHM_SEL, 3)).toBe(true);
    for (const r of [R.VIRTIO_MMIO_SHM_LEN_LOW, R.VIRTIO_MMIO_SHM_LEN_HIGH, R.VIRTIO_MMIO_SHM_BASE_LOW, R.VIRTIO_MMIO_SHM_BASE_HIGH]) {
      expect(drv.read32(r)).toBe(0xffff_ffff);
    }
  });
});

describe("VirtioMmioTransport: initialisation and the status state machine", () => {
  it("runs the full init sequence and activates the device once with the negotiated features and live queues", () => {
    const features = (1n << 32n) | (1n << 29n) | (1n << 5n);
    expect(drv.init({ features, queues: [q0, q1] })).toBe(ACK | DRIVER | FEATURES_OK | DRIVER_OK);
    expect(dev.activations).toBe(1);
    expect(dev.ctx!.features).toBe(features);
    expect(dev.ctx!.queues.map((q) => q?.config.size)).toEqual([16, 8]);
    expect(dev.ctx!.queues[0]!.config.eventIdx).toBe(true);
    expect(dev.ctx!.queues[0]!.config.indirect).toBe(false);
    expect(t.driverFeatures).toBe(features);
    for (const [i, max] of [[0, 16], [1, 8], [2, 0], [0x1_0000, 0]]) {
      drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, i!);
      expect(drv.read32(R.VIRTIO_MMIO_QUEUE_NUM_MAX)).toBe(max);
      expect(drv.read32(R.VIRTIO_MMIO_QUEUE_READY)).toBe(i! < 2 ? 1 : 0);
    }
  });

  it("leaves a queue the driver did not enable out of the activation", () => {
    drv.init({ queues: [q0] });
    expect(dev.ctx!.queues).toEqual([expect.anything(), undefined]);
    drv.notify(1);
    expect(dev.notifies).toEqual([]);
    expect(t.stats.ignoredNotifies).toBe(1);
  });

  it.each([
    ["without VERSION_1", 1n << 5n],
    ["with a feature that was not offered", (1n << 32n) | (1n << 6n)],
    ["with a nonzero word above bit 127", -1n],
  ])("refuses FEATURES_OK %s: it reads back clear", (_what, features) => {
    drv.addStatus(ACK);
    drv.addStatus(DRIVER);
    if (features === -1n) {
      drv.writeDriverFeatures(1n << 32n);
      drv.write32(R.VIRTIO_MMIO_DRIVER_FEATURES_SEL, 5);
      drv.write32(R.VIRTIO_MMIO_DRIVER_FEATURES, 1);
    } else {
      drv.writeDriverFeatures(features);
    }
    expect(drv.addStatus(FEATURES_OK)).toBe(ACK | DRIVER);
    // Asking for DRIVER_OK in the same breath changes nothing.
    drv.status = ACK | DRIVER | FEATURES_OK | DRIVER_OK;
    expect(drv.status).toBe(ACK | DRIVER);
    expect(dev.activations).toBe(0);
    // A driver that falls back to an acceptable set gets through (2.2.2).
    if (features === -1n) drv.status = 0;
    expect(drv.init({ features: 1n << 32n, queues: [q0] })).toBe(ACK | DRIVER | FEATURES_OK | DRIVER_OK);
  });

  it("takes DriverFeatures only between DRIVER and FEATURES_OK", () => {
    drv.writeDriverFeatures(1n << 32n); // before DRIVER
    expect(t.driverFeatures).toBe(0n);
    drv.init({ features: (1n << 32n) | 1n, skipDriverOk: true });
    drv.writeDriverFeatures((1n << 32n) | (1n << 29n)); // after FEATURES_OK
    expect(t.driverFeatures).toBe((1n << 32n) | 1n);
    expect(t.stats.refusedWrites).toBeGreaterThan(0);
  });

  it("refuses out-of-order steps and cleared bits, and keeps DEVICE_NEEDS_RESET the device's own", () => {
    drv.status = DRIVER; // DRIVER before ACKNOWLEDGE
    expect(drv.status).toBe(0);
    drv.status = ACK | NEEDS_RESET; // the driver cannot set the device's bit
    expect(drv.status).toBe(ACK);
    drv.status = ACK | DRIVER | DRIVER_OK; // DRIVER_OK before FEATURES_OK
    expect(drv.status).toBe(ACK);
    drv.addStatus(DRIVER);
    drv.status = DRIVER; // clearing ACKNOWLEDGE
    expect(drv.status).toBe(ACK | DRIVER);
  });

  it("accepts FAILED at any step; a failed device serves nothing until reset", () => {
    drv.init({ queues: [q0] });
    drv.status = FAILED; // even without the other bits
    expect(drv.status).toBe(ACK | DRIVER | FEATURES_OK | DRIVER_OK | FAILED);
    post(q0);
    drv.notify(0);
    expect(dev.notifies).toEqual([]);
    expect(q0.usedIdx).toBe(0);
    drv.status = 0;
    expect(drv.status).toBe(0);
  });

  it("resets on Status = 0: device reset, queues, features, selectors and interrupts cleared, IRQ low", () => {
    drv.init({ features: (1n << 32n) | 1n, queues: [q0, q1] });
    const oldQueue = dev.ctx!.queues[0]!;
    post(q0);
    drv.notify(0);
    expect(irq.level).toBe(true);
    drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, 1);
    const resets = dev.resets; // init() already wrote 0 once, as Linux does
    drv.status = 0;
    expect(dev.resets).toBe(resets + 1);
    expect(drv.status).toBe(0);
    expect(drv.read32(R.VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(0);
    expect(irq.level).toBe(false);
    expect(t.driverFeatures).toBe(0n);
    for (const i of [0, 1]) {
      drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, i);
      expect(drv.read32(R.VIRTIO_MMIO_QUEUE_READY)).toBe(0);
    }
    // The queue is forgotten by the core too: a stale handle can pop nothing.
    post(q0);
    expect(oldQueue.pop()).toBeUndefined();
    // The device comes back with the same features after a reset (2.2.2).
    const q0b = new MockSplitQueue(vcpu.guest, { size: 16, baseGpa: vcpu.guest.base + 0x30_0000n });
    expect(drv.init({ features: (1n << 32n) | 1n, queues: [q0b] })).toBe(ACK | DRIVER | FEATURES_OK | DRIVER_OK);
    post(q0b);
    drv.notify(0);
    expect(q0b.usedIdx).toBe(1);
    expect(t.stats.resets).toBe(3);
  });

  it("treats a VM reset (BusDevice.reset) as Status = 0", () => {
    drv.init({ queues: [q0] });
    const resets = dev.resets;
    t.reset();
    expect(drv.status).toBe(0);
    expect(dev.resets).toBe(resets + 1);
  });
});

describe("VirtioMmioTransport: queue configuration rules", () => {
  it("refuses queue registers before FEATURES_OK", () => {
    drv.addStatus(ACK);
    drv.addStatus(DRIVER);
    drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, 0);
    drv.write32(R.VIRTIO_MMIO_QUEUE_NUM, 16);
    drv.write32(R.VIRTIO_MMIO_QUEUE_READY, 1);
    expect(drv.read32(R.VIRTIO_MMIO_QUEUE_READY)).toBe(0);
  });

  it("refuses changes to a ready queue, and new queues after DRIVER_OK", () => {
    drv.init({ queues: [q0] });
    drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, 0);
    const refused = t.stats.refusedWrites;
    drv.write32(R.VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1234);
    drv.write32(R.VIRTIO_MMIO_QUEUE_NUM, 2);
    expect(t.stats.refusedWrites).toBe(refused + 2);
    post(q0); // the queue still works from its original addresses
    drv.notify(0);
    expect(q0.usedIdx).toBe(1);
    drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, 1);
    drv.write32(R.VIRTIO_MMIO_QUEUE_NUM, 8);
    drv.write32(R.VIRTIO_MMIO_QUEUE_READY, 1);
    expect(drv.read32(R.VIRTIO_MMIO_QUEUE_READY)).toBe(0);
  });

  it("stops using a queue once QueueReady is written 0", () => {
    drv.init({ queues: [q0] });
    drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, 0);
    drv.write32(R.VIRTIO_MMIO_QUEUE_READY, 0);
    expect(drv.read32(R.VIRTIO_MMIO_QUEUE_READY)).toBe(0);
    post(q0);
    drv.notify(0);
    expect(dev.notifies).toEqual([]);
    expect(q0.usedIdx).toBe(0);
  });

  it("ignores notifies before DRIVER_OK and for queues that do not exist", () => {
    drv.init({ queues: [q0], skipDriverOk: true });
    post(q0);
    drv.notify(0);
    drv.addStatus(DRIVER_OK);
    drv.notify(7);
    drv.notify(0x1_0000);
    expect(dev.notifies).toEqual([]);
    expect(t.stats).toMatchObject({ queueNotifies: 3, ignoredNotifies: 3 });
    drv.notify(0);
    expect(dev.notifies).toEqual([0]);
  });

  it.each([
    ["a size that is not a power of two", (d: MmioDriver) => d.write32(R.VIRTIO_MMIO_QUEUE_NUM, 6)],
    ["a size above QueueNumMax", (d: MmioDriver) => d.write32(R.VIRTIO_MMIO_QUEUE_NUM, 32)],
    ["a size of zero", (d: MmioDriver) => d.write32(R.VIRTIO_MMIO_QUEUE_NUM, 0)],
    ["a misaligned descriptor table", (d: MmioDriver) => d.write32(R.VIRTIO_MMIO_QUEUE_DESC_LOW, 0x8010_0008)],
    ["a used ring outside RAM", (d: MmioDriver) => d.writeAddress(R.VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0x1_0000_0000n)],
  ])("sets DEVICE_NEEDS_RESET for %s, and sends the config interrupt once DRIVER_OK is set", (_what, spoil) => {
    drv.init({ skipDriverOk: true });
    drv.setupQueue(1, q1);
    drv.write32(R.VIRTIO_MMIO_QUEUE_SEL, 0);
    drv.write32(R.VIRTIO_MMIO_QUEUE_NUM, 16);
    drv.writeAddress(R.VIRTIO_MMIO_QUEUE_DESC_LOW, q0.descGpa);
    drv.writeAddress(R.VIRTIO_MMIO_QUEUE_DRIVER_LOW, q0.availGpa);
    drv.writeAddress(R.VIRTIO_MMIO_QUEUE_DEVICE_LOW, q0.usedGpa);
    spoil(drv);
    drv.write32(R.VIRTIO_MMIO_QUEUE_READY, 1);
    expect(drv.status & NEEDS_RESET).toBe(NEEDS_RESET);
    expect(irq.level).toBe(false); // before DRIVER_OK: status only
    expect(t.lastError).toMatch(/^queue 0: /);
    drv.addStatus(DRIVER_OK);
    expect(drv.status).toBe(ACK | DRIVER | FEATURES_OK | DRIVER_OK | NEEDS_RESET);
    expect(drv.read32(R.VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(R.VIRTIO_MMIO_INT_CONFIG);
    expect(irq.level).toBe(true);
    expect(dev.activations).toBe(0);
    drv.status = 0; // the way out
    expect(drv.init({ queues: [q0, q1] }) & NEEDS_RESET).toBe(0);
  });

  it("retires a queue found malformed while serving: NEEDS_RESET, config interrupt, the other queue goes on", () => {
    drv.init({ queues: [q0, q1] });
    q0.availIdx = 100; // raced far ahead of the ring
    drv.notify(0);
    expect(drv.status & NEEDS_RESET).toBe(NEEDS_RESET);
    expect(t.lastError).toBe("queue 0: avail index moved by more than the queue size");
    expect(drv.ackInterrupt()).toBe(R.VIRTIO_MMIO_INT_CONFIG);
    expect(irq.level).toBe(false);
    drv.notify(0); // dead now: not even offered to the device
    expect(dev.notifies).toEqual([0]);
    post(q1);
    drv.notify(1);
    expect(q1.usedIdx).toBe(1);
    expect(drv.ackInterrupt()).toBe(R.VIRTIO_MMIO_INT_VRING);
    expect(t.stats.needsResets).toBe(1);
  });

  it("turns a device exception into NEEDS_RESET instead of a dead VM", () => {
    drv.init({ queues: [q0] });
    dev.throwOnNotify = true;
    expect(() => drv.notify(0)).not.toThrow();
    expect(drv.status & NEEDS_RESET).toBe(NEEDS_RESET);
    expect(t.lastError).toBe("test queue 0 threw: device bug");
    expect(logged).toHaveLength(1);
  });
});

describe("VirtioMmioTransport: interrupts", () => {
  it("drives the IRQ level from InterruptStatus; InterruptACK clears only the bits written", () => {
    drv.init({ queues: [q0] });
    post(q0);
    drv.notify(0);
    expect(drv.read32(R.VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(R.VIRTIO_MMIO_INT_VRING);
    expect(irq.levels).toEqual([true]);
    dev.ctx!.configChanged();
    expect(drv.read32(R.VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(3);
    drv.write32(R.VIRTIO_MMIO_INTERRUPT_ACK, R.VIRTIO_MMIO_INT_VRING);
    expect(irq.level).toBe(true);
    drv.write32(R.VIRTIO_MMIO_INTERRUPT_ACK, 0xffff_fff0); // undefined bits: nothing to clear
    expect(drv.read32(R.VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(R.VIRTIO_MMIO_INT_CONFIG);
    drv.write32(R.VIRTIO_MMIO_INTERRUPT_ACK, R.VIRTIO_MMIO_INT_CONFIG);
    expect(irq.levels).toEqual([true, false]);
    expect(t.stats).toMatchObject({ usedNotifications: 1, configNotifications: 1, irqRaises: 1 });
  });

  it("does not interrupt when the driver suppressed it", () => {
    drv.init({ features: 1n << 32n, queues: [q0] });
    q0.availFlags = 1; // VIRTQ_AVAIL_F_NO_INTERRUPT
    post(q0);
    drv.notify(0);
    expect(q0.usedIdx).toBe(1);
    expect(irq.levels).toEqual([]);
  });

  it("bumps ConfigGeneration on a config change", () => {
    drv.init({ queues: [q0] });
    const before = drv.read32(R.VIRTIO_MMIO_CONFIG_GENERATION);
    dev.ctx!.configChanged();
    expect(drv.read32(R.VIRTIO_MMIO_CONFIG_GENERATION)).toBe(before + 1);
  });

  it("ignores an activation's callbacks once the device was reset", () => {
    drv.init({ queues: [q0] });
    const stale = dev.ctx!;
    drv.status = 0;
    stale.notify(0);
    stale.configChanged();
    stale.needsReset("late");
    expect(drv.read32(R.VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(0);
    expect(drv.status).toBe(0);
    expect(irq.level).toBe(false);
  });
});

describe("VirtioMmioTransport: access sizes and holes", () => {
  it("rejects registers accessed with a size other than 4 or unaligned", () => {
    for (const size of [1, 2, 8]) expect(t.read(R.VIRTIO_MMIO_MAGIC_VALUE, bytes(size))).toBe(false);
    expect(t.read(R.VIRTIO_MMIO_MAGIC_VALUE + 2, bytes(4))).toBe(false);
    drv.init({ queues: [q0] });
    post(q0);
    expect(t.write(R.VIRTIO_MMIO_QUEUE_NOTIFY, bytes(2))).toBe(false);
    expect(t.write(R.VIRTIO_MMIO_QUEUE_NOTIFY + 1, bytes(4))).toBe(false);
    expect(t.write(R.VIRTIO_MMIO_STATUS, bytes(1))).toBe(false);
    expect(dev.notifies).toEqual([]);
    expect(drv.status).toBe(ACK | DRIVER | FEATURES_OK | DRIVER_OK);
  });

  it("rejects reads of write-only registers, writes of read-only ones, and holes", () => {
    const writeOnly = [R.VIRTIO_MMIO_QUEUE_NOTIFY, R.VIRTIO_MMIO_QUEUE_SEL, R.VIRTIO_MMIO_QUEUE_NUM, R.VIRTIO_MMIO_INTERRUPT_ACK,
      R.VIRTIO_MMIO_QUEUE_DESC_LOW, R.VIRTIO_MMIO_DRIVER_FEATURES, R.VIRTIO_MMIO_SHM_SEL];
    const readOnly = [R.VIRTIO_MMIO_MAGIC_VALUE, R.VIRTIO_MMIO_VERSION, R.VIRTIO_MMIO_DEVICE_ID, R.VIRTIO_MMIO_VENDOR_ID,
      R.VIRTIO_MMIO_DEVICE_FEATURES, R.VIRTIO_MMIO_QUEUE_NUM_MAX, R.VIRTIO_MMIO_INTERRUPT_STATUS, R.VIRTIO_MMIO_CONFIG_GENERATION];
    const holes = [0x018, 0x028, 0x03c, 0x040, 0x048, 0x0c0, 0x0f8];
    for (const r of [...writeOnly, ...holes]) expect(t.read(r, bytes(4)), `read 0x${r.toString(16)}`).toBe(false);
    for (const r of [...readOnly, ...holes]) expect(t.write(r, bytes(4)), `write 0x${r.toString(16)}`).toBe(false);
  });

  it("forwards config space accesses of 1, 2, 4 and 8 bytes, aligned, and refuses the rest", () => {
    const read = (offset: number, size: number) => {
      const data = bytes(size);
      return t.read(R.VIRTIO_MMIO_CONFIG + offset, data) ? [...data] : false;
    };
    expect(read(3, 1)).toEqual([0xa3]);
    expect(read(2, 2)).toEqual([0xa2, 0xa3]);
    expect(read(4, 4)).toEqual([0xa4, 0xa5, 0xa6, 0xa7]);
    expect(read(8, 8)).toEqual([0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf]);
    expect(read(4, 8)).toEqual([0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab]);
    expect(read(1, 2)).toBe(false);
    expect(read(2, 4)).toBe(false);
    expect(read(0, 3)).toBe(false);
    expect(read(16, 4)).toBe(false); // past the device's config
    // Writes need a driver that claimed the device (DRIVER).
    expect(t.write(R.VIRTIO_MMIO_CONFIG, new Uint8Array([1]))).toBe(true);
    expect(dev.config[0]).toBe(0xa0);
    drv.addStatus(ACK);
    drv.addStatus(DRIVER);
    expect(t.write(R.VIRTIO_MMIO_CONFIG + 2, new Uint8Array([1, 2]))).toBe(true);
    expect([...dev.config.subarray(2, 4)]).toEqual([1, 2]);
    expect(t.write(R.VIRTIO_MMIO_CONFIG + 3, new Uint8Array([1, 2]))).toBe(false);
  });
});

describe("VirtioMmioTransport: queue slots", () => {
  it("takes one core queue slot per queue when built and gives them back on dispose", () => {
    const small = new QueueSlots();
    const made: VirtioMmioTransport[] = [];
    for (let i = 0; i < 32; i++) made.push(new VirtioMmioTransport(new TestDevice(), { host: vcpu, slots: small, irq, baseGpa: 0n }));
    expect(() => new VirtioMmioTransport(new TestDevice(), { host: vcpu, slots: small, irq, baseGpa: 0n })).toThrow(/slots/);
    made[0]!.dispose();
    expect(() => new VirtioMmioTransport(new TestDevice(), { host: vcpu, slots: small, irq, baseGpa: 0n })).not.toThrow();
  });

  it("refuses a device whose queue max size is not a power of two", () => {
    const odd = Object.assign(new TestDevice(), { queueMaxSizes: [12] });
    expect(() => new VirtioMmioTransport(odd, { host: vcpu, slots, irq, baseGpa: 0n })).toThrow(RangeError);
  });
});
