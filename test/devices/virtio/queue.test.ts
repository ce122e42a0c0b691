// queue.test.ts — the Wasm split virtqueue through VirtQueue, against rings hand-built in guest RAM: chains, index wrap, notification suppression, every malformed case.
import { beforeAll, describe, expect, it } from "vitest";
import { QUEUE_ERRORS, VirtQueue, VirtQueueError, type QueueConfig } from "../../../host/devices/virtio/queue.js";
import type { Vcpu } from "../../../host/core/vcpu.js";
import {
  MockSplitQueue, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE,
  VIRTQ_USED_F_NO_NOTIFY,
} from "../../support/mock-split-queue.js";
import { newVcpu } from "../../support/core.js";

const RAM_BYTES = 8 << 20;
const SLOT = 3;
let vcpu: Vcpu;
let ramBase: bigint;
let ramEnd: bigint;

beforeAll(async () => {
  vcpu = await newVcpu(RAM_BYTES);
  ramBase = vcpu.guest.base;
  ramEnd = vcpu.guest.end;
});

function open(config: QueueConfig): VirtQueue {
  return new VirtQueue(vcpu.core, vcpu.guest, vcpu.memory, SLOT, config);
}

/** A fresh mock queue at 1 MiB into RAM and its live VirtQueue. */
function setup(size = 8, features: { eventIdx?: boolean; indirect?: boolean } = {}) {
  const mq = new MockSplitQueue(vcpu.guest, { size, baseGpa: ramBase + 0x10_0000n, regionBytes: 4 << 20 });
  return { mq, q: open(mq.config(features)) };
}

/** Error code → the message VirtQueue reports. */
const E = {
  config: QUEUE_ERRORS[1], jump: QUEUE_ERRORS[2], head: QUEUE_ERRORS[3], addr: QUEUE_ERRORS[4],
  next: QUEUE_ERRORS[5], long: QUEUE_ERRORS[6], indirect: QUEUE_ERRORS[7], order: QUEUE_ERRORS[8],
  used: QUEUE_ERRORS[9], notReady: QUEUE_ERRORS[10],
};

function expectBroken(q: VirtQueue, message: string | undefined): void {
  expect(q.pop()).toBeUndefined();
  expect(q.broken).toBe(true);
  expect(q.error).toBe(message);
}

