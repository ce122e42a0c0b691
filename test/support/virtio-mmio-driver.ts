// virtio-mmio-driver.ts — a register-level virtio-mmio driver for tests: the init sequence of virtio 1.2 3.1.1 and 4.2.3, and an IRQ line that records levels.
import type { BusDevice } from "../../host/devices/bus.js";
import { STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK } from "../../host/devices/virtio/device.js";
import * as R from "../../host/devices/virtio/mmio-regs.js";
import type { IrqLine } from "../../host/devices/irq-line.js";
import type { MockSplitQueue } from "./mock-split-queue.js";

/** Records every level driven onto it. */
export class FakeIrq implements IrqLine {
  readonly levels: boolean[] = [];
  constructor(readonly line = 1) {}
  get level(): boolean {
    return this.levels.at(-1) ?? false;
  }
  /** Rising edges so far. */
  get raises(): number {
    return this.levels.filter((l) => l).length;
  }
  set(level: boolean): void {
    this.levels.push(level);
  }
}

export interface InitOptions {
  /** Features to accept; default: everything offered. */
  features?: bigint;
  /** The queues to set up, by index (undefined: leave that queue alone). */
  queues?: readonly (MockSplitQueue | undefined)[];
  /** Stop before writing DRIVER_OK. */
  skipDriverOk?: boolean;
}

export class MmioDriver {
  constructor(readonly dev: BusDevice) {}

  /** A 32-bit register read; throws when the transport refuses it (no register there). */
  read32(offset: number): number {
    const data = new Uint8Array(4);
    if (this.dev.read(offset, data) === false) throw new Error(`read of 0x${offset.toString(16)} refused`);
    return new DataView(data.buffer).getUint32(0, true);
  }

  /** A 32-bit register write; false when the transport refuses it. */
  write32(offset: number, value: number): boolean {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, value >>> 0, true);
    return this.dev.write(offset, data) !== false;
  }

  get status(): number {
    return this.read32(R.VIRTIO_MMIO_STATUS);
  }
  set status(value: number) {
    this.write32(R.VIRTIO_MMIO_STATUS, value);
  }

  /** OR a status bit in, as Linux's virtio_add_status does. */
  addStatus(bit: number): number {
    this.status = this.status | bit;
    return this.status;
  }

  deviceFeatures(): bigint {
    let features = 0n;
    for (let sel = 0; sel < 4; sel++) {
      this.write32(R.VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
      features |= BigInt(this.read32(R.VIRTIO_MMIO_DEVICE_FEATURES)) << BigInt(32 * sel);
    }
    return features;
  }

  writeDriverFeatures(features: bigint): void {
    for (let sel = 0; sel < 4; sel++) {
      this.write32(R.VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
      this.write32(R.VIRTIO_MMIO_DRIVER_FEATURES, Number((features >> BigInt(32 * sel)) & 0xffff_ffffn));
    }
  }

  /** 4.2.3.2: select, check not in use, size, the three areas, ready. */
  setupQueue(index: number, mq: MockSplitQueue): void {
    this.write32(R.VIRTIO_MMIO_QUEUE_SEL, index);
    if (this.read32(R.VIRTIO_MMIO_QUEUE_READY) !== 0) throw new Error(`queue ${index} already in use`);
    const max = this.read32(R.VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max === 0 || mq.size > max) throw new Error(`queue ${index}: size ${mq.size} above QueueNumMax ${max}`);
    this.write32(R.VIRTIO_MMIO_QUEUE_NUM, mq.size);
    this.writeAddress(R.VIRTIO_MMIO_QUEUE_DESC_LOW, mq.descGpa);
    this.writeAddress(R.VIRTIO_MMIO_QUEUE_DRIVER_LOW, mq.availGpa);
    this.writeAddress(R.VIRTIO_MMIO_QUEUE_DEVICE_LOW, mq.usedGpa);
    this.write32(R.VIRTIO_MMIO_QUEUE_READY, 1);
  }

  writeAddress(lowOffset: number, gpa: bigint): void {
    this.write32(lowOffset, Number(gpa & 0xffff_ffffn));
    this.write32(lowOffset + 4, Number(gpa >> 32n));
  }

  /** The whole of 3.1.1; returns the final status. */
  init(options: InitOptions = {}): number {
    if (this.read32(R.VIRTIO_MMIO_MAGIC_VALUE) !== R.VIRTIO_MMIO_MAGIC) throw new Error("bad magic");
    if (this.read32(R.VIRTIO_MMIO_VERSION) !== 2) throw new Error("not a version 2 device");
    this.status = 0;
    this.addStatus(STATUS_ACKNOWLEDGE);
    this.addStatus(STATUS_DRIVER);
    const offered = this.deviceFeatures();
    this.writeDriverFeatures(options.features ?? offered);
    if ((this.addStatus(STATUS_FEATURES_OK) & STATUS_FEATURES_OK) === 0) return this.status;
    options.queues?.forEach((mq, i) => mq && this.setupQueue(i, mq));
    return options.skipDriverOk ? this.status : this.addStatus(STATUS_DRIVER_OK);
  }

  notify(queueIndex: number): void {
    this.write32(R.VIRTIO_MMIO_QUEUE_NOTIFY, queueIndex);
  }

  /** What an interrupt handler does: read InterruptStatus, acknowledge it all. */
  ackInterrupt(): number {
    const pending = this.read32(R.VIRTIO_MMIO_INTERRUPT_STATUS);
    this.write32(R.VIRTIO_MMIO_INTERRUPT_ACK, pending);
    return pending;
  }
}
