// blk.test.ts — virtio-blk at register level: exact-byte read/write/flush/get-id round trips on memory and file disks, read-only refusal, and every malformed request answered, never thrown.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryDisk, type DiskBackend } from "../../../host/backends/disk.js";
import { FileDisk } from "../../../host/backends/node/file-disk.js";
import {
  VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_MAX_WRITE_ZEROES_SECTORS, VIRTIO_BLK_QUEUE_SIZE, VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_SEG_MAX, VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_WRITE_ZEROES, VirtioBlk,
} from "../../../host/devices/virtio/blk.js";
import { STATUS_DEVICE_NEEDS_RESET } from "../../../host/devices/virtio/device.js";
import { VirtioMmioTransport } from "../../../host/devices/virtio/mmio.js";
import * as R from "../../../host/devices/virtio/mmio-regs.js";
import { QueueSlots } from "../../../host/devices/virtio/queue.js";
import type { Vcpu } from "../../../host/core/vcpu.js";
import { MockSplitQueue, type Segment } from "../../support/mock-split-queue.js";
import { newVcpu } from "../../support/core.js";
import { describeVirtioDevice } from "../../support/virtio-conformance.js";
import { FakeIrq, MmioDriver } from "../../support/virtio-mmio-driver.js";

const DISK_BYTES = 64 * 1024;
const SECTORS = DISK_BYTES / 512;
const VERSION_1 = 1n << 32n;
const bit = (n: bigint): bigint => 1n << n;

let vcpu: Vcpu;
beforeAll(async () => {
  vcpu = await newVcpu(16 << 20);
});

/** Every disk byte distinct enough to catch an offset slip: byte i = (i * 7 + i >> 9) & 0xff. */
function pattern(len: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 7 + (i >> 9) + seed) & 0xff);
}

interface Rig {
  disk: DiskBackend;
  blk: VirtioBlk;
  irq: FakeIrq;
  transport: VirtioMmioTransport;
  drv: MmioDriver;
  mq: MockSplitQueue;
  logged: string[];
}

function rig(disk: DiskBackend, features?: bigint, serial?: string): Rig {
  const blk = new VirtioBlk(disk, serial !== undefined ? { serial } : {});
  const irq = new FakeIrq();
  const logged: string[] = [];
  const transport = new VirtioMmioTransport(blk, {
    host: vcpu, slots: new QueueSlots(), irq, baseGpa: 0x1000_1000n, log: (m) => logged.push(m),
  });
  const drv = new MmioDriver(transport);
  const mq = new MockSplitQueue(vcpu.guest, { size: VIRTIO_BLK_QUEUE_SIZE, baseGpa: vcpu.guest.base + 0x10_0000n, regionBytes: 8 << 20 });
  expect(drv.init({ features, queues: [mq] })).toBe(15);
  return { disk, blk, irq, transport, drv, mq, logged };
}

/** A readable 16-byte request header in guest RAM. */
function header(mq: MockSplitQueue, type: number, sector: bigint | number, len = 16): Segment {
  const seg = mq.buffer(len, false);
  const bytes = new Uint8Array(Math.max(len, 16));
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, type, true);
  dv.setBigUint64(8, BigInt.asUintN(64, BigInt(sector)), true);
  vcpu.guest.write(seg.gpa, bytes.subarray(0, len));
  return seg;
}

/** A readable segment holding `bytes`. */
function readable(mq: MockSplitQueue, bytes: Uint8Array): Segment {
  const seg = mq.buffer(bytes.length, false);
  vcpu.guest.write(seg.gpa, bytes);
  return seg;
}

/** A writable status byte, pre-set to 0xff so an untouched status is visible. */
function statusByte(mq: MockSplitQueue): Segment {
  const seg = mq.buffer(1, true);
  vcpu.guest.writeU8(seg.gpa, 0xff);
  return seg;
}

/** One range of a DISCARD / WRITE_ZEROES payload. */
function range(sector: bigint | number, sectors: number, flags = 0): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt.asUintN(64, BigInt(sector)), true);
  dv.setUint32(8, sectors, true);
  dv.setUint32(12, flags, true);
  return b;
}

/** Submit one chain, notify, and return its used length and status byte. */
function submit(r: Rig, segments: Segment[], status: Segment | undefined = segments.at(-1)): { len: number; status: number | undefined } {
  const head = r.mq.addChain(segments);
  r.mq.publish();
  r.drv.notify(0);
  const used = r.mq.takeUsed();
  expect(used.map((u) => u.id)).toEqual([head]);
  return { len: used[0]!.len, status: status === undefined ? undefined : vcpu.guest.readU8(status.gpa) };
}