describe("VirtQueue: well-formed chains", () => {
  it("pops a direct chain as zero-copy views, in order, and returns it through the used ring", () => {
    const { mq, q } = setup();
    const out = mq.buffer(12, false);
    const in1 = mq.buffer(7, true);
    const in2 = mq.buffer(9, true);
    mq.poke(out.gpa, new TextEncoder().encode("hello, world"));
    const head = mq.addChain([out, in1, in2]);
    expect(q.pending).toBe(0); // not published yet
    mq.publish();
    expect(q.pending).toBe(1);
    const chain = q.pop()!;
    expect(chain.head).toBe(head);
    expect(chain.readableBytes).toBe(12);
    expect(chain.writableBytes).toBe(16);
    expect(chain.segments.map((s) => [s.gpa, s.view.length, s.writable])).toEqual([
      [out.gpa, 12, false], [in1.gpa, 7, true], [in2.gpa, 9, true],
    ]);
    expect(new TextDecoder().decode(chain.segments[0]!.view)).toBe("hello, world");
    chain.segments[2]!.view.fill(0xab); // lands in guest RAM, no copy
    expect([...vcpu.guest.read(in2.gpa, 9)]).toEqual(new Array(9).fill(0xab));
    expect(q.pop()).toBeUndefined();
    q.addUsed(chain, 16);
    expect(mq.usedIdx).toBe(1);
    expect(mq.takeUsed()).toEqual([{ id: head, len: 16 }]);
    expect(q.broken).toBe(false);
  });

  it("clamps the used length to the chain's writable bytes", () => {
    const { mq, q } = setup();
    mq.addChain([mq.buffer(4, false), mq.buffer(8, true)]);
    mq.publish();
    q.addUsed(q.pop()!, 1000);
    expect(mq.takeUsed()[0]!.len).toBe(8);
  });

  it("serves device-readable-only and device-writable-only chains, and zero-length buffers", () => {
    const { mq, q } = setup();
    mq.addChain([mq.buffer(3, false), mq.buffer(5, false)]);
    mq.addChain([mq.buffer(0, true), mq.buffer(6, true)]);
    mq.publish();
    const ro = q.pop()!;
    expect([ro.readableBytes, ro.writableBytes]).toEqual([8, 0]);
    const wo = q.pop()!;
    expect([wo.readableBytes, wo.writableBytes]).toEqual([0, 6]);
    expect(wo.segments.map((s) => s.view.length)).toEqual([0, 6]);
  });

  it("follows indirect descriptor tables when INDIRECT_DESC was negotiated", () => {
    const { mq, q } = setup(8, { indirect: true });
    const segs = [mq.buffer(16, false), mq.buffer(32, true), mq.buffer(64, true)];
    const head = mq.addChain(segs, { indirect: true });
    mq.addChain([mq.buffer(4, true)]); // a direct chain after it
    mq.publish();
    const chain = q.pop()!;
    expect(chain.head).toBe(head);
    expect(chain.segments.map((s) => [s.gpa, s.view.length, s.writable])).toEqual(segs.map((s) => [s.gpa, s.len, s.writable]));
    expect(q.pop()!.writableBytes).toBe(4);
  });

  it("accepts a chain exactly as long as the queue", () => {
    const { mq, q } = setup(4);
    mq.addChain([mq.buffer(1, false), mq.buffer(1, false), mq.buffer(1, true), mq.buffer(1, true)]);
    mq.publish();
    expect(q.pop()!.segments).toHaveLength(4);
  });

  it("wraps the avail and used indices from 65535 to 0 without losing a chain", () => {
    const { mq, q } = setup(4);
    const rounds = 65536 + 7;
    for (let i = 0; i < rounds; i++) {
      mq.freeAll();
      const head = mq.addChain([mq.buffer(1, false), mq.buffer(1, true)]);
      mq.publish();
      const chain = q.pop();
      if (chain?.head !== head) throw new Error(`round ${i}: got head ${chain?.head}, want ${head}, ${q.error}`);
      q.addUsed(chain, 1);
    }
    expect(mq.availIdx).toBe(rounds & 0xffff);
    expect(mq.usedIdx).toBe(rounds & 0xffff);
    expect(q.broken).toBe(false);
    // Entries around the wrap are where the ring says they are.
    expect(mq.usedElem((rounds - 1) & 0xffff)).toEqual({ id: ((rounds - 1) * 2) % 4, len: 1 });
  });
});

describe("VirtQueue: notification suppression", () => {
  it("without EVENT_IDX interrupts unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT", () => {
    const { mq, q } = setup();
    mq.addChain([mq.buffer(1, true)]);
    mq.addChain([mq.buffer(1, true)]);
    mq.publish();
    q.addUsed(q.pop()!, 1);
    expect(q.shouldInterrupt()).toBe(true);
    mq.availFlags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    q.addUsed(q.pop()!, 1);
    expect(q.shouldInterrupt()).toBe(false);
  });

  it("without EVENT_IDX asks for notifications with VIRTQ_USED_F_NO_NOTIFY", () => {
    const { mq, q } = setup();
    q.setNotify(false);
    expect(mq.usedFlags).toBe(VIRTQ_USED_F_NO_NOTIFY);
    q.setNotify(true);
    expect(mq.usedFlags).toBe(0);
  });

  it("with EVENT_IDX interrupts only when used.idx passes used_event", () => {
    const { mq, q } = setup(8, { eventIdx: true });
    for (let i = 0; i < 5; i++) mq.addChain([mq.buffer(1, true)]);
    mq.publish();
    mq.usedEvent = 2; // "interrupt me once entry 2 is used"
    mq.availFlags = VIRTQ_AVAIL_F_NO_INTERRUPT; // ignored under EVENT_IDX
    const seen: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      q.addUsed(q.pop()!, 1);
      seen.push(q.shouldInterrupt());
    }
    expect(seen).toEqual([false, false, true, false]);
    // A batch that jumps over used_event still interrupts once.
    mq.usedEvent = 4;
    q.addUsed(q.pop()!, 1);
    expect(q.shouldInterrupt()).toBe(true);
  });

  it("with EVENT_IDX publishes avail_event = the next index it will read, and leaves it on disable", () => {
    const { mq, q } = setup(8, { eventIdx: true });
    for (let i = 0; i < 3; i++) mq.addChain([mq.buffer(1, true)]);
    mq.publish();
    q.pop();
    q.pop();
    q.setNotify(true);
    expect(mq.availEvent).toBe(2);
    q.pop();
    q.setNotify(false); // no flag under EVENT_IDX: the old avail_event stays
    expect(mq.availEvent).toBe(2);
    expect(mq.usedFlags).toBe(0);
  });
});

