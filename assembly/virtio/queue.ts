// queue.ts — split virtqueues processed in Wasm, over guest RAM, trusting nothing the guest wrote.
//
// The host configures a queue (addresses from the transport's registers), then pops descriptor
// chains: each pop validates the avail index, the head, every descriptor (address and length in
// RAM, no overflow, readable segments before writable ones), indirect tables (well-formed, not
// nested) and bounds the walk by a time-to-live so a looping chain ends. The segments of a good
// chain land in the chain record at CHAIN_BASE for the host to turn into views of guest RAM.
// Anything malformed marks the queue broken and reports it; the host then sets NEEDS_RESET.
//
// Per-queue record at QUEUE_TABLE + q * QUEUE_RECORD and the chain record at CHAIN_BASE: their
// fields (QREC_*, CHAIN_*, SEG_*) are named in assembly/layout.ts, which the host mirrors.
import {
  CHAIN_COUNT, CHAIN_HEAD, CHAIN_READABLE, CHAIN_SEGMENT_BYTES, CHAIN_SEGMENTS, CHAIN_WRITABLE, MAX_CHAIN,
  MAX_QUEUES, QERR_AVAIL_JUMP, QERR_BAD_CONFIG, QERR_BAD_DESC_ADDR, QERR_BAD_HEAD, QERR_BAD_INDIRECT,
  QERR_BAD_NEXT, QERR_BAD_USED, QERR_CHAIN_TOO_LONG, QERR_NONE, QERR_NOT_READY, QERR_WRITE_BEFORE_READ,
  QREC_AVAIL, QREC_DESC, QREC_ERROR, QREC_FLAGS, QREC_LAST_AVAIL, QREC_SIGNALLED, QREC_SIZE, QREC_USED,
  QREC_USED_IDX, QUEUE_RECORD, QUEUE_TABLE, RAM_BASE, RAM_OFFSET, SEG_GPA, SEG_LEN, SEG_WRITABLE,
} from "../layout";
import { ramSize } from "../cpu/state";

export const MAX_QUEUE_SIZE: u32 = 32768;

const F_READY: u32 = 1;
const F_EVENT_IDX: u32 = 2;
const F_INDIRECT: u32 = 4;
const F_BROKEN: u32 = 8;

const VIRTQ_DESC_F_NEXT: u32 = 1;
const VIRTQ_DESC_F_WRITE: u32 = 2;
const VIRTQ_DESC_F_INDIRECT: u32 = 4;
const VIRTQ_AVAIL_F_NO_INTERRUPT: u32 = 1;
const VIRTQ_USED_F_NO_NOTIFY: u32 = 1;

@inline function rec(q: u32): u32 {
  return QUEUE_TABLE + q * QUEUE_RECORD;
}

/** [gpa, gpa+len) inside RAM, overflow-safe for any 64-bit gpa and len. */
@inline function ramRange(gpa: u64, len: u64): bool {
  const off = gpa - RAM_BASE;
  return gpa >= RAM_BASE && off <= ramSize && len <= ramSize - off;
}

@inline function lin(gpa: u64): u32 {
  return <u32>(gpa - RAM_BASE) + RAM_OFFSET;
}

function fail(q: u32, code: u32): i32 {
  const r = rec(q);
  store<u32>(r, load<u32>(r, QREC_FLAGS) | F_BROKEN, QREC_FLAGS);
  store<u32>(r, code, QREC_ERROR);
  return -1;
}

/**
 * Make queue q live. Returns 0, or an error code (the queue stays not ready) when the size is
 * not a power of two in 1..32768, the rings are misaligned, or any ring lies outside RAM.
 */
export function queueSetup(q: u32, size: u32, descGpa: u64, availGpa: u64, usedGpa: u64, eventIdx: bool, indirect: bool): u32 {
  if (q >= MAX_QUEUES) return QERR_BAD_CONFIG;
  const r = rec(q);
  memory.fill(r, 0, QUEUE_RECORD);
  const s = <u64>size;
  const ok = size != 0 && size <= MAX_QUEUE_SIZE && (size & (size - 1)) == 0 &&
    (descGpa & 15) == 0 && (availGpa & 1) == 0 && (usedGpa & 3) == 0 &&
    ramRange(descGpa, 16 * s) && ramRange(availGpa, 6 + 2 * s) && ramRange(usedGpa, 6 + 8 * s);
  if (!ok) {
    store<u32>(r, QERR_BAD_CONFIG, QREC_ERROR);
    return QERR_BAD_CONFIG;
  }
  store<u64>(r, descGpa, QREC_DESC);
  store<u64>(r, availGpa, QREC_AVAIL);
  store<u64>(r, usedGpa, QREC_USED);
  store<u32>(r, size, QREC_SIZE);
  store<u32>(r, F_READY | (eventIdx ? F_EVENT_IDX : 0) | (indirect ? F_INDIRECT : 0), QREC_FLAGS);
  // The driver starts both indices at zero (virtio 1.2, 2.7.13 / 2.7.14); so do we.
  return QERR_NONE;
}