function readConfig(t: VirtioMmioTransport, offset: number, size: number): bigint {
  const data = new Uint8Array(size);
  expect(t.read(R.VIRTIO_MMIO_CONFIG + offset, data)).toBe(true);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i]!);
  return v;
}

describe("VirtioBlk: identity and config space", () => {
  it("is device type 2 with one queue of 256, offering SEG_MAX, BLK_SIZE, FLUSH, DISCARD and WRITE_ZEROES", () => {
    const blk = new VirtioBlk(new MemoryDisk(DISK_BYTES));
    expect([blk.deviceType, blk.queueMaxSizes]).toEqual([2, [256]]);
    expect(blk.features).toBe(bit(VIRTIO_BLK_F_SEG_MAX) | bit(VIRTIO_BLK_F_BLK_SIZE) | bit(VIRTIO_BLK_F_FLUSH) |
      bit(VIRTIO_BLK_F_DISCARD) | bit(VIRTIO_BLK_F_WRITE_ZEROES));
  });

  it("offers RO and nothing that writes for a read-only disk", () => {
    const blk = new VirtioBlk(new MemoryDisk(DISK_BYTES, { readOnly: true }));
    expect(blk.features).toBe(bit(VIRTIO_BLK_F_SEG_MAX) | bit(VIRTIO_BLK_F_BLK_SIZE) | bit(VIRTIO_BLK_F_FLUSH) | bit(VIRTIO_BLK_F_RO));
  });

  it("lays out capacity, size_max, seg_max, blk_size and the discard / write-zeroes limits (5.2.4)", () => {
    const r = rig(new MemoryDisk(DISK_BYTES));
    const t = r.transport;
    expect(readConfig(t, 0, 8)).toBe(BigInt(SECTORS));
    // Linux reads 64-bit fields as two 32-bit halves.
    expect([readConfig(t, 0, 4), readConfig(t, 4, 4)]).toEqual([BigInt(SECTORS), 0n]);
    expect(readConfig(t, 8, 4)).toBe(0xffff_ffffn);
    expect(readConfig(t, 12, 4)).toBe(BigInt(VIRTIO_BLK_SEG_MAX));
    expect(VIRTIO_BLK_SEG_MAX).toBe(254);
    expect(readConfig(t, 16, 4)).toBe(0n); // geometry: not offered
    expect(readConfig(t, 20, 4)).toBe(512n);
    expect(readConfig(t, 32, 1)).toBe(0n); // writeback
    expect(readConfig(t, 36, 4)).toBe(0x40_0000n); // max_discard_sectors
    expect(readConfig(t, 40, 4)).toBe(256n);
    expect(readConfig(t, 44, 4)).toBe(1n);
    expect(readConfig(t, 48, 4)).toBe(BigInt(VIRTIO_BLK_MAX_WRITE_ZEROES_SECTORS));
    expect(readConfig(t, 52, 4)).toBe(1n);
    expect(readConfig(t, 56, 1)).toBe(0n); // write_zeroes_may_unmap
    expect(t.read(R.VIRTIO_MMIO_CONFIG + 96, new Uint8Array(4))).toBe(false);
    expect(t.write(R.VIRTIO_MMIO_CONFIG + 32, new Uint8Array(1))).toBe(false);
  });

  it("refuses a disk whose size is not whole sectors, and a serial that is not 20 ASCII bytes", () => {
    const odd: DiskBackend = { sizeBytes: 1000, readOnly: false, read() {}, write() {}, flush() {} };
    expect(() => new VirtioBlk(odd)).toThrow(/multiple of 512/);
    expect(() => new VirtioBlk(new MemoryDisk(512), { serial: "x".repeat(21) })).toThrow(/serial/);
    expect(() => new VirtioBlk(new MemoryDisk(512), { serial: "é" })).toThrow(/serial/);
  });
});