describe("VirtQueue: malformed queues break with the right error", () => {
  it("refuses bad configurations at setup", () => {
    const good = new MockSplitQueue(vcpu.guest, { size: 8, baseGpa: ramBase + 0x10_0000n }).config();
    const bad: Partial<QueueConfig>[] = [
      { size: 0 }, { size: 6 }, { size: 65536 }, { size: 32768 * 2 },
      { descGpa: good.descGpa + 8n }, { availGpa: good.availGpa + 1n }, { usedGpa: good.usedGpa + 2n },
      { descGpa: 0x1000n }, { availGpa: ramEnd - 4n }, { usedGpa: ramEnd - 8n },
      { descGpa: 0xffff_ffff_ffff_fff0n },
    ];
    for (const patch of bad) {
      expect(() => open({ ...good, ...patch }), JSON.stringify(patch, (_, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)))
        .toThrow(VirtQueueError);
    }
    expect(() => open({ ...good, size: 32768, descGpa: ramBase, availGpa: ramBase + 0x8_0000n, usedGpa: ramBase + 0x9_0000n })).not.toThrow();
  });

  it("avail index moving more than the queue size ahead", () => {
    const { mq, q } = setup(8);
    mq.availIdx = 9;
    expectBroken(q, E.jump);
  });

  it("avail ring naming a head outside the table", () => {
    const { mq, q } = setup(8);
    mq.makeAvailable(8);
    mq.publish();
    expectBroken(q, E.head);
  });

  it.each<[string, () => [bigint, number]]>([
    ["below RAM", () => [0x1000n, 16]],
    ["past the end of RAM", () => [ramEnd + 0x1000n, 16]],
    ["running over the end of RAM", () => [ramEnd - 32n, 64]],
    ["wrapping the 64-bit space", () => [0xffff_ffff_ffff_fff0n, 0x100]],
    ["4 GiB long", () => [ramBase + 0x100n, 0xffff_ffff]],
  ])("a buffer %s", (_what, where) => {
    const { mq, q } = setup(8);
    const [gpa, len] = where();
    mq.addChain([{ gpa, len, writable: true }]);
    mq.publish();
    expectBroken(q, E.addr);
  });

  it("a next index outside the table", () => {
    const { mq, q } = setup(8);
    mq.writeDesc(0, { addr: mq.alloc(4), len: 4, flags: VIRTQ_DESC_F_NEXT, next: 8 });
    mq.makeAvailable(0);
    mq.publish();
    expectBroken(q, E.next);
  });

  it("chains that loop (two descriptors, or one pointing at itself)", () => {
    for (const loop of [[1, 0], [0]]) {
      const { mq, q } = setup(8);
      const buf = mq.alloc(4);
      loop.forEach((next, i) => mq.writeDesc(i, { addr: buf, len: 4, flags: VIRTQ_DESC_F_NEXT, next }));
      mq.makeAvailable(0);
      mq.publish();
      expectBroken(q, E.long);
    }
  });

  it("a device-readable buffer after a device-writable one", () => {
    const { mq, q } = setup(8);
    mq.addChain([mq.buffer(4, true), mq.buffer(4, false)]);
    mq.publish();
    expectBroken(q, E.order);
  });

  it("indirect tables that are not allowed or not well formed", () => {
    type Case = (mq: MockSplitQueue, table: bigint) => void;
    const indirect = (mq: MockSplitQueue, d: { addr: bigint; len: number; flags?: number; next?: number }) =>
      mq.writeDesc(0, { addr: d.addr, len: d.len, flags: VIRTQ_DESC_F_INDIRECT | (d.flags ?? 0), next: d.next ?? 0 });
    const cases: [string, Case, boolean?][] = [
      ["without INDIRECT_DESC negotiated", (mq, t) => indirect(mq, { addr: t, len: 16 }), false],
      ["with NEXT also set", (mq, t) => indirect(mq, { addr: t, len: 16, flags: VIRTQ_DESC_F_NEXT, next: 1 })],
      ["of length zero", (mq, t) => indirect(mq, { addr: t, len: 0 })],
      ["of a length not a multiple of 16", (mq, t) => indirect(mq, { addr: t, len: 24 })],
      ["outside RAM", (mq) => indirect(mq, { addr: ramEnd, len: 16 })],
      ["longer than MAX_CHAIN", (mq) => indirect(mq, { addr: mq.alloc(16 * 1025), len: 16 * 1025 })],
      ["nested", (mq, t) => {
        mq.writeDesc(0, { addr: t, len: 16, flags: VIRTQ_DESC_F_INDIRECT, next: 0 }, t);
        indirect(mq, { addr: t, len: 16 });
      }],
      ["in the middle of a chain", (mq, t) => {
        mq.writeDesc(0, { addr: mq.alloc(4), len: 4, flags: VIRTQ_DESC_F_NEXT, next: 1 });
        mq.writeDesc(1, { addr: t, len: 16, flags: VIRTQ_DESC_F_INDIRECT, next: 0 });
      }],
    ];
    for (const [what, build, negotiated] of cases) {
      const { mq, q } = setup(8, { indirect: negotiated ?? true });
      const table = mq.alloc(64);
      mq.writeDesc(0, { addr: mq.alloc(4), len: 4, flags: VIRTQ_DESC_F_WRITE, next: 0 }, table);
      build(mq, table);
      mq.makeAvailable(0);
      mq.publish();
      expect(q.pop(), what).toBeUndefined();
      expect(q.error, what).toBe(E.indirect);
    }
  });

  it("accepts an indirect table that is only 8-byte aligned (Linux's SLOB allocator hands those out)", () => {
    const { mq, q } = setup(8, { indirect: true });
    const table = mq.alloc(64) + 8n;
    const buf = mq.alloc(4);
    mq.writeDesc(0, { addr: buf, len: 4, flags: VIRTQ_DESC_F_WRITE, next: 0 }, table);
    mq.writeDesc(0, { addr: table, len: 16, flags: VIRTQ_DESC_F_INDIRECT, next: 0 });
    mq.makeAvailable(0);
    mq.publish();
    const chain = q.pop();
    expect(chain?.segments.map((s) => [s.gpa, s.writable])).toEqual([[buf, true]]);
    expect(q.broken).toBe(false);
  });

  it("loops and bad next indices inside an indirect table", () => {
    for (const [next, error] of [[0, E.long], [2, E.next]] as const) {
      const { mq, q } = setup(8, { indirect: true });
      const table = mq.alloc(32);
      mq.writeDesc(0, { addr: mq.alloc(4), len: 4, flags: VIRTQ_DESC_F_NEXT, next: 1 }, table);
      mq.writeDesc(1, { addr: mq.alloc(4), len: 4, flags: VIRTQ_DESC_F_NEXT, next }, table);
      mq.writeDesc(0, { addr: table, len: 32, flags: VIRTQ_DESC_F_INDIRECT, next: 0 });
      mq.makeAvailable(0);
      mq.publish();
      expectBroken(q, error);
    }
  });

  it("a direct chain longer than MAX_CHAIN segments", () => {
    const { mq, q } = setup(2048);
    const buf = mq.buffer(1, true);
    mq.addChain(new Array(1025).fill(buf));
    mq.publish();
    expectBroken(q, E.long);
  });

  it("a used element naming a head outside the table", () => {
    const { q } = setup(8);
    q.addUsed({ head: 8, segments: [], readableBytes: 0, writableBytes: 0 }, 0);
    expect(q.error).toBe(E.used);
  });

  it("a queue used after it was reset", () => {
    const { mq, q } = setup(8);
    mq.addChain([mq.buffer(4, true)]);
    mq.publish();
    q.reset();
    expectBroken(q, E.notReady);
  });

  it("stays broken, serving nothing, even once the ring is repaired", () => {
    const { mq, q } = setup(8);
    mq.availIdx = 100;
    expectBroken(q, E.jump);
    mq.availIdx = 0;
    mq.addChain([mq.buffer(4, true)]);
    mq.publish();
    expect(q.pending).toBe(0);
    expect(q.pop()).toBeUndefined();
  });
});
