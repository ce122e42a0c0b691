// fuzz.test.ts — seeded fuzzing of the virtio path: hostile rings and register sequences must never throw, touch memory outside their buffers, or stop a healthy neighbour.
//
// Two VirtioRng transports share one core: a "victim" the fuzzer attacks and a "neighbour"
// (another queue slot) that serves one well-formed request after every fuzz step. Guest RAM is
// split so that every descriptor, ring and table the fuzzer builds lies in the fuzz region; the
// canary regions around it (the neighbour's region apart) must not change except through a
// validated buffer, and linear memory outside guest RAM must not change beyond the core's
// queue records in use and its chain scratch.
import { beforeAll, describe, expect, it } from "vitest";
import { CHAIN_BASE, CHAIN_SEGMENTS, MAX_CHAIN, QUEUE_RECORD, QUEUE_TABLE, RAM_OFFSET } from "../../../host/core/abi.js";
import type { EntropySource } from "../../../host/backends/entropy.js";
import { STATUS_DEVICE_NEEDS_RESET as NEEDS_RESET, STATUS_DRIVER_OK } from "../../../host/devices/virtio/device.js";
import { VirtioMmioTransport } from "../../../host/devices/virtio/mmio.js";
import * as R from "../../../host/devices/virtio/mmio-regs.js";
import { QueueSlots } from "../../../host/devices/virtio/queue.js";
import { VirtioRng } from "../../../host/devices/virtio/rng.js";
import type { Vcpu } from "../../../host/core/vcpu.js";
import {
  MockSplitQueue, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE,
} from "../../support/mock-split-queue.js";
import { newVcpu } from "../../support/core.js";
import { FakeIrq, MmioDriver } from "../../support/virtio-mmio-driver.js";

const SEED = 0x5eed_1e55;
const RING_ROUNDS = 10000;
const REGISTER_ROUNDS = 8000;
const MiB = 1 << 20;
const RAM_BYTES = 8 * MiB;
/** Addresses the fuzzer hands out stay this far below the fuzz region's end, so rings fit. */
const RING_SLACK = 64 * 1024;

/** mulberry32: small, fast, and the same sequence on every run. */
class Prng {
  constructor(private state: number) {}
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/**
 * The victim's entropy, which also vouches for its writes. A garbage table read from recycled
 * fuzz memory can name a buffer anywhere in RAM, canaries included, and the guest is entitled
 * to that: such a buffer passed validation, and its bytes are the device's to fill. So every
 * fill is reported to the watch, and a canary may change only where a validated segment said;
 * the core's own writes (used ring, avail_event) and anything else are held to the canary.
 */
let watchRef: MemoryWatch | undefined;
const victimEntropy: EntropySource = {
  fill: (dest) => {
    dest.fill(0x55);
    watchRef?.vouch(dest);
  },
};

class CountingEntropy implements EntropySource {
  next = 0;
  fill(dest: Uint8Array): void {
    for (let i = 0; i < dest.length; i++) dest[i] = this.next++ & 0xff;
  }
}

let vcpu: Vcpu;
let ramBase: bigint;
let ramEnd: bigint;
let fuzzStart: bigint;
let fuzzEnd: bigint;
const canaries: [bigint, number][] = [];

/** Linear memory the virtio path must never write: all below guest RAM but the records in use and the chain scratch. */
function protectedRanges(slotsInUse: number): [number, number][] {
  return [
    [0, QUEUE_TABLE], // CPU state, exit record, TLB, PLIC/CLINT
    [QUEUE_TABLE + QUEUE_RECORD * slotsInUse, CHAIN_BASE], // queue records nobody owns
    [CHAIN_SEGMENTS + 16 * MAX_CHAIN, RAM_OFFSET], // AssemblyScript static data and unused space
  ];
}

/** Snapshots of protected linear memory and the RAM canaries; `changed()` names what moved. */
class MemoryWatch {
  private readonly linear: [number, Buffer][];
  private readonly ram: [bigint, Buffer][];
  constructor(slotsInUse: number) {
    const buf = vcpu.memory.buffer;
    this.linear = protectedRanges(slotsInUse).map(([from, to]) => [from, Buffer.from(new Uint8Array(buf, from, to - from))]);
    this.ram = canaries.map(([gpa, len]) => [gpa, Buffer.from(vcpu.guest.read(gpa, len))]);
  }
  /** A validated segment view was written: the canaries may legitimately change there. */
  vouch(view: Uint8Array): void {
    const gpa = BigInt(view.byteOffset - RAM_OFFSET) + vcpu.guest.base;
    for (const [start, snap] of this.ram) {
      const from = Math.max(0, Number(gpa - start));
      const to = Math.min(snap.length, Number(gpa - start) + view.length);
      if (from < to) {
        snap.set(vcpu.guest.view(start + BigInt(from), to - from), from);
        this.vouched++;
      }
    }
  }
  vouched = 0;