export function queueReset(q: u32): void {
  if (q < MAX_QUEUES) memory.fill(rec(q), 0, QUEUE_RECORD);
}

export function queueError(q: u32): u32 {
  return q < MAX_QUEUES ? load<u32>(rec(q), QREC_ERROR) : QERR_BAD_CONFIG;
}

/** Chains the driver has made available and we have not popped (0 when broken/not ready). */
export function queuePending(q: u32): u32 {
  if (q >= MAX_QUEUES) return 0;
  const r = rec(q);
  if ((load<u32>(r, QREC_FLAGS) & (F_READY | F_BROKEN)) != F_READY) return 0;
  const availIdx = <u32>load<u16>(lin(load<u64>(r, QREC_AVAIL)) + 2);
  return (availIdx - load<u32>(r, QREC_LAST_AVAIL)) & 0xffff;
}

/**
 * Pop the next available chain into the chain record. Returns the segment count (a chain may
 * have zero-length segments but always at least one descriptor), 0 when none is available, or
 * -1 when the queue is malformed (it is then broken until reset; queueError says why).
 */
export function queuePop(q: u32): i32 {
  if (q >= MAX_QUEUES) return -1;
  const r = rec(q);
  const flags = load<u32>(r, QREC_FLAGS);
  if ((flags & F_BROKEN) != 0) return -1;
  if ((flags & F_READY) == 0) return fail(q, QERR_NOT_READY);
  const size = load<u32>(r, QREC_SIZE);
  const availGpa = load<u64>(r, QREC_AVAIL);
  const last = load<u32>(r, QREC_LAST_AVAIL);
  const availIdx = <u32>load<u16>(lin(availGpa) + 2);
  const pending = (availIdx - last) & 0xffff;
  if (pending == 0) return 0;
  if (pending > size) return fail(q, QERR_AVAIL_JUMP);
  const head = <u32>load<u16>(lin(availGpa) + 4 + ((last & (size - 1)) << 1));
  if (head >= size) return fail(q, QERR_BAD_HEAD);

  let table = load<u64>(r, QREC_DESC);
  let tableLen = size;
  let idx = head;
  let ttl = size; // each descriptor of a table may be visited once: a longer walk is a loop
  let count: u32 = 0;
  let readBytes: u64 = 0;
  let writeBytes: u64 = 0;
  let inIndirect = false;
  while (true) {
    if (ttl == 0) return fail(q, QERR_CHAIN_TOO_LONG);
    ttl--;
    const d = lin(table) + (idx << 4);
    const addr = load<u64>(d);
    const len = <u64>load<u32>(d, 8);
    const dflags = <u32>load<u16>(d, 12);
    const next = <u32>load<u16>(d, 14);
    if ((dflags & VIRTQ_DESC_F_INDIRECT) != 0) {
      // Only a whole chain may be indirect: not nested, not mid-chain, not with NEXT. The table
      // itself needs no alignment (virtio 1.2, 2.7.5.3; Linux's SLOB hands out 8-byte aligned ones).
      if (inIndirect || count != 0 || (flags & F_INDIRECT) == 0 || (dflags & VIRTQ_DESC_F_NEXT) != 0 ||
          len == 0 || (len & 15) != 0 || len / 16 > <u64>MAX_CHAIN || !ramRange(addr, len)) {
        return fail(q, QERR_BAD_INDIRECT);
      }
      table = addr;
      tableLen = <u32>(len >> 4);
      ttl = tableLen;
      idx = 0;
      inIndirect = true;
      continue;
    }
    if (!ramRange(addr, len)) return fail(q, QERR_BAD_DESC_ADDR);
    const writable = (dflags & VIRTQ_DESC_F_WRITE) != 0;
    if (!writable && writeBytes != 0) return fail(q, QERR_WRITE_BEFORE_READ);
    if (count >= MAX_CHAIN) return fail(q, QERR_CHAIN_TOO_LONG);
    const seg = CHAIN_SEGMENTS + count * CHAIN_SEGMENT_BYTES;
    store<u64>(seg, addr, SEG_GPA);
    store<u32>(seg, <u32>len, SEG_LEN);
    store<u32>(seg, writable ? 1 : 0, SEG_WRITABLE);
    count++;
    if (writable) writeBytes += len;
    else readBytes += len;
    if ((dflags & VIRTQ_DESC_F_NEXT) == 0) break;
    if (next >= tableLen) return fail(q, QERR_BAD_NEXT);
    idx = next;
  }
  store<u32>(CHAIN_HEAD, head);
  store<u32>(CHAIN_COUNT, count);
  store<u64>(CHAIN_READABLE, readBytes);
  store<u64>(CHAIN_WRITABLE, writeBytes);
  store<u32>(r, (last + 1) & 0xffff, QREC_LAST_AVAIL);
  return <i32>count;
}

