// rng.ts — VirtioRng, the virtio entropy device (virtio 1.2, 5.4): fills the driver's buffers with random bytes, one exit per batch.
//
// One queue (requestq). On a notify, every available chain is filled straight in guest RAM
// through the zero-copy segment views, returned with the bytes written, and the driver gets
// at most one interrupt for the whole batch (drain, then interrupt, as Firecracker's rng).
import type { EntropySource } from "../../backends/entropy.js";
import { VIRTIO_ID_ENTROPY, type VirtioActivation, type VirtioDevice } from "./device.js";

/** Enough for Linux's hw_random reads (it posts one buffer at a time) with room to batch. */
export const VIRTIO_RNG_QUEUE_SIZE = 256;

export class VirtioRng implements VirtioDevice {
  readonly name = "rng";
  readonly deviceType = VIRTIO_ID_ENTROPY;
  readonly queueMaxSizes = [VIRTIO_RNG_QUEUE_SIZE];
  /** The entropy device defines no feature bits. */
  readonly features = 0n;
  /** Chains served and random bytes written, since construction. */
  requests = 0;
  bytesServed = 0;
  private ctx: VirtioActivation | undefined;

  constructor(private readonly entropy: EntropySource) {}

  /** No config space: every access is refused. */
  readConfig(): boolean {
    return false;
  }
  writeConfig(): boolean {
    return false;
  }

  activate(ctx: VirtioActivation): void {
    this.ctx = ctx;
  }

  queueNotify(queueIndex: number): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[queueIndex];
    if (ctx === undefined || queue === undefined) return;
    let used = 0;
    for (const chain of queue.chains()) {
      // The driver must post only writable buffers (5.4.6.1); readable ones are skipped, not an error.
      let written = 0;
      for (const segment of chain.segments) {
        if (!segment.writable) continue;
        this.entropy.fill(segment.view);
        written += segment.view.length;
      }
      queue.addUsed(chain, written);
      this.bytesServed += written;
      used++;
    }
    this.requests += used;
    // Publish avail_event (EVENT_IDX) or clear NO_NOTIFY so the driver's next buffer kicks us.
    queue.setNotify(true);
    if (used > 0 && queue.shouldInterrupt()) ctx.notify(queueIndex);
  }

  reset(): void {
    this.ctx = undefined;
  }
}