  changed(): string[] {
    const buf = vcpu.memory.buffer;
    const out: string[] = [];
    for (const [from, snap] of this.linear) {
      if (!Buffer.from(buf, from, snap.length).equals(snap)) out.push(`linear [0x${from.toString(16)}, +0x${snap.length.toString(16)})`);
    }
    for (const [gpa, snap] of this.ram) {
      if (!Buffer.from(vcpu.guest.view(gpa, snap.length)).equals(snap)) out.push(`RAM canary at 0x${gpa.toString(16)}`);
    }
    return out;
  }
}

/** The healthy device: one well-formed request per call, checked byte for byte. */
class Neighbour {
  readonly entropy = new CountingEntropy();
  readonly irq = new FakeIrq(2);
  readonly transport: VirtioMmioTransport;
  readonly drv: MmioDriver;
  readonly mq: MockSplitQueue;
  served = 0;
  constructor(slots: QueueSlots) {
    this.transport = new VirtioMmioTransport(new VirtioRng(this.entropy), { host: vcpu, slots, irq: this.irq, baseGpa: 0x1000_2000n });
    this.drv = new MmioDriver(this.transport);
    this.mq = new MockSplitQueue(vcpu.guest, { size: 16, baseGpa: ramBase + BigInt(6 * MiB), regionBytes: MiB });
    if (this.drv.init({ queues: [this.mq] }) !== 15) throw new Error("neighbour failed to initialise");
  }
  serveOne(): void {
    this.mq.freeAll();
    const buf = this.mq.buffer(32, true);
    const head = this.mq.addChain([buf]);
    this.mq.publish();
    const start = this.entropy.next;
    this.drv.notify(0);
    const used = this.mq.takeUsed();
    const bytes = vcpu.guest.read(buf.gpa, 32);
    const ok = used.length === 1 && used[0]!.id === head && used[0]!.len === 32 &&
      bytes.every((b, i) => b === ((start + i) & 0xff)) && (this.drv.status & NEEDS_RESET) === 0;
    if (!ok) throw new Error(`neighbour request ${this.served} failed: used ${JSON.stringify(used)}, status ${this.drv.status}`);
    this.drv.ackInterrupt();
    this.served++;
  }
}

/** The device under attack and the fuzzer's generators. */
class Victim {
  readonly irq = new FakeIrq(1);
  readonly transport: VirtioMmioTransport;
  readonly drv: MmioDriver;
  readonly slot: number;
  mq: MockSplitQueue | undefined;
  constructor(slots: QueueSlots, readonly rnd: Prng) {
    this.transport = new VirtioMmioTransport(new VirtioRng(victimEntropy), {
      host: vcpu, slots, irq: this.irq, baseGpa: 0x1000_1000n, log: () => {},
    });
    this.drv = new MmioDriver(this.transport);
    this.slot = 1; // the neighbour took slot 0
  }

  /** An address inside the fuzz region, at a random alignment, leaving room for rings. */
  fuzzAddr(): bigint {
    const span = Number(fuzzEnd - fuzzStart) - RING_SLACK;
    const align = this.rnd.pick([1, 2, 4, 8, 16, 16, 4096]);
    return fuzzStart + BigInt(Math.floor(this.rnd.int(span) / align) * align);
  }