describe("VirtioBlk: requests against a MemoryDisk", () => {
  let disk: MemoryDisk;
  let r: Rig;
  beforeEach(() => {
    disk = new MemoryDisk(pattern(DISK_BYTES));
    r = rig(disk);
  });

  it("reads exact bytes into a data buffer split over segments of any length", () => {
    const data = [r.mq.buffer(1000, true), r.mq.buffer(24, true), r.mq.buffer(3072, true)];
    const st = statusByte(r.mq);
    const res = submit(r, [header(r.mq, VIRTIO_BLK_T_IN, 5), ...data, st]);
    expect(res).toEqual({ len: 4096 + 1, status: VIRTIO_BLK_S_OK });
    const got = new Uint8Array([...vcpu.guest.read(data[0]!.gpa, 1000), ...vcpu.guest.read(data[1]!.gpa, 24),
      ...vcpu.guest.read(data[2]!.gpa, 3072)]);
    expect(got).toEqual(disk.bytes.slice(5 * 512, 5 * 512 + 4096));
    expect(r.irq.levels).toEqual([true]);
    expect(r.blk.stats).toMatchObject({ requests: 1, reads: 1, bytesRead: 4096, ioErrors: 0 });
  });

  it("writes exact bytes, acknowledged with used length 1, and reads them back", () => {
    const payload = pattern(1536, 99);
    const st = statusByte(r.mq);
    const res = submit(r, [header(r.mq, VIRTIO_BLK_T_OUT, 7), readable(r.mq, payload.subarray(0, 100)),
      readable(r.mq, payload.subarray(100)), st]);
    expect(res).toEqual({ len: 1, status: VIRTIO_BLK_S_OK });
    expect(disk.bytes.slice(7 * 512, 7 * 512 + 1536)).toEqual(payload);
    // Neighbouring sectors untouched.
    expect(disk.bytes.slice(6 * 512, 7 * 512)).toEqual(pattern(DISK_BYTES).slice(6 * 512, 7 * 512));
    expect(disk.bytes.slice(10 * 512, 11 * 512)).toEqual(pattern(DISK_BYTES).slice(10 * 512, 11 * 512));

    const back = r.mq.buffer(1536, true);
    const st2 = statusByte(r.mq);
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_IN, 7), back, st2])).toEqual({ len: 1537, status: VIRTIO_BLK_S_OK });
    expect(vcpu.guest.read(back.gpa, 1536)).toEqual(payload);
  });

  it("takes any layout: header and data in one buffer, data and status in one buffer, a header split in two", () => {
    const payload = pattern(512, 3);
    const hdr = new Uint8Array(16);
    new DataView(hdr.buffer).setUint32(0, VIRTIO_BLK_T_OUT, true);
    new DataView(hdr.buffer).setBigUint64(8, 2n, true);
    const st = statusByte(r.mq);
    expect(submit(r, [readable(r.mq, new Uint8Array([...hdr, ...payload])), st]).status).toBe(VIRTIO_BLK_S_OK);
    expect(disk.bytes.slice(1024, 1536)).toEqual(payload);

    new DataView(hdr.buffer).setUint32(0, VIRTIO_BLK_T_IN, true);
    const dataAndStatus = r.mq.buffer(513, true);
    const res = submit(r, [readable(r.mq, hdr.subarray(0, 7)), readable(r.mq, hdr.subarray(7)), dataAndStatus], undefined);
    expect(res.len).toBe(513);
    expect(vcpu.guest.read(dataAndStatus.gpa, 512)).toEqual(payload);
    expect(vcpu.guest.readU8(dataAndStatus.gpa + 512n)).toBe(VIRTIO_BLK_S_OK);
  });

  it("serves a batch of requests on one notify with one interrupt, and indirect chains", () => {
    const sts: Segment[] = [];
    for (let i = 0; i < 8; i++) {
      const st = statusByte(r.mq);
      sts.push(st);
      r.mq.addChain([header(r.mq, VIRTIO_BLK_T_OUT, i), readable(r.mq, new Uint8Array(512).fill(i + 1)), st], { indirect: i % 2 === 1 });
    }
    r.mq.publish();
    r.drv.notify(0);
    expect(r.mq.takeUsed().map((u) => u.len)).toEqual(new Array(8).fill(1));
    expect(sts.map((s) => vcpu.guest.readU8(s.gpa))).toEqual(new Array(8).fill(VIRTIO_BLK_S_OK));
    for (let i = 0; i < 8; i++) expect(disk.bytes.slice(i * 512, i * 512 + 512)).toEqual(new Uint8Array(512).fill(i + 1));
    expect(r.irq.levels).toEqual([true]);
    expect(r.transport.stats.usedNotifications).toBe(1);
  });

  it("reads and writes the last sector, and takes zero-length IN/OUT at the end of the disk", () => {
    const st = statusByte(r.mq);
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_OUT, SECTORS - 1), readable(r.mq, new Uint8Array(512).fill(0xee)), st]).status)
      .toBe(VIRTIO_BLK_S_OK);
    expect(disk.bytes.slice(DISK_BYTES - 512)).toEqual(new Uint8Array(512).fill(0xee));
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_IN, SECTORS), statusByte(r.mq)])).toEqual({ len: 1, status: VIRTIO_BLK_S_OK });
  });

  it("FLUSH calls backend.flush() before acknowledging; with FLUSH negotiated, writes do not flush", () => {
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_OUT, 0), readable(r.mq, new Uint8Array(512)), statusByte(r.mq)]).status)
      .toBe(VIRTIO_BLK_S_OK);
    expect(disk.flushes).toBe(0);
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_FLUSH, 0), statusByte(r.mq)])).toEqual({ len: 1, status: VIRTIO_BLK_S_OK });
    expect(disk.flushes).toBe(1);
    expect(r.blk.stats.flushes).toBe(1);
  });

  it("without FLUSH negotiated, every write is flushed before it is acknowledged (write-through)", () => {
    const d = new MemoryDisk(DISK_BYTES);
    const wt = rig(d, VERSION_1);
    expect(submit(wt, [header(wt.mq, VIRTIO_BLK_T_OUT, 0), readable(wt.mq, new Uint8Array(1024)), statusByte(wt.mq)]).status)
      .toBe(VIRTIO_BLK_S_OK);
    expect(d.flushes).toBe(1);
  });

  it("GET_ID returns the 20-byte NUL-padded serial", () => {
    const id = r.mq.buffer(20, true);
    vcpu.guest.fill(id.gpa, 20, 0xaa);
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_GET_ID, 0), id, statusByte(r.mq)])).toEqual({ len: 21, status: VIRTIO_BLK_S_OK });
    const expected = new Uint8Array(20);
    expected.set(new TextEncoder().encode("wasmvisor-disk"));
    expect(vcpu.guest.read(id.gpa, 20)).toEqual(expected);

    const full = rig(new MemoryDisk(DISK_BYTES), undefined, "ABCDEFGHIJKLMNOPQRST");
    const id2 = full.mq.buffer(20, true);
    expect(submit(full, [header(full.mq, VIRTIO_BLK_T_GET_ID, 0), id2, statusByte(full.mq)]).status).toBe(VIRTIO_BLK_S_OK);
    expect(new TextDecoder().decode(vcpu.guest.read(id2.gpa, 20))).toBe("ABCDEFGHIJKLMNOPQRST");
  });

  it("DISCARD validates and keeps the data; WRITE_ZEROES zero-fills exactly its ranges", () => {
    const before = disk.bytes.slice();
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_DISCARD, 0), readable(r.mq, new Uint8Array([...range(4, 8), ...range(20, 2)])),
      statusByte(r.mq)])).toEqual({ len: 1, status: VIRTIO_BLK_S_OK });
    expectSame(disk.bytes, before);

    // Linux sets unmap on write zeroes unless REQ_NOUNMAP: accepted, and the range still reads zero.
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_WRITE_ZEROES, 0), readable(r.mq, range(3, 100, 1)), statusByte(r.mq)]).status)
      .toBe(VIRTIO_BLK_S_OK);
    expect(disk.bytes.slice(3 * 512, 103 * 512)).toEqual(new Uint8Array(100 * 512));
    expect(disk.bytes.slice(0, 3 * 512)).toEqual(before.slice(0, 3 * 512));
    expect(disk.bytes.slice(103 * 512)).toEqual(before.slice(103 * 512));
  });

  it.each([
    ["DISCARD with the unmap flag", VIRTIO_BLK_T_DISCARD, range(0, 1, 1)],
    ["DISCARD with a reserved flag", VIRTIO_BLK_T_DISCARD, range(0, 1, 2)],
    ["WRITE_ZEROES with a reserved flag", VIRTIO_BLK_T_WRITE_ZEROES, range(0, 1, 0x8000_0001)],
  ])("answers UNSUPP to %s (5.2.6.2)", (_what, type, payload) => {
    const before = disk.bytes.slice();
    expect(submit(r, [header(r.mq, type, 0), readable(r.mq, payload), statusByte(r.mq)])).toEqual({ len: 1, status: VIRTIO_BLK_S_UNSUPP });
    expectSame(disk.bytes, before);
  });

  it("answers UNSUPP to DISCARD and WRITE_ZEROES when the driver did not negotiate them", () => {
    const plain = rig(disk, VERSION_1 | bit(VIRTIO_BLK_F_FLUSH));
    for (const type of [VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_T_WRITE_ZEROES]) {
      expect(submit(plain, [header(plain.mq, type, 0), readable(plain.mq, range(0, 1)), statusByte(plain.mq)]).status)
        .toBe(VIRTIO_BLK_S_UNSUPP);
    }
  });

  it("answers IOERR when the backend throws, and goes on serving", () => {
    const failing: DiskBackend = {
      sizeBytes: DISK_BYTES, readOnly: false,
      read() { throw new Error("EIO"); }, write() { throw new Error("ENOSPC"); }, flush() { throw new Error("EIO"); },
    };
    const f = rig(failing);
    expect(submit(f, [header(f.mq, VIRTIO_BLK_T_IN, 0), f.mq.buffer(512, true), statusByte(f.mq)])).toEqual({ len: 1, status: VIRTIO_BLK_S_IOERR });
    expect(submit(f, [header(f.mq, VIRTIO_BLK_T_OUT, 0), readable(f.mq, new Uint8Array(512)), statusByte(f.mq)]).status).toBe(VIRTIO_BLK_S_IOERR);
    expect(submit(f, [header(f.mq, VIRTIO_BLK_T_FLUSH, 0), statusByte(f.mq)]).status).toBe(VIRTIO_BLK_S_IOERR);
    expect(f.blk.lastError).toMatch(/FLUSH: backend: EIO/);
    expect(submit(f, [header(f.mq, VIRTIO_BLK_T_GET_ID, 0), f.mq.buffer(20, true), statusByte(f.mq)]).status).toBe(VIRTIO_BLK_S_OK);
    expect(f.drv.status & STATUS_DEVICE_NEEDS_RESET).toBe(0);
    expect(f.logged).toEqual([]);
  });
});