/** Return a chain to the driver: used.ring[used_idx % size] = {head, len}; used_idx++. */
export function queuePushUsed(q: u32, head: u32, len: u32): i32 {
  if (q >= MAX_QUEUES) return -1;
  const r = rec(q);
  const flags = load<u32>(r, QREC_FLAGS);
  if ((flags & (F_READY | F_BROKEN)) != F_READY) return -1;
  const size = load<u32>(r, QREC_SIZE);
  if (head >= size) return fail(q, QERR_BAD_USED);
  const used = lin(load<u64>(r, QREC_USED));
  const idx = load<u32>(r, QREC_USED_IDX);
  const elem = used + 4 + ((idx & (size - 1)) << 3);
  store<u32>(elem, head);
  store<u32>(elem, len, 4);
  const nextIdx = (idx + 1) & 0xffff;
  store<u32>(r, nextIdx, QREC_USED_IDX);
  // One thread: no other agent observes RAM between the element and index stores, so the
  // write barrier a real device needs here is implicit.
  store<u16>(used + 2, <u16>nextIdx);
  return 0;
}

/**
 * Should the device interrupt the driver for the chains used since the last interrupt?
 * EVENT_IDX: only when used_idx passed the driver's used_event (vring_need_event); otherwise
 * unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT.
 */
export function queueShouldInterrupt(q: u32): bool {
  if (q >= MAX_QUEUES) return false;
  const r = rec(q);
  const flags = load<u32>(r, QREC_FLAGS);
  if ((flags & F_READY) == 0) return false;
  const usedIdx = load<u32>(r, QREC_USED_IDX);
  const old = load<u32>(r, QREC_SIGNALLED);
  store<u32>(r, usedIdx, QREC_SIGNALLED);
  if ((flags & F_EVENT_IDX) != 0) {
    const size = load<u32>(r, QREC_SIZE);
    const usedEvent = <u32>load<u16>(lin(load<u64>(r, QREC_AVAIL)) + 4 + (size << 1));
    // vring_need_event: (u16)(new - event - 1) < (u16)(new - old)
    return ((usedIdx - usedEvent - 1) & 0xffff) < ((usedIdx - old) & 0xffff);
  }
  const availFlags = <u32>load<u16>(lin(load<u64>(r, QREC_AVAIL)));
  return (availFlags & VIRTQ_AVAIL_F_NO_INTERRUPT) == 0;
}

/**
 * Ask the driver to notify (or not) when it adds buffers. EVENT_IDX: avail_event = the next
 * index we will look at; otherwise the VIRTQ_USED_F_NO_NOTIFY flag.
 */
export function queueSetNotify(q: u32, enable: bool): void {
  if (q >= MAX_QUEUES) return;
  const r = rec(q);
  const flags = load<u32>(r, QREC_FLAGS);
  if ((flags & (F_READY | F_BROKEN)) != F_READY) return;
  const used = lin(load<u64>(r, QREC_USED));
  if ((flags & F_EVENT_IDX) != 0) {
    const size = load<u32>(r, QREC_SIZE);
    if (enable) store<u16>(used + 4 + (size << 3), <u16>load<u32>(r, QREC_LAST_AVAIL));
  } else {
    store<u16>(used, enable ? 0 : <u16>VIRTQ_USED_F_NO_NOTIFY);
  }
}