  /** A (gpa, len) pair: either wholly in the fuzz region, or one the core must reject. */
  buffer(): [bigint, number] {
    const r = this.rnd;
    switch (r.int(8)) {
      case 0: return [r.pick([0n, 0x1000n, ramBase - 16n, ramBase - 1n]), r.pick([1, 16, 64])];
      case 1: { const k = 1 + r.int(64); return [ramEnd - BigInt(k), k + 1 + r.int(64)]; } // straddles the end
      case 2: return [ramEnd + BigInt(r.int(1 << 20)), r.int(4096)];
      case 3: return [(1n << 64n) - BigInt(1 + r.int(4096)), 1 + r.int(8192)]; // wraps 2^64
      case 4: return [(BigInt(r.u32()) << 32n) | BigInt(r.u32()), r.u32()];
      case 5: { const a = this.fuzzAddr(); return [a, r.pick([0x7fff_ffff, 0xffff_ffff, RAM_BYTES])]; } // huge
      default: { const a = this.fuzzAddr(); return [a, Math.min(r.pick([0, 1, 16, 512, 4096, 65536]), Number(fuzzEnd - a))]; }
    }
  }

  /** A fresh initialisation with random features and a random (maybe invalid) queue size. */
  init(): void {
    const r = this.rnd;
    const size = r.pick([1, 2, 4, 8, 16, 64, 256, 256, 3, 6, 100, 512, 0]);
    const valid = size > 0 && (size & (size - 1)) === 0 && size <= 256;
    this.mq = size > 0 ? new MockSplitQueue(vcpu.guest, { size, baseGpa: this.fuzzAddr() & ~15n, regionBytes: RING_SLACK }) : undefined;
    const offered = this.transport.offeredFeatures;
    const features = r.chance(0.8) ? offered & ~(r.chance(0.5) ? 0n : BigInt(r.u32()) & 0x3000_0000n) : BigInt(r.u32()) << BigInt(r.int(3) * 32);
    this.drv.status = 0;
    if (this.mq !== undefined && this.mq.size <= 256) {
      this.drv.init({ features, queues: [this.mq] });
    } else {
      this.drv.init({ features, skipDriverOk: true });
      this.drv.write32(R.VIRTIO_MMIO_QUEUE_NUM, size);
      this.drv.writeAddress(R.VIRTIO_MMIO_QUEUE_DESC_LOW, this.fuzzAddr() & ~15n);
      this.drv.write32(R.VIRTIO_MMIO_QUEUE_READY, 1);
      this.drv.addStatus(STATUS_DRIVER_OK);
    }
    const st = this.drv.status;
    if ((st & 8) !== 0 && !valid) expect(st & NEEDS_RESET, `size ${size} accepted`).toBe(NEEDS_RESET);
  }

  /** One hostile edit of the rings, then notify. */
  attackRings(): void {
    const r = this.rnd;
    const mq = this.mq;
    if (mq === undefined || mq.size > 256) return this.drv.notify(r.int(3));
    mq.freeAll();
    const steps = 1 + r.int(6);
    const hostile = r.chance(0.5); // half the rounds only add good chains, so serving is exercised too
    for (let s = 0; s < steps; s++) {
      switch (hostile ? r.int(9) : 0) {
        case 0: case 1: { // a well-formed chain of in-region buffers
          const segs = Array.from({ length: 1 + r.int(4) }, () => mq.buffer(r.int(256), true));
          mq.addChain(segs, { indirect: r.chance(0.3) });
          break;
        }
        case 2: { // a garbage descriptor
          const [addr, len] = this.buffer();
          mq.writeDesc(r.int(mq.size), { addr, len, flags: r.chance(0.2) ? r.int(0x10000) : r.int(8), next: r.pick([r.int(mq.size), r.int(mq.size + 4), 0xffff]) });
          break;
        }
        case 3: { // a loop
          const a = r.int(mq.size);
          const b = r.int(mq.size);
          const buf = mq.buffer(8, true);
          mq.writeDesc(a, { addr: buf.gpa, len: 8, flags: VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, next: b });
          mq.writeDesc(b, { addr: buf.gpa, len: 8, flags: VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, next: a });
          mq.makeAvailable(a);
          break;
        }
        case 4: { // an indirect table full of garbage
          const n = 1 + r.int(8);
          const table = mq.alloc(16 * n);
          for (let i = 0; i < n; i++) {
            const [addr, len] = this.buffer();
            mq.writeDesc(i, { addr, len, flags: r.int(8), next: r.int(n + 2) }, table);
          }
          const [badAddr] = this.buffer();
          mq.writeDesc(r.int(mq.size), {
            addr: r.chance(0.7) ? table : badAddr, len: r.pick([16 * n, 16 * n + 8, 0, 16 * 2048]),
            flags: VIRTQ_DESC_F_INDIRECT | (r.chance(0.2) ? VIRTQ_DESC_F_NEXT : 0), next: r.int(mq.size),
          });
          break;
        }
        case 5: mq.makeAvailable(r.pick([r.int(mq.size), mq.size, 0xffff])); break; // heads, some out of table
        case 6: mq.availIdx = r.chance(0.5) ? mq.availIdx + r.int(2 * mq.size + 2) : r.int(0x10000); break; // racing ahead
        case 7: mq.availFlags = r.int(4); mq.usedEvent = r.int(0x10000); break;
        default: mq.publish();
      }
    }
    if (r.chance(0.8)) mq.publish();
    this.drv.notify(r.chance(0.9) ? 0 : r.int(4));
  }