describe("VirtioBlk: malformed requests are answered, never thrown", () => {
  let disk: MemoryDisk;
  let r: Rig;
  let before: Uint8Array;
  beforeEach(() => {
    disk = new MemoryDisk(pattern(DISK_BYTES));
    before = disk.bytes.slice();
    r = rig(disk);
  });

  const d512 = (mq: MockSplitQueue): Segment => readable(mq, new Uint8Array(512).fill(0x5a));
  type Build = (mq: MockSplitQueue) => Segment[];
  const cases: [string, Build, number][] = [
    ["IN crossing the end of the disk", (mq) => [header(mq, VIRTIO_BLK_T_IN, SECTORS - 1), mq.buffer(1024, true)], VIRTIO_BLK_S_IOERR],
    ["IN starting past the end", (mq) => [header(mq, VIRTIO_BLK_T_IN, SECTORS), mq.buffer(512, true)], VIRTIO_BLK_S_IOERR],
    ["OUT crossing the end of the disk", (mq) => [header(mq, VIRTIO_BLK_T_OUT, SECTORS - 1), d512(mq), d512(mq)], VIRTIO_BLK_S_IOERR],
    ["OUT at sector 2^64 - 1", (mq) => [header(mq, VIRTIO_BLK_T_OUT, (1n << 64n) - 1n), d512(mq)], VIRTIO_BLK_S_IOERR],
    // sector · 512 wraps to 0 in 64-bit arithmetic: an overflow-unsafe check would write sector 0.
    ["OUT at sector 2^55 (byte offset wraps to 0)", (mq) => [header(mq, VIRTIO_BLK_T_OUT, 1n << 55n), d512(mq)], VIRTIO_BLK_S_IOERR],
    ["IN at sector 2^64 - 1", (mq) => [header(mq, VIRTIO_BLK_T_IN, (1n << 64n) - 1n), mq.buffer(512, true)], VIRTIO_BLK_S_IOERR],
    ["IN of 511 bytes", (mq) => [header(mq, VIRTIO_BLK_T_IN, 0), mq.buffer(511, true)], VIRTIO_BLK_S_IOERR],
    ["IN of 513 bytes", (mq) => [header(mq, VIRTIO_BLK_T_IN, 0), mq.buffer(513, true)], VIRTIO_BLK_S_IOERR],
    ["OUT of 100 bytes", (mq) => [header(mq, VIRTIO_BLK_T_OUT, 0), readable(mq, new Uint8Array(100))], VIRTIO_BLK_S_IOERR],
    ["OUT of 1000 bytes", (mq) => [header(mq, VIRTIO_BLK_T_OUT, 0), readable(mq, new Uint8Array(1000))], VIRTIO_BLK_S_IOERR],
    ["a 15-byte header", (mq) => [header(mq, VIRTIO_BLK_T_FLUSH, 0, 15)], VIRTIO_BLK_S_IOERR],
    ["no header at all", () => [], VIRTIO_BLK_S_IOERR],
    ["IN with device-readable data", (mq) => [header(mq, VIRTIO_BLK_T_IN, 0), d512(mq)], VIRTIO_BLK_S_IOERR],
    ["OUT with device-writable data", (mq) => [header(mq, VIRTIO_BLK_T_OUT, 0), mq.buffer(512, true)], VIRTIO_BLK_S_IOERR],
    ["FLUSH with data", (mq) => [header(mq, VIRTIO_BLK_T_FLUSH, 0), d512(mq)], VIRTIO_BLK_S_IOERR],
    ["GET_ID with readable data", (mq) => [header(mq, VIRTIO_BLK_T_GET_ID, 0), d512(mq)], VIRTIO_BLK_S_IOERR],
    ["DISCARD with no ranges", (mq) => [header(mq, VIRTIO_BLK_T_DISCARD, 0)], VIRTIO_BLK_S_IOERR],
    ["DISCARD with a partial range", (mq) => [header(mq, VIRTIO_BLK_T_DISCARD, 0), readable(mq, new Uint8Array(15))], VIRTIO_BLK_S_IOERR],
    ["DISCARD past the end", (mq) => [header(mq, VIRTIO_BLK_T_DISCARD, 0), readable(mq, range(SECTORS - 1, 2))], VIRTIO_BLK_S_IOERR],
    ["DISCARD at sector 2^64 - 1", (mq) => [header(mq, VIRTIO_BLK_T_DISCARD, 0), readable(mq, range((1n << 64n) - 1n, 1))], VIRTIO_BLK_S_IOERR],
    ["DISCARD of 257 ranges", (mq) => [header(mq, VIRTIO_BLK_T_DISCARD, 0), readable(mq, new Uint8Array(257 * 16))], VIRTIO_BLK_S_IOERR],
    ["WRITE_ZEROES past the end", (mq) => [header(mq, VIRTIO_BLK_T_WRITE_ZEROES, 0), readable(mq, range(SECTORS, 1))], VIRTIO_BLK_S_IOERR],
    ["WRITE_ZEROES of two ranges", (mq) => [header(mq, VIRTIO_BLK_T_WRITE_ZEROES, 0), readable(mq, new Uint8Array([...range(0, 1), ...range(1, 1)]))], VIRTIO_BLK_S_IOERR],
    ["WRITE_ZEROES above max_write_zeroes_sectors", (mq) => [header(mq, VIRTIO_BLK_T_WRITE_ZEROES, 0),
      readable(mq, range(0, VIRTIO_BLK_MAX_WRITE_ZEROES_SECTORS + 1))], VIRTIO_BLK_S_IOERR],
    ["WRITE_ZEROES with writable data", (mq) => [header(mq, VIRTIO_BLK_T_WRITE_ZEROES, 0), readable(mq, range(0, 1)), mq.buffer(512, true)], VIRTIO_BLK_S_IOERR],
    ["an unknown type", (mq) => [header(mq, 99, 0)], VIRTIO_BLK_S_UNSUPP],
    ["legacy SCSI_CMD", (mq) => [header(mq, 2, 0), d512(mq)], VIRTIO_BLK_S_UNSUPP],
    ["GET_LIFETIME", (mq) => [header(mq, 10, 0), mq.buffer(8, true)], VIRTIO_BLK_S_UNSUPP],
    ["type 0xffffffff", (mq) => [header(mq, 0xffff_ffff, 0)], VIRTIO_BLK_S_UNSUPP],
  ];

  it.each(cases)("%s", (_what, build, expected) => {
    const st = statusByte(r.mq);
    expect(submit(r, [...build(r.mq), st])).toEqual({ len: 1, status: expected });
    expectSame(disk.bytes, before);
    expect(r.drv.status & STATUS_DEVICE_NEEDS_RESET).toBe(0);
    expect(r.logged).toEqual([]);
    // And the device still serves a good request afterwards.
    const back = r.mq.buffer(512, true);
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_IN, 1), back, statusByte(r.mq)]).status).toBe(VIRTIO_BLK_S_OK);
    expect(vcpu.guest.read(back.gpa, 512)).toEqual(before.slice(512, 1024));
  });

  it("serves every malformed shape in one batch, each with its own status, under one interrupt", () => {
    const sts = cases.map(([, build]) => {
      const st = statusByte(r.mq);
      r.mq.addChain([...build(r.mq), st]);
      return st;
    });
    r.mq.publish();
    expect(() => r.drv.notify(0)).not.toThrow();
    expect(r.mq.takeUsed().map((u) => u.len)).toEqual(cases.map(() => 1));
    expect(sts.map((s) => vcpu.guest.readU8(s.gpa))).toEqual(cases.map(([, , e]) => e));
    expect(r.irq.levels).toEqual([true]);
    expect(r.blk.stats.ioErrors + r.blk.stats.unsupported).toBe(cases.length);
  });

  it.each([
    ["no status byte (all readable)", (mq: MockSplitQueue) => [header(mq, VIRTIO_BLK_T_IN, 0), d512(mq)]],
    ["a status byte that is not writable", (mq: MockSplitQueue) => [header(mq, VIRTIO_BLK_T_FLUSH, 0), readable(mq, Uint8Array.of(0xff))]],
    ["an OUT whose status is readable", (mq: MockSplitQueue) => [header(mq, VIRTIO_BLK_T_OUT, 0), d512(mq), readable(mq, Uint8Array.of(0xff))]],
  ])("returns a chain with %s at used length 0, sets DEVICE_NEEDS_RESET, and still serves the next", (_what, build) => {
    const bad = build(r.mq);
    const good = r.mq.buffer(512, true);
    const st = statusByte(r.mq);
    r.mq.addChain(bad);
    r.mq.addChain([header(r.mq, VIRTIO_BLK_T_IN, 2), good, st]);
    r.mq.publish();
    expect(() => r.drv.notify(0)).not.toThrow();
    expect(r.mq.takeUsed().map((u) => u.len)).toEqual([0, 513]);
    expect(vcpu.guest.readU8(st.gpa)).toBe(VIRTIO_BLK_S_OK);
    expect(vcpu.guest.read(good.gpa, 512)).toEqual(before.slice(1024, 1536));
    expectSame(disk.bytes, before);
    expect(r.drv.status & STATUS_DEVICE_NEEDS_RESET).toBe(STATUS_DEVICE_NEEDS_RESET);
    expect(r.blk.stats.malformed).toBe(1);
    expect(r.logged.join()).toMatch(/no device-writable status byte/);
  });
});

