// queue.ts — the TypeScript face of a split virtqueue: chains as zero-copy views of guest RAM, addUsed, notification control.
//
// All validation happens in Wasm (assembly/virtio/queue.ts): by the time a chain reaches a
// device, every segment is known to lie inside guest RAM, so the views below are safe to write.
// A queue is created by the transport when the driver sets QueueReady (two-phase, as crosvm:
// the registers form a config; activation makes it live).
import {
  CHAIN_HEAD, CHAIN_READABLE, CHAIN_SEGMENT_BYTES, CHAIN_SEGMENTS, CHAIN_WRITABLE, MAX_QUEUES,
  QERR_AVAIL_JUMP, QERR_BAD_CONFIG, QERR_BAD_DESC_ADDR, QERR_BAD_HEAD, QERR_BAD_INDIRECT, QERR_BAD_NEXT,
  QERR_BAD_USED, QERR_CHAIN_TOO_LONG, QERR_NONE, QERR_NOT_READY, QERR_WRITE_BEFORE_READ, SEG_GPA, SEG_LEN,
  SEG_WRITABLE,
} from "../../core/abi.js";
import type { CoreExports } from "../../core/wasm-core.js";
import type { GuestMemory } from "../../core/guest-memory.js";

/** One buffer of a descriptor chain: a view of guest RAM the device reads or writes. */
export interface ChainSegment {
  readonly gpa: bigint;
  readonly view: Uint8Array;
  readonly writable: boolean;
}

export interface DescriptorChain {
  /** Descriptor index the driver will see again in the used ring. */
  readonly head: number;
  readonly segments: readonly ChainSegment[];
  readonly readableBytes: number;
  readonly writableBytes: number;
}

/** Why the Wasm queue gave up on a queue, by its QERR_* code. */
export const QUEUE_ERRORS: Readonly<Record<number, string>> = {
  [QERR_NONE]: "none",
  [QERR_BAD_CONFIG]: "bad queue configuration (size not a power of two in 1..32768, misaligned or outside RAM)",
  [QERR_AVAIL_JUMP]: "avail index moved by more than the queue size",
  [QERR_BAD_HEAD]: "avail ring names a descriptor head outside the table",
  [QERR_BAD_DESC_ADDR]: "descriptor buffer outside guest RAM",
  [QERR_BAD_NEXT]: "descriptor next index outside the table",
  [QERR_CHAIN_TOO_LONG]: "descriptor chain longer than the queue (a loop?)",
  [QERR_BAD_INDIRECT]: "malformed indirect descriptor table",
  [QERR_WRITE_BEFORE_READ]: "device-readable descriptor after a device-writable one",
  [QERR_BAD_USED]: "used element names a head outside the table",
  [QERR_NOT_READY]: "queue used before it was made ready",
};

export interface QueueConfig {
  size: number;
  descGpa: bigint;
  availGpa: bigint;
  usedGpa: bigint;
  eventIdx: boolean;
  indirect: boolean;
}

/** Allocates the Wasm core's queue records (MAX_QUEUES of them) among all devices. */
export class QueueSlots {
  private readonly used = new Set<number>();
  allocate(): number {
    for (let q = 0; q < MAX_QUEUES; q++) {
      if (!this.used.has(q)) {
        this.used.add(q);
        return q;
      }
    }
    throw new Error(`all ${MAX_QUEUES} virtqueue slots of the core are in use`);
  }
  release(q: number): void {
    this.used.delete(q);
  }
}

export class VirtQueueError extends Error {}

export class VirtQueue {
  private readonly chain: DataView;

  /** Throws VirtQueueError when the configuration is invalid (the transport sets NEEDS_RESET). */
  constructor(
    private readonly core: CoreExports,
    private readonly guest: GuestMemory,
    memory: WebAssembly.Memory,
    readonly slot: number,
    readonly config: QueueConfig,
  ) {
    this.chain = new DataView(memory.buffer);
    const err = core.queueSetup(
      slot, config.size, config.descGpa, config.availGpa, config.usedGpa,
      config.eventIdx ? 1 : 0, config.indirect ? 1 : 0,
    );
    if (err !== 0) throw new VirtQueueError(QUEUE_ERRORS[err] ?? `queue error ${err}`);
  }

  /** True once the queue was found malformed; it stays broken until the device is reset. */
  get broken(): boolean {
    return this.core.queueError(this.slot) !== 0;
  }

  get error(): string | undefined {
    const code = this.core.queueError(this.slot);
    return code === 0 ? undefined : (QUEUE_ERRORS[code] ?? `queue error ${code}`);
  }

  /** Chains available and not yet popped. */
  get pending(): number {
    return this.core.queuePending(this.slot);
  }

  /** The next available chain, or undefined when none is (or the queue is broken: check `broken`). */
  pop(): DescriptorChain | undefined {
    const count = this.core.queuePop(this.slot);
    if (count <= 0) return undefined;
    const dv = this.chain;
    const segments: ChainSegment[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const at = CHAIN_SEGMENTS + i * CHAIN_SEGMENT_BYTES;
      const gpa = dv.getBigUint64(at + SEG_GPA, true);
      const len = dv.getUint32(at + SEG_LEN, true);
      segments[i] = { gpa, view: this.guest.view(gpa, len), writable: dv.getUint32(at + SEG_WRITABLE, true) !== 0 };
    }
    return {
      head: dv.getUint32(CHAIN_HEAD, true),
      segments,
      readableBytes: Number(dv.getBigUint64(CHAIN_READABLE, true)),
      writableBytes: Number(dv.getBigUint64(CHAIN_WRITABLE, true)),
    };
  }

  /** Iterate over every available chain (pops as it goes). */
  *chains(): IterableIterator<DescriptorChain> {
    for (let c = this.pop(); c !== undefined; c = this.pop()) yield c;
  }

  /** Give a chain back to the driver with the number of bytes the device wrote into it. */
  addUsed(chain: DescriptorChain, bytesWritten: number): void {
    this.core.queuePushUsed(this.slot, chain.head, Math.min(bytesWritten, chain.writableBytes) >>> 0);
  }

  /** Whether the driver wants an interrupt for what was used since the last call (EVENT_IDX aware). */
  shouldInterrupt(): boolean {
    return this.core.queueShouldInterrupt(this.slot) !== 0;
  }

  /** Ask the driver to notify (true) or not (false) when it adds buffers. */
  setNotify(enable: boolean): void {
    this.core.queueSetNotify(this.slot, enable ? 1 : 0);
  }

  /** Forget the queue in the core (device reset). */
  reset(): void {
    this.core.queueReset(this.slot);
  }
}
