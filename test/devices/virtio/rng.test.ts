// rng.test.ts — virtio-rng end to end at register level: a driver on the bus posts buffers, one notify fills them all, one interrupt.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EntropySource } from "../../../host/backends/entropy.js";
import { Bus, BusResult, type BusDevice } from "../../../host/devices/bus.js";
import { VirtioMmioTransport } from "../../../host/devices/virtio/mmio.js";
import { QueueSlots } from "../../../host/devices/virtio/queue.js";
import { VIRTIO_RNG_QUEUE_SIZE, VirtioRng } from "../../../host/devices/virtio/rng.js";
import type { Vcpu } from "../../../host/core/vcpu.js";
import { MockSplitQueue, type Segment } from "../../support/mock-split-queue.js";
import { newVcpu } from "../../support/core.js";
import { describeVirtioDevice } from "../../support/virtio-conformance.js";
import { FakeIrq, MmioDriver } from "../../support/virtio-mmio-driver.js";

/** Deterministic entropy: 1, 2, 3, ... (mod 256), so every byte can be checked. */
class CountingEntropy implements EntropySource {
  next = 1;
  fill(dest: Uint8Array): void {
    for (let i = 0; i < dest.length; i++) dest[i] = this.next++ & 0xff;
  }
}

/** The bytes CountingEntropy hands out from position `start` on. */
function expected(start: number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (start + i) & 0xff);
}

const BASE = 0x1000_1000n;
let vcpu: Vcpu;
beforeAll(async () => {
  vcpu = await newVcpu(16 << 20);
});

let entropy: CountingEntropy;
let rng: VirtioRng;
let irq: FakeIrq;
let transport: VirtioMmioTransport;
let drv: MmioDriver;
let mq: MockSplitQueue;

beforeEach(() => {
  entropy = new CountingEntropy();
  rng = new VirtioRng(entropy);
  irq = new FakeIrq(1);
  transport = new VirtioMmioTransport(rng, { host: vcpu, slots: new QueueSlots(), irq, baseGpa: BASE });
  // The driver talks through a real Bus, as the guest's loads and stores would arrive.
  const bus = new Bus("fault");
  bus.insert(transport, BASE, BigInt(transport.windowBytes));
  const viaBus: BusDevice = {
    name: "bus",
    read: (offset, data) => bus.read(BASE + BigInt(offset), data) === BusResult.Handled,
    write: (offset, data) => bus.write(BASE + BigInt(offset), data) === BusResult.Handled,
  };
  drv = new MmioDriver(viaBus);
  mq = new MockSplitQueue(vcpu.guest, { size: VIRTIO_RNG_QUEUE_SIZE, baseGpa: vcpu.guest.base + 0x10_0000n, regionBytes: 4 << 20 });
});

describe("VirtioRng", () => {
  it("is device type 4 with one queue of 256 and no features of its own", () => {
    expect([rng.deviceType, rng.queueMaxSizes, rng.features]).toEqual([4, [256], 0n]);
  });

  it.each([
    ["with EVENT_IDX", undefined],
    ["without EVENT_IDX", 1n << 32n],
  ])("fills buffers of 16, 256, 4096 and 65536 bytes on one notify, with one interrupt (%s)", (_what, features) => {
    drv.init({ features, queues: [mq] });
    const sizes = [16, 256, 4096, 65536];
    const buffers = sizes.map((len) => mq.buffer(len, true));
    const heads = buffers.map((b) => mq.addChain([b]));
    mq.publish();
    drv.notify(0);
    let at = 1;
    for (const b of buffers) {
      expect(vcpu.guest.read(b.gpa, b.len)).toEqual(expected(at, b.len));
      at += b.len;
    }
    expect(mq.takeUsed()).toEqual(heads.map((id, i) => ({ id, len: sizes[i] })));
    expect(irq.levels).toEqual([true]);
    expect(transport.stats).toMatchObject({ queueNotifies: 1, usedNotifications: 1, irqRaises: 1 });
    expect([rng.requests, rng.bytesServed]).toEqual([4, 16 + 256 + 4096 + 65536]);
    expect(drv.ackInterrupt()).toBe(1);
    expect(irq.level).toBe(false);
  });

  it("fills every writable segment of a chain in order and skips readable ones", () => {
    drv.init({ queues: [mq] });
    const ro = mq.buffer(8, false);
    const segs: Segment[] = [ro, mq.buffer(3, true), mq.buffer(0, true), mq.buffer(5, true)];
    mq.addChain(segs);
    mq.publish();
    drv.notify(0);
    expect(vcpu.guest.read(ro.gpa, 8)).toEqual(new Uint8Array(8)); // untouched
    expect(vcpu.guest.read(segs[1]!.gpa, 3)).toEqual(expected(1, 3));
    expect(vcpu.guest.read(segs[3]!.gpa, 5)).toEqual(expected(4, 5));
    expect(mq.takeUsed()).toEqual([{ id: 0, len: 8 }]);
  });

  it("serves indirect chains", () => {
    drv.init({ queues: [mq] });
    const segs = [mq.buffer(4, true), mq.buffer(4, true)];
    mq.addChain(segs, { indirect: true });
    mq.publish();
    drv.notify(0);
    expect(vcpu.guest.read(segs[1]!.gpa, 4)).toEqual(expected(5, 4));
    expect(mq.takeUsed()[0]!.len).toBe(8);
  });

  it("re-arms notifications: avail_event follows what it consumed", () => {
    drv.init({ queues: [mq] });
    for (let round = 1; round <= 3; round++) {
      mq.addChain([mq.buffer(4, true)]);
      mq.publish();
      drv.notify(0);
      expect(mq.availEvent).toBe(round);
    }
  });

  it("honours used_event: no interrupt until the driver's chosen entry is used", () => {
    drv.init({ queues: [mq] });
    mq.usedEvent = 3;
    for (let i = 0; i < 3; i++) {
      mq.addChain([mq.buffer(4, true)]);
      mq.publish();
      drv.notify(0);
    }
    expect(irq.levels).toEqual([]);
    mq.addChain([mq.buffer(4, true)]);
    mq.publish();
    drv.notify(0);
    expect(irq.levels).toEqual([true]);
  });

  it("does nothing with a notify that finds the queue empty", () => {
    drv.init({ queues: [mq] });
    drv.notify(0);
    expect(irq.levels).toEqual([]);
    expect(entropy.next).toBe(1);
  });
});

describeVirtioDevice("VirtioRng", () => new VirtioRng(new CountingEntropy()));