describe("VirtioBlk: read-only disks", () => {
  it("refuses OUT, DISCARD and WRITE_ZEROES with IOERR and writes nothing, even when the driver ignores RO", () => {
    const disk = new MemoryDisk(pattern(DISK_BYTES), { readOnly: true });
    const before = disk.bytes.slice();
    // A driver that did not accept RO (nor anything else) still cannot write.
    const r = rig(disk, VERSION_1);
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_OUT, 0), readable(r.mq, new Uint8Array(512)), statusByte(r.mq)]))
      .toEqual({ len: 1, status: VIRTIO_BLK_S_IOERR });
    expect(r.blk.lastError).toMatch(/read-only/);
    expectSame(disk.bytes, before);
    const back = r.mq.buffer(512, true);
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_IN, 3), back, statusByte(r.mq)]).status).toBe(VIRTIO_BLK_S_OK);
    expect(vcpu.guest.read(back.gpa, 512)).toEqual(before.slice(1536, 2048));
    expect(submit(r, [header(r.mq, VIRTIO_BLK_T_FLUSH, 0), statusByte(r.mq)]).status).toBe(VIRTIO_BLK_S_OK);
  });

  it("does not let a driver negotiate DISCARD on a read-only disk", () => {
    const disk = new MemoryDisk(DISK_BYTES, { readOnly: true });
    const blk = new VirtioBlk(disk);
    // Not offered for a read-only disk, so the transport refuses FEATURES_OK if a driver insists.
    const drv = new MmioDriver(new VirtioMmioTransport(blk, { host: vcpu, slots: new QueueSlots(), irq: new FakeIrq(), baseGpa: 0n }));
    expect(drv.init({ features: VERSION_1 | bit(VIRTIO_BLK_F_DISCARD) }) & 8).toBe(0);
  });
});