  /** One random register access, of any size and alignment, in whatever state the device is. */
  attackRegisters(): void {
    const r = this.rnd;
    const size = r.pick([1, 2, 4, 4, 4, 8]);
    const offset = r.chance(0.7) ? r.int(0x110 / 4) * 4 : r.int(R.VIRTIO_MMIO_WINDOW_BYTES - size + 1);
    const data = new Uint8Array(size);
    if (r.chance(0.4)) {
      expect(typeof this.transport.read(offset, data)).toBe("boolean");
      return;
    }
    let value = r.pick([0, 1, 2, 3, 0xf, 0x8b, 0xffff_ffff, r.u32(), r.int(0x100)]);
    const isAddress = offset >= R.VIRTIO_MMIO_QUEUE_DESC_LOW && offset <= R.VIRTIO_MMIO_QUEUE_DEVICE_HIGH && (offset & 0xf) <= 4;
    if (isAddress) {
      // Address registers only ever get addresses in the fuzz region or outside RAM.
      const gpa = r.chance(0.7) ? this.fuzzAddr() & ~15n : this.buffer()[0];
      value = Number(((offset & 4) === 0 ? gpa : gpa >> 32n) & 0xffff_ffffn);
    }
    if (offset === R.VIRTIO_MMIO_STATUS) value = r.pick([0, 1, 3, 0xb, 0xf, 0x4f, 0x80, r.int(0x100)]);
    for (let i = 0; i < size; i++) data[i] = (value >>> (8 * (i & 3))) & 0xff;
    expect(typeof this.transport.write(offset, data)).toBe("boolean");
  }

