// mmio.ts — VirtioMmioTransport: the virtio-mmio version 2 register file, status machine and interrupt of one VirtioDevice.
//
// The transport is the BusDevice; the VirtioDevice behind it never sees a register (crosvm's
// and Firecracker's split). Queue registers form a QueueConfig; QueueReady = 1 turns it into a
// live VirtQueue in the Wasm core, and DRIVER_OK hands the live queues to device.activate().
// A QueueNotify write runs the device synchronously inside the MMIO exit.
//
// Everything the driver writes is hostile (docs/architecture.md, "The guest is hostile"): a bad queue configuration or
// a queue found malformed sets DEVICE_NEEDS_RESET and retires that queue; nothing throws to
// the run loop. Accesses with no register behind them return false so the bus policy applies.
import { QUEUE_RECORD, QUEUE_TABLE } from "../../core/abi.js";
import { DeviceStateError, readerOf, StateReader, type DeviceState, type StatefulDevice } from "../device-state.js";
import type { BusDevice } from "../bus.js";
import type { CoreExports } from "../../core/wasm-core.js";
import type { IrqLine } from "../irq-line.js";
import type { GuestMemory } from "../../core/guest-memory.js";
import {
  featureBit, STATUS_ACKNOWLEDGE, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED,
  STATUS_FEATURES_OK, VIRTIO_F_RING_EVENT_IDX, VIRTIO_F_RING_INDIRECT_DESC, VIRTIO_F_VERSION_1,
  type VirtioActivation, type VirtioDevice,
} from "./device.js";
import * as R from "./mmio-regs.js";
import { VirtQueue, VirtQueueError, type QueueSlots } from "./queue.js";
import { FdtNode } from "../fdt-node.js";
import { irqOf, regOf, type FdtNodesOf } from "../placement.js";

/** The parts of a Vcpu a transport needs to build queues (a Vcpu satisfies it). */
export interface QueueHost {
  readonly core: CoreExports;
  readonly memory: WebAssembly.Memory;
  readonly guest: GuestMemory;
}

export interface VirtioMmioOptions {
  host: QueueHost;
  /** The core's queue records, shared by every transport of the VM. */
  slots: QueueSlots;
  /** This transport's PLIC line. */
  irq: IrqLine;
  /** Guest physical base of the register window (for the devicetree). */
  baseGpa: bigint;
  /** Bus name; default "virtio-<device>@<base>". */
  name?: string;
  /** Where refused configurations and device errors are reported (default console.warn). */
  log?: (message: string) => void;
}

export interface VirtioMmioStats {
  /** QueueNotify writes, served or not. */
  queueNotifies: number;
  /** QueueNotify writes dropped: no live queue there, not DRIVER_OK, FAILED. */
  ignoredNotifies: number;
  /** Used buffer notifications (InterruptStatus bit 0 set by the device). */
  usedNotifications: number;
  /** Configuration change notifications (bit 1). */
  configNotifications: number;
  /** Rising edges of the IRQ line. */
  irqRaises: number;
  /** Device resets (Status = 0, or a VM reset). */
  resets: number;
  /** Times DEVICE_NEEDS_RESET was set. */
  needsResets: number;
  /** Register writes ignored because the device status forbids them. */
  refusedWrites: number;
}

/** One queue's registers (the config half of the two-phase queue) and its live queue. */
interface QueueState {
  readonly maxSize: number;
  readonly slot: number;
  size: number;
  ready: boolean;
  descGpa: bigint;
  driverGpa: bigint;
  deviceGpa: bigint;
  live: VirtQueue | undefined;
  /** Misconfigured or found broken: the device no longer uses it until reset. */
  dead: boolean;
}

const LOW32 = 0xffff_ffffn;
/** Feature words the registers can address: bits 0..127, all the spec defines. */
const FEATURE_WORDS = 4;
const DRIVER_STATUS_BITS = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK | STATUS_FAILED;

export class VirtioMmioTransport implements BusDevice, StatefulDevice {
  readonly name: string;
  readonly baseGpa: bigint;
  readonly irq: IrqLine;
  readonly windowBytes = R.VIRTIO_MMIO_WINDOW_BYTES;
  /** Everything offered: the device's features plus the transport's. */
  readonly offeredFeatures: bigint;
  readonly stats: VirtioMmioStats = {
    queueNotifies: 0, ignoredNotifies: 0, usedNotifications: 0, configNotifications: 0,
    irqRaises: 0, resets: 0, needsResets: 0, refusedWrites: 0,
  };
  /** Why DEVICE_NEEDS_RESET was last set (kept for diagnostics until the next one). */
  lastError: string | undefined;