describe("VirtioBlk on a FileDisk", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "wasmvisor-blk-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("puts written data in the file, flushes it with FLUSH, and reads it back", () => {
    const path = join(dir, "disk.img");
    writeFileSync(path, pattern(DISK_BYTES));
    const disk = FileDisk.open(path);
    try {
      expect([disk.sizeBytes, disk.readOnly]).toEqual([DISK_BYTES, false]);
      const r = rig(disk);
      const payload = pattern(8192, 42);
      expect(submit(r, [header(r.mq, VIRTIO_BLK_T_OUT, 9), readable(r.mq, payload.subarray(0, 3000)),
        readable(r.mq, payload.subarray(3000)), statusByte(r.mq)]).status).toBe(VIRTIO_BLK_S_OK);
      expect(submit(r, [header(r.mq, VIRTIO_BLK_T_FLUSH, 0), statusByte(r.mq)]).status).toBe(VIRTIO_BLK_S_OK);
      const file = readFileSync(path);
      expect(new Uint8Array(file.subarray(9 * 512, 9 * 512 + 8192))).toEqual(payload);
      expect(new Uint8Array(file.subarray(0, 9 * 512))).toEqual(pattern(DISK_BYTES).subarray(0, 9 * 512));
      expect(file.length).toBe(DISK_BYTES);

      const back = r.mq.buffer(8192, true);
      expect(submit(r, [header(r.mq, VIRTIO_BLK_T_IN, 9), back, statusByte(r.mq)]).status).toBe(VIRTIO_BLK_S_OK);
      expect(vcpu.guest.read(back.gpa, 8192)).toEqual(payload);

      expect(submit(r, [header(r.mq, VIRTIO_BLK_T_WRITE_ZEROES, 0), readable(r.mq, range(10, 4)), statusByte(r.mq)]).status)
        .toBe(VIRTIO_BLK_S_OK);
      expect(new Uint8Array(readFileSync(path).subarray(10 * 512, 14 * 512))).toEqual(new Uint8Array(2048));
      // Crossing the end never grows the file.
      expect(submit(r, [header(r.mq, VIRTIO_BLK_T_OUT, SECTORS - 1), d1024(r.mq), statusByte(r.mq)]).status).toBe(VIRTIO_BLK_S_IOERR);
      expect(readFileSync(path).length).toBe(DISK_BYTES);
    } finally {
      disk.close();
    }
  });

  it("opened read-only: offers RO, refuses writes, leaves the file alone", () => {
    const path = join(dir, "ro.img");
    writeFileSync(path, pattern(4096));
    const disk = FileDisk.open(path, { readOnly: true });
    try {
      const r = rig(disk);
      expect(r.blk.features & bit(VIRTIO_BLK_F_RO)).not.toBe(0n);
      expect(submit(r, [header(r.mq, VIRTIO_BLK_T_OUT, 0), readable(r.mq, new Uint8Array(512)), statusByte(r.mq)]).status)
        .toBe(VIRTIO_BLK_S_IOERR);
      expect(() => disk.write(0, new Uint8Array(512))).toThrow(/read-only/);
      expect(new Uint8Array(readFileSync(path))).toEqual(pattern(4096));
    } finally {
      disk.close();
    }
  });

  it("reports a missing file, a directory, and a size that is not whole sectors, naming the file", () => {
    expect(() => FileDisk.open(join(dir, "nope.img"))).toThrow(`disk image ${join(dir, "nope.img")} does not exist`);
    const sub = join(dir, "subdir");
    mkdirSync(sub);
    expect(() => FileDisk.open(sub, { readOnly: true })).toThrow(/is (a directory|not a regular file)/);
    const odd = join(dir, "odd.img");
    writeFileSync(odd, new Uint8Array(1000));
    expect(() => FileDisk.open(odd)).toThrow(`disk image ${odd} is 1000 bytes, not a multiple of 512`);
  });

  it.skipIf(process.getuid?.() === 0)("reports permission denied", () => {
    const locked = join(dir, "locked.img");
    writeFileSync(locked, new Uint8Array(512));
    chmodSync(locked, 0o444);
    expect(() => FileDisk.open(locked)).toThrow(/permission denied opening disk image .*locked\.img for writing/);
    expect(FileDisk.open(locked, { readOnly: true }).sizeBytes).toBe(512);
  });

  it("throws once closed, and close is idempotent", () => {
    const path = join(dir, "closed.img");
    writeFileSync(path, new Uint8Array(512));
    const disk = FileDisk.open(path);
    disk.close();
    disk.close();
    expect(() => disk.read(0, new Uint8Array(512))).toThrow(/closed/);
  });
});

/** Whole-disk comparison: vitest's deep equality is slow on 64 KiB arrays. */
function expectSame(actual: Uint8Array, expected: Uint8Array): void {
  expect(Buffer.compare(actual, expected), "disk contents changed").toBe(0);
}

function d1024(mq: MockSplitQueue): Segment {
  return readable(mq, new Uint8Array(1024).fill(0x77));
}

describe("MemoryDisk", () => {
  it("refuses sizes that are not whole sectors and accesses outside the disk", () => {
    expect(() => new MemoryDisk(100)).toThrow(/multiple of 512/);
    const d = new MemoryDisk(1024);
    expect(() => d.read(600, new Uint8Array(512))).toThrow(RangeError);
    expect(() => d.write(-1, new Uint8Array(1))).toThrow(RangeError);
    expect(() => new MemoryDisk(512, { readOnly: true }).write(0, new Uint8Array(1))).toThrow(/read-only/);
  });
});

describeVirtioDevice("VirtioBlk", () => new VirtioBlk(new MemoryDisk(DISK_BYTES)));
describeVirtioDevice("VirtioBlk (read-only)", () => new VirtioBlk(new MemoryDisk(DISK_BYTES, { readOnly: true })));
