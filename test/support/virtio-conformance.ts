// virtio-conformance.ts — describeVirtioDevice(factory): one generic suite every virtio device passes behind the MMIO transport (crosvm's shared-tests pattern).
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER_OK, type VirtioDevice } from "../../host/devices/virtio/device.js";
import { VirtioMmioTransport } from "../../host/devices/virtio/mmio.js";
import * as R from "../../host/devices/virtio/mmio-regs.js";
import { QueueSlots } from "../../host/devices/virtio/queue.js";
import type { Vcpu } from "../../host/core/vcpu.js";
import { MockSplitQueue } from "./mock-split-queue.js";
import { newVcpu } from "./core.js";
import { FakeIrq, MmioDriver } from "./virtio-mmio-driver.js";

export interface ConformanceOptions {
  /** Queues the device reads on every notify (a malformed ring there must set NEEDS_RESET); default all. */
  queuesPoppedOnNotify?: number[];
}

const VERSION_1 = 1n << 32n;

export function describeVirtioDevice(label: string, factory: () => VirtioDevice, options: ConformanceOptions = {}): void {
  describe(`${label}: virtio device conformance`, () => {
    let vcpu: Vcpu;
    let device: VirtioDevice;
    let irq: FakeIrq;
    let transport: VirtioMmioTransport;
    let drv: MmioDriver;
    let queues: MockSplitQueue[];
    let logged: string[];

    beforeAll(async () => {
      vcpu = await newVcpu(16 << 20);
    });

    beforeEach(() => {
      device = factory();
      irq = new FakeIrq();
      logged = [];
      transport = new VirtioMmioTransport(device, {
        host: vcpu, slots: new QueueSlots(), irq, baseGpa: 0x1000_1000n, log: (m) => logged.push(m),
      });
      drv = new MmioDriver(transport);
      let base = vcpu.guest.base + 0x10_0000n;
      queues = device.queueMaxSizes.map((max) => {
        const mq = new MockSplitQueue(vcpu.guest, { size: max, baseGpa: base, regionBytes: 1 << 20 });
        base += 1n << 20n;
        return mq;
      });
    });

    const popped = () => options.queuesPoppedOnNotify ?? device.queueMaxSizes.map((_, i) => i);

    it("has a nonzero device ID and at least one queue of a power-of-two size", () => {
      expect(device.deviceType).toBeGreaterThan(0);
      expect(device.name).not.toBe("");
      expect(device.queueMaxSizes.length).toBeGreaterThan(0);
      for (const max of device.queueMaxSizes) {
        expect(max & (max - 1)).toBe(0);
        expect(max).toBeLessThanOrEqual(32768);
      }
    });

    it("offers only device-specific feature bits (0-23, 50-127): 24-49 belong to the transport and the future", () => {
      expect((device.features >> 24n) & ((1n << 26n) - 1n)).toBe(0n);
      expect(device.features >> 128n).toBe(0n);
    });

    it.each([
      ["VERSION_1 only", VERSION_1],
      ["every offered feature", undefined],
    ])("initialises with %s and serves empty queues without a used entry, interrupt or error", (_what, features) => {
      expect(drv.init({ features, queues })).toBe(15);
      for (let i = 0; i < queues.length; i++) drv.notify(i);
      expect(queues.map((q) => q.usedIdx)).toEqual(queues.map(() => 0));
      expect(irq.levels).toEqual([]);
      expect(logged).toEqual([]);
    });

    it("consumes nothing before DRIVER_OK (2.1.2)", () => {
      drv.init({ queues, skipDriverOk: true });
      for (const [i, q] of queues.entries()) {
        q.addChain([q.buffer(64, true)]);
        q.publish();
        drv.notify(i);
      }
      expect(queues.map((q) => q.usedIdx)).toEqual(queues.map(() => 0));
      expect(irq.levels).toEqual([]);
    });

    it("can be reset before activation, twice, and initialised again afterwards", () => {
      drv.status = 0;
      drv.status = 0;
      drv.init({ queues });
      drv.status = 0;
      expect(drv.status).toBe(0);
      expect(drv.init({ queues }) & STATUS_DRIVER_OK).toBe(STATUS_DRIVER_OK);
    });

    it("touches no queue after a reset", () => {
      drv.init({ queues });
      drv.status = 0;
      for (const [i, q] of queues.entries()) {
        q.addChain([q.buffer(64, true)]);
        q.publish();
        drv.notify(i);
      }
      expect(queues.map((q) => q.usedIdx)).toEqual(queues.map(() => 0));
      expect(irq.level).toBe(false);
    });

    it("answers config accesses anywhere in the window without throwing", () => {
      drv.init({ queues });
      for (let off = R.VIRTIO_MMIO_CONFIG; off < R.VIRTIO_MMIO_WINDOW_BYTES; off += 4) {
        for (const size of [1, 2, 4, 8]) {
          expect(() => transport.read(off, new Uint8Array(size))).not.toThrow();
          expect(() => transport.write(off, new Uint8Array(size))).not.toThrow();
        }
      }
    });

    it("sets DEVICE_NEEDS_RESET and sends a config interrupt when a queue it reads is malformed", () => {
      for (const i of popped()) {
        drv.init({ queues });
        queues[i]!.availIdx = queues[i]!.size + 1;
        drv.notify(i);
        expect(drv.status & STATUS_DEVICE_NEEDS_RESET, `queue ${i}`).toBe(STATUS_DEVICE_NEEDS_RESET);
        expect(drv.ackInterrupt() & R.VIRTIO_MMIO_INT_CONFIG).toBe(R.VIRTIO_MMIO_INT_CONFIG);
        queues[i]!.availIdx = 0;
        drv.status = 0;
      }
    });
  });
}