  private status = 0;
  private intStatus = 0;
  private irqLevel = false;
  private generation = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatureBits = 0n;
  /** A nonzero word written above bit 127: never a subset of the offer. */
  private driverFeaturesBeyond = false;
  private queueSel = 0;
  private readonly queues: QueueState[];
  /** Bumped by every reset, so a stale activation's callbacks become no-ops. */
  private epoch = 0;
  private activated = false;
  private readonly log: (message: string) => void;

  constructor(
    readonly device: VirtioDevice,
    private readonly options: VirtioMmioOptions,
  ) {
    this.baseGpa = options.baseGpa;
    this.irq = options.irq;
    this.name = options.name ?? `virtio-${device.name}@${options.baseGpa.toString(16)}`;
    this.log = options.log ?? ((message) => console.warn(message));
    this.offeredFeatures = device.features | featureBit(VIRTIO_F_VERSION_1) | featureBit(VIRTIO_F_RING_EVENT_IDX) |
      featureBit(VIRTIO_F_RING_INDIRECT_DESC);
    for (const max of device.queueMaxSizes) {
      if (!Number.isInteger(max) || max < 1 || max > 32768 || (max & (max - 1)) !== 0) {
        throw new RangeError(`${this.name}: queue max size ${max} is not a power of two in 1..32768`);
      }
    }
    // Slots are taken now, not when the guest enables a queue: no guest action can then run
    // the core out of queue records, and a full machine fails when it is built.
    const slots: number[] = [];
    try {
      for (let i = 0; i < device.queueMaxSizes.length; i++) slots.push(options.slots.allocate());
    } catch (err) {
      for (const s of slots) options.slots.release(s);
      throw err;
    }
    this.queues = device.queueMaxSizes.map((maxSize, i) => ({
      maxSize, slot: slots[i]!, size: maxSize, ready: false, descGpa: 0n, driverGpa: 0n, deviceGpa: 0n,
      live: undefined, dead: false,
    }));
  }

  /** The PLIC line, for the devicetree's `interrupts`. */
  get irqLine(): number {
    return this.irq.line;
  }
  get deviceStatus(): number {
    return this.status;
  }
  get interruptStatus(): number {
    return this.intStatus;
  }
  get configGeneration(): number {
    return this.generation;
  }
  /** The features the driver wrote (meaningful once FEATURES_OK is set). */
  get driverFeatures(): bigint {
    return this.driverFeatureBits;
  }

  read(offset: number, data: Uint8Array): boolean {
    if (offset >= R.VIRTIO_MMIO_CONFIG) {
      return configAccess(offset, data) &&
        this.guardedConfig("readConfig", () => this.device.readConfig(offset - R.VIRTIO_MMIO_CONFIG, data));
    }
    if (data.length !== 4 || (offset & 3) !== 0) return false;
    const value = this.readRegister(offset);
    if (value === undefined) return false;
    data[0] = value & 0xff;
    data[1] = (value >>> 8) & 0xff;
    data[2] = (value >>> 16) & 0xff;
    data[3] = value >>> 24;
    return true;
  }