  /** What must hold after every step. */
  checkInvariants(): void {
    const t = this.transport;
    expect(this.irq.level, "IRQ level follows InterruptStatus").toBe(t.interruptStatus !== 0);
    if (vcpu.core.queueError(this.slot) !== 0) expect(t.deviceStatus & NEEDS_RESET, "a broken queue sets NEEDS_RESET").toBe(NEEDS_RESET);
    const st = t.deviceStatus;
    if ((st & STATUS_DRIVER_OK) !== 0) expect(st & 0xb, "DRIVER_OK implies the earlier steps").toBe(0xb);
    if ((st & 8) !== 0) {
      expect(t.driverFeatures & ~t.offeredFeatures, "FEATURES_OK only for a subset").toBe(0n);
      expect(t.driverFeatures & (1n << 32n)).toBe(1n << 32n);
    }
    expect(this.drv.read32(R.VIRTIO_MMIO_MAGIC_VALUE)).toBe(R.VIRTIO_MMIO_MAGIC);
    // A device exception (a GuestMemoryError on a segment view, say) would mean validation let a bad buffer through.
    expect(t.lastError ?? "").not.toMatch(/threw/);
  }
}

beforeAll(async () => {
  vcpu = await newVcpu(RAM_BYTES);
  ramBase = vcpu.guest.base;
  ramEnd = vcpu.guest.end;
  fuzzStart = ramBase + BigInt(MiB);
  fuzzEnd = ramBase + BigInt(5 * MiB);
  canaries.push([ramBase, MiB], [ramBase + BigInt(5 * MiB), MiB], [ramBase + BigInt(7 * MiB), MiB]);
  for (const [gpa, len] of canaries) {
    const pattern = Uint8Array.from({ length: len }, (_, i) => (i * 131 + 7) & 0xff);
    vcpu.guest.write(gpa, pattern);
  }
});

/** Post one single-buffer chain at any address. */
function post(mq: MockSplitQueue, gpa: bigint, len: number): void {
  mq.addChain([{ gpa, len, writable: true }]);
  mq.publish();
}

/** Run `rounds` steps of `step` with the neighbour serving after each; fail with the round's number. */
function campaign(seed: number, rounds: number, step: (v: Victim, round: number) => void): { victim: Victim; neighbour: Neighbour } {
  const slots = new QueueSlots();
  const neighbour = new Neighbour(slots);
  const victim = new Victim(slots, new Prng(seed));
  const watch = new MemoryWatch(2);
  watchRef = watch;
  for (let round = 0; round < rounds; round++) {
    try {
      step(victim, round);
      victim.checkInvariants();
      neighbour.serveOne();
      if (round % 250 === 249) expect(watch.changed()).toEqual([]);
    } catch (err) {
      throw new Error(`seed 0x${seed.toString(16)} round ${round}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  expect(watch.changed()).toEqual([]);
  return { victim, neighbour };
}

describe("virtio fuzzing (fixed seed)", () => {
  it("survives hostile rings: no exception, no stray write, NEEDS_RESET on broken queues, the neighbour unharmed", () => {
    const { victim, neighbour } = campaign(SEED, RING_ROUNDS, (v, round) => {
      const st = v.transport.deviceStatus;
      if (round === 0 || (st & NEEDS_RESET) !== 0 || (st & STATUS_DRIVER_OK) === 0 || v.rnd.chance(0.05)) v.init();
      v.attackRings();
    });
    expect(neighbour.served).toBe(RING_ROUNDS);
    // The campaign must have reached both outcomes, or it tested little.
    expect(victim.transport.stats.needsResets).toBeGreaterThan(RING_ROUNDS / 10);
    expect(victim.transport.stats.usedNotifications).toBeGreaterThan(RING_ROUNDS / 20);
  });

  it("survives random register traffic in random states", () => {
    const { victim } = campaign(SEED ^ 0xabcdef, REGISTER_ROUNDS, (v, round) => {
      if (round % 50 === 0) {
        v.init();
        // Then fall back to an earlier step of the status machine, to fuzz every state.
        if (v.rnd.chance(0.5)) {
          v.drv.status = 0;
          for (const bit of [1, 2, 8, 4].slice(0, v.rnd.int(4))) v.drv.addStatus(bit);
        }
      }
      for (let i = 0; i < 8; i++) v.attackRegisters();
      if (v.rnd.chance(0.3)) v.attackRings();
    });
    expect(victim.transport.stats.refusedWrites).toBeGreaterThan(0);
    expect(victim.transport.stats.resets).toBeGreaterThan(REGISTER_ROUNDS / 50);
  });

  it.each([
    ["a two-descriptor loop", (mq: MockSplitQueue) => {
      const b = mq.buffer(8, true);
      mq.writeDesc(0, { addr: b.gpa, len: 8, flags: VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, next: 1 });
      mq.writeDesc(1, { addr: b.gpa, len: 8, flags: VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, next: 0 });
      mq.makeAvailable(0);
      mq.publish();
    }],
    ["a buffer outside RAM", (mq: MockSplitQueue) => post(mq, ramEnd + 0x1000n, 64)],
    ["a buffer of 4 GiB", (mq: MockSplitQueue) => post(mq, fuzzStart, 0xffff_ffff)],
    ["a buffer wrapping 2^64", (mq: MockSplitQueue) => post(mq, (1n << 64n) - 8n, 64)],
    ["a head outside the table", (mq: MockSplitQueue) => {
      mq.makeAvailable(mq.size);
      mq.publish();
    }],
    ["an avail index racing ahead", (mq: MockSplitQueue) => {
      mq.availIdx = 0x8000;
    }],
  ])("sets NEEDS_RESET with a config interrupt for %s, and recovers after a reset", (_what, spoil) => {
    campaign(SEED + 1, 3, (v) => {
      v.drv.status = 0;
      v.mq = new MockSplitQueue(vcpu.guest, { size: 8, baseGpa: fuzzStart, regionBytes: RING_SLACK });
      expect(v.drv.init({ queues: [v.mq] })).toBe(15);
      spoil(v.mq);
      v.drv.notify(0);
      expect(v.drv.status & NEEDS_RESET).toBe(NEEDS_RESET);
      expect(v.drv.ackInterrupt()).toBe(R.VIRTIO_MMIO_INT_CONFIG);
    });
  });
});