  write(offset: number, data: Uint8Array): boolean {
    if (offset >= R.VIRTIO_MMIO_CONFIG) {
      if (!configAccess(offset, data)) return false;
      // Config writes belong to a driver that claimed the device and has not given up on it.
      if ((this.status & (STATUS_DRIVER | STATUS_FAILED)) !== STATUS_DRIVER) return this.refuse();
      return this.guardedConfig("writeConfig", () => this.device.writeConfig(offset - R.VIRTIO_MMIO_CONFIG, data));
    }
    if (data.length !== 4 || (offset & 3) !== 0) return false;
    return this.writeRegister(offset, (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0);
  }

  registerName(offset: number): string | undefined {
    return R.virtioMmioRegisterName(offset);
  }

  /** VM reset: as the driver writing 0 to Status. */
  reset(): void {
    this.resetDevice();
  }

  /**
   * Snapshot: the registers, every queue's configuration, the core's queue records (where the
   * device is in each ring) and the device's own state. Taken between exits, so no request is
   * half served.
   */
  saveState(): DeviceState {
    const memory = new Uint8Array(this.options.host.memory.buffer);
    return {
      status: this.status, intStatus: this.intStatus, generation: this.generation,
      deviceFeaturesSel: this.deviceFeaturesSel, driverFeaturesSel: this.driverFeaturesSel,
      driverFeatures: this.driverFeatureBits.toString(), driverFeaturesBeyond: this.driverFeaturesBeyond,
      queueSel: this.queueSel, activated: this.activated,
      queues: this.queues.map((q) => ({
        size: q.size, ready: q.ready, dead: q.dead, desc: q.descGpa.toString(), driver: q.driverGpa.toString(),
        device: q.deviceGpa.toString(),
        record: memory.slice(QUEUE_TABLE + q.slot * QUEUE_RECORD, QUEUE_TABLE + (q.slot + 1) * QUEUE_RECORD),
      })),
      device: this.device.saveState?.() ?? {},
    };
  }

  /**
   * Install a saved state on a transport fresh from the builder: queues are made live again
   * (the Wasm queue code validates their rings as it did for the driver), their records put
   * back, the device reactivated, then given its own state.
   */
  loadState(state: DeviceState): void {
    const r = new StateReader(state, this.name);
    this.resetDevice();
    this.status = r.int("status", 0, 0xff);
    this.generation = r.int("generation", 0, 0xffff_ffff);
    this.deviceFeaturesSel = r.int("deviceFeaturesSel", 0, 0xffff_ffff);
    this.driverFeaturesSel = r.int("driverFeaturesSel", 0, 0xffff_ffff);
    this.driverFeatureBits = r.big("driverFeatures", 32 * FEATURE_WORDS);
    this.driverFeaturesBeyond = r.bool("driverFeaturesBeyond");
    this.queueSel = r.int("queueSel", 0, 0xffff_ffff);
    const saved = r.list("queues", this.queues.length);
    if (saved.length !== this.queues.length) throw new DeviceStateError(`${this.name}: snapshot has ${saved.length} queues, the device ${this.queues.length}`);
    const memory = new Uint8Array(this.options.host.memory.buffer);
    this.queues.forEach((q, i) => {
      const s = readerOf(saved[i]!, `${this.name}.queues[${i}]`);
      q.size = s.int("size", 0, 0xffff_ffff);
      q.descGpa = s.big("desc");
      q.driverGpa = s.big("driver");
      q.deviceGpa = s.big("device");
      const record = s.bytes("record", QUEUE_RECORD);
      if (record.length !== QUEUE_RECORD) throw new DeviceStateError(`${this.name}: queue ${i}'s record is malformed`);
      if (s.bool("ready")) {
        this.enableQueue(q, i);
        if (q.live !== undefined) memory.set(record, QUEUE_TABLE + q.slot * QUEUE_RECORD);
      }
      q.dead = q.dead || s.bool("dead");
    });
    if (r.bool("activated")) this.activate();
    this.device.loadState?.(r.record("device"));
    this.intStatus = r.int("intStatus", 0, 3);
    this.updateIrq();
  }

  /** Give the queue slots back (the transport is being removed from the machine). */
  dispose(): void {
    this.resetDevice();
    for (const q of this.queues) this.options.slots.release(q.slot);
  }

  private readRegister(offset: number): number | undefined {
    const q = this.queues[this.queueSel];
    switch (offset) {
      case R.VIRTIO_MMIO_MAGIC_VALUE: return R.VIRTIO_MMIO_MAGIC;
      case R.VIRTIO_MMIO_VERSION: return R.VIRTIO_MMIO_VERSION_2;
      case R.VIRTIO_MMIO_DEVICE_ID: return this.device.deviceType;
      case R.VIRTIO_MMIO_VENDOR_ID: return R.WASMVISOR_VENDOR_ID;
      case R.VIRTIO_MMIO_DEVICE_FEATURES:
        return this.deviceFeaturesSel < FEATURE_WORDS
          ? Number((this.offeredFeatures >> BigInt(32 * this.deviceFeaturesSel)) & LOW32)
          : 0;
      case R.VIRTIO_MMIO_QUEUE_NUM_MAX: return q?.maxSize ?? 0;
      case R.VIRTIO_MMIO_QUEUE_READY: return q?.ready ? 1 : 0;
      case R.VIRTIO_MMIO_INTERRUPT_STATUS: return this.intStatus;
      case R.VIRTIO_MMIO_STATUS: return this.status;
      // No shared memory regions: every SHMSel reads as absent (length and base all ones).
      case R.VIRTIO_MMIO_SHM_LEN_LOW: case R.VIRTIO_MMIO_SHM_LEN_HIGH:
      case R.VIRTIO_MMIO_SHM_BASE_LOW: case R.VIRTIO_MMIO_SHM_BASE_HIGH:
        return 0xffff_ffff;
      case R.VIRTIO_MMIO_CONFIG_GENERATION: return this.generation;
      default: return undefined; // write-only or no register
    }
  }

  private writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case R.VIRTIO_MMIO_DEVICE_FEATURES_SEL: this.deviceFeaturesSel = value; return true;
      case R.VIRTIO_MMIO_DRIVER_FEATURES_SEL: this.driverFeaturesSel = value; return true;
      case R.VIRTIO_MMIO_DRIVER_FEATURES: return this.writeDriverFeatures(value);
      case R.VIRTIO_MMIO_QUEUE_SEL: this.queueSel = value; return true;
      case R.VIRTIO_MMIO_QUEUE_NUM: return this.queueField((q) => (q.size = value));
      case R.VIRTIO_MMIO_QUEUE_READY: return this.writeQueueReady(value);
      case R.VIRTIO_MMIO_QUEUE_NOTIFY: this.queueNotify(value); return true;
      case R.VIRTIO_MMIO_INTERRUPT_ACK: this.intStatus &= ~value; this.updateIrq(); return true;
      case R.VIRTIO_MMIO_STATUS: this.writeStatus(value); return true;
      case R.VIRTIO_MMIO_QUEUE_DESC_LOW: return this.queueField((q) => (q.descGpa = low(q.descGpa, value)));
      case R.VIRTIO_MMIO_QUEUE_DESC_HIGH: return this.queueField((q) => (q.descGpa = high(q.descGpa, value)));
      case R.VIRTIO_MMIO_QUEUE_DRIVER_LOW: return this.queueField((q) => (q.driverGpa = low(q.driverGpa, value)));
      case R.VIRTIO_MMIO_QUEUE_DRIVER_HIGH: return this.queueField((q) => (q.driverGpa = high(q.driverGpa, value)));
      case R.VIRTIO_MMIO_QUEUE_DEVICE_LOW: return this.queueField((q) => (q.deviceGpa = low(q.deviceGpa, value)));
      case R.VIRTIO_MMIO_QUEUE_DEVICE_HIGH: return this.queueField((q) => (q.deviceGpa = high(q.deviceGpa, value)));
      case R.VIRTIO_MMIO_SHM_SEL: return true; // no regions to select
      default: return false; // read-only or no register
    }
  }

  private writeDriverFeatures(value: number): boolean {
    // Features are negotiable between DRIVER and FEATURES_OK only (virtio 1.2, 3.1.1).
    if ((this.status & (STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_FAILED)) !== STATUS_DRIVER) return this.refuse();
    if (this.driverFeaturesSel >= FEATURE_WORDS) {
      if (value !== 0) this.driverFeaturesBeyond = true;
      return true;
    }
    const shift = BigInt(32 * this.driverFeaturesSel);
    this.driverFeatureBits = (this.driverFeatureBits & ~(LOW32 << shift)) | (BigInt(value) << shift);
    return true;
  }

  private writeStatus(value: number): void {
    if (value === 0) return this.resetDevice();
    if ((value & STATUS_FAILED) !== 0) {
      this.status |= STATUS_FAILED; // giving up is always honoured; the rest of the write is moot
      return;
    }
    // DEVICE_NEEDS_RESET is the device's bit: the driver can neither set nor clear it.
    const old = this.status & DRIVER_STATUS_BITS;
    let next = value & DRIVER_STATUS_BITS;
    if ((next & old) !== old) return void this.refuse(); // a driver never clears a bit (2.1.1)
    const added = next & ~old;
    if (added === 0) return;
    const ordered = ((next & STATUS_DRIVER) === 0 || (next & STATUS_ACKNOWLEDGE) !== 0) &&
      ((next & STATUS_FEATURES_OK) === 0 || (next & STATUS_DRIVER) !== 0) &&
      ((next & STATUS_DRIVER_OK) === 0 || (next & STATUS_FEATURES_OK) !== 0);
    if (!ordered) return void this.refuse();
    if ((added & STATUS_FEATURES_OK) !== 0 && !this.featuresAcceptable()) {
      // 2.2.2: refuse by not setting FEATURES_OK; the driver reads it back and gives up.
      next &= ~(STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    }
    this.status = next | (this.status & STATUS_DEVICE_NEEDS_RESET);
    if ((added & STATUS_DRIVER_OK) !== 0 && (this.status & STATUS_DRIVER_OK) !== 0) this.activate();
  }

  private featuresAcceptable(): boolean {
    const f = this.driverFeatureBits;
    return !this.driverFeaturesBeyond && (f & ~this.offeredFeatures) === 0n && (f & featureBit(VIRTIO_F_VERSION_1)) !== 0n;
  }

  private activate(): void {
    if ((this.status & STATUS_DEVICE_NEEDS_RESET) !== 0) {
      // The error came before DRIVER_OK; 2.1.2 wants the config interrupt once DRIVER_OK is set.
      this.raise(R.VIRTIO_MMIO_INT_CONFIG);
      return;
    }
    const epoch = this.epoch;
    const live = (): boolean => epoch === this.epoch;
    const ctx: VirtioActivation = {
      memory: this.options.host.guest,
      queues: this.queues.map((q) => (q.dead ? undefined : q.live)),
      features: this.driverFeatureBits,
      notify: (i) => {
        if (!live() || !this.serving() || this.queues[i]?.live === undefined) return;
        this.retireBrokenQueues(); // a device working outside an exit reports breakage here
        this.raise(R.VIRTIO_MMIO_INT_VRING);
      },
      configChanged: () => {
        if (!live()) return;
        this.generation = (this.generation + 1) >>> 0;
        this.raise(R.VIRTIO_MMIO_INT_CONFIG);
      },
      needsReset: (reason) => {
        if (live()) this.needsReset(reason);
      },
    };
    this.activated = true;
    this.guarded("activate", () => this.device.activate(ctx));
  }

  /** DRIVER_OK and not given up: buffers may flow (2.1.2). */
  private serving(): boolean {
    return this.activated && (this.status & (STATUS_DRIVER_OK | STATUS_FAILED)) === STATUS_DRIVER_OK;
  }

  private queueNotify(index: number): void {
    this.stats.queueNotifies++;
    const q = this.queues[index];
    if (!this.serving() || q === undefined || q.live === undefined || q.dead) {
      this.stats.ignoredNotifies++;
      return;
    }
    this.guarded(`queue ${index}`, () => this.device.queueNotify(index));
    this.retireBrokenQueues();
  }

  /** The device may have touched any of its queues: retire those the core found malformed. */
  private retireBrokenQueues(): void {
    this.queues.forEach((q, i) => {
      if (q.live !== undefined && !q.dead && q.live.broken) {
        q.dead = true;
        this.needsReset(`queue ${i}: ${q.live.error}`);
      }
    });
  }

  /** Queue registers are the driver's to write after FEATURES_OK, before DRIVER_OK, while not ready. */
  private queueField(set: (q: QueueState) => void): boolean {
    const q = this.queues[this.queueSel];
    const allowed = STATUS_FEATURES_OK | STATUS_DRIVER_OK | STATUS_FAILED | STATUS_DEVICE_NEEDS_RESET;
    if (q === undefined || q.ready || (this.status & allowed) !== STATUS_FEATURES_OK) return this.refuse();
    set(q);
    return true;
  }

  private writeQueueReady(value: number): boolean {
    const q = this.queues[this.queueSel];
    if (value === 0) {
      // Stopping a queue is allowed in any state (Linux does it after a reset, on teardown).
      if (q !== undefined) this.disableQueue(q);
      return true;
    }
    if (value !== 1) return this.refuse();
    return this.queueField((state) => this.enableQueue(state, this.queueSel));
  }

  private enableQueue(q: QueueState, index: number): void {
    q.ready = true;
    if (q.size > q.maxSize) {
      q.dead = true;
      this.needsReset(`queue ${index}: QueueNum ${q.size} exceeds QueueNumMax ${q.maxSize}`);
      return;
    }
    const { core, guest, memory } = this.options.host;
    try {
      q.live = new VirtQueue(core, guest, memory, q.slot, {
        size: q.size, descGpa: q.descGpa, availGpa: q.driverGpa, usedGpa: q.deviceGpa,
        eventIdx: (this.driverFeatureBits & featureBit(VIRTIO_F_RING_EVENT_IDX)) !== 0n,
        indirect: (this.driverFeatureBits & featureBit(VIRTIO_F_RING_INDIRECT_DESC)) !== 0n,
      });
    } catch (err) {
      if (!(err instanceof VirtQueueError)) throw err;
      q.dead = true;
      this.needsReset(`queue ${index}: ${err.message}`);
    }
  }

  private disableQueue(q: QueueState): void {
    // Reset the core's record even with no live queue: a failed setup leaves its error there.
    this.options.host.core.queueReset(q.slot);
    q.live = undefined;
    q.ready = false;
    q.dead = false;
  }

  private resetDevice(): void {
    this.epoch++;
    this.guarded("reset", () => this.device.reset(), false);
    for (const q of this.queues) {
      this.disableQueue(q);
      q.size = q.maxSize;
      q.descGpa = q.driverGpa = q.deviceGpa = 0n;
    }
    this.activated = false;
    this.status = 0;
    this.intStatus = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    this.driverFeatureBits = 0n;
    this.driverFeaturesBeyond = false;
    this.stats.resets++;
    this.updateIrq();
  }

  private needsReset(reason: string): void {
    this.lastError = reason;
    if ((this.status & STATUS_DEVICE_NEEDS_RESET) !== 0) return;
    this.status |= STATUS_DEVICE_NEEDS_RESET;
    this.stats.needsResets++;
    this.log(`${this.name}: DEVICE_NEEDS_RESET: ${reason}`);
    if ((this.status & STATUS_DRIVER_OK) !== 0) this.raise(R.VIRTIO_MMIO_INT_CONFIG);
  }

  private raise(bits: number): void {
    if ((bits & R.VIRTIO_MMIO_INT_VRING) !== 0) this.stats.usedNotifications++;
    if ((bits & R.VIRTIO_MMIO_INT_CONFIG) !== 0) this.stats.configNotifications++;
    this.intStatus |= bits;
    this.updateIrq();
  }

  /** The line is high exactly while an event is unacknowledged (4.2.3.4). */
  private updateIrq(): void {
    const level = this.intStatus !== 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    if (level) this.stats.irqRaises++;
    this.irq.set(level);
  }

  /** Run device code; an exception becomes DEVICE_NEEDS_RESET rather than a dead VM. */
  private guarded(what: string, fn: () => void, markNeedsReset = true): void {
    try {
      fn();
    } catch (err) {
      const why = `${this.device.name} ${what} threw: ${err instanceof Error ? err.message : String(err)}`;
      if (markNeedsReset) this.needsReset(why);
      else this.log(`${this.name}: ${why}`);
    }
  }

  /** Config space accesses are device code on guest offsets too; a throw refuses the access. */
  private guardedConfig(what: string, fn: () => boolean): boolean {
    let ok = false;
    this.guarded(what, () => (ok = fn()));
    return ok;
  }

  private refuse(): boolean {
    this.stats.refusedWrites++;
    return true;
  }
}

/** Config space takes 1, 2, 4 and 8-byte accesses, aligned to their size (8 to 4, as 64-bit fields are). */
function configAccess(offset: number, data: Uint8Array): boolean {
  const size = data.length;
  return (size === 1 || size === 2 || size === 4 || size === 8) && offset % Math.min(size, 4) === 0;
}


function low(old: bigint, value: number): bigint {
  return (old & ~LOW32) | BigInt(value);
}

function high(old: bigint, value: number): bigint {
  return (old & LOW32) | (BigInt(value) << 32n);
}

/** The devicetree node Linux's virtio_mmio driver binds to: one per slot that holds a device. */
export const virtioMmioFdtNodes: FdtNodesOf = (at, ctx) => {
  const node = new FdtNode(`virtio_mmio@${at.base.toString(16)}`).string("compatible", "virtio,mmio");
  return [irqOf(regOf(node, at.base, at.size), at, ctx)];
};

