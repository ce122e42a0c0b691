// rngboi.ts — "RNGBOI-1337", the register RNG: every read of rng0 returns fresh random bits, one exit per read.
//
// It exists to be measured against virtio-rng: Linux's timeriomem-rng driver reads it 32 bits
// (one MMIO exit) at a time, where virtio-rng fills a whole buffer per exit.
//
// Devicetree (Documentation/devicetree/bindings/rng/timeriomem_rng.yaml, read by
// drivers/char/hw_random/timeriomem-rng.c):
//   compatible = "timeriomem_rng"
//   reg        one window; the driver refuses it unless it is 32-bit aligned and >= 4 bytes,
//              and it only ever does 32-bit reads (readl) at offset 0.
//   period     required (probe fails with "missing period" without it): microseconds the driver
//              waits between two samples — it usleep()s that long between reads. Our register
//              is fresh on every read, so the shortest period, 1 µs, is honest.
//   quality    optional, default 0: estimated bits of true entropy per 1024 bits read. 0 means
//              "use the hwrng core's default", which may keep the device from feeding the
//              kernel's entropy pool; our bits come from the host's CSPRNG, so we claim 1000.
import type { EntropySource } from "../backends/entropy.js";
import type { BusDevice } from "./bus.js";
import { FdtNode } from "./fdt-node.js";
import { regOf, type FdtNodesOf } from "./placement.js";

export const RNGBOI_COMPATIBLE = "timeriomem_rng";
export const RNGBOI_PERIOD_US = 1;
export const RNGBOI_QUALITY = 1000;
/** Size of the window the VM maps (a page, like every other device slot). */
export const RNGBOI_WINDOW_BYTES = 0x1000;

/** Offset of the one register. */
export const RNG0 = 0;

export class Rngboi implements BusDevice {
  readonly name = "rngboi";
  /** Guest reads served (each one an MMIO exit). */
  reads = 0;
  /** Random bytes handed to the guest. */
  bytesRead = 0;

  constructor(private readonly entropy: EntropySource) {}

  /** Sizes 1, 2 and 4 at offset 0 return that many fresh bytes; anything else is not a register. */
  read(offset: number, data: Uint8Array): boolean {
    if (offset !== RNG0 || data.length > 4 || data.length === 3 || data.length === 0) return false;
    this.entropy.fill(data);
    this.reads++;
    this.bytesRead += data.length;
    return true;
  }

  /** rng0 is read-only. */
  write(_offset: number, _data: Uint8Array): boolean {
    return false;
  }

  registerName(offset: number): string | undefined {
    return offset === RNG0 ? "rng0" : undefined;
  }

  reset(): void {
    this.reads = 0;
    this.bytesRead = 0;
  }
}

/**
 * The node Linux's timeriomem_rng driver binds to: `reg` covers the one 32-bit register,
 * `period` is the microseconds the driver waits between reads, `quality` the entropy per mille.
 */
export const rngboiFdtNodes: FdtNodesOf = (at) => {
  const node = new FdtNode(`rng@${at.base.toString(16)}`).string("compatible", RNGBOI_COMPATIBLE);
  return [regOf(node, at.base, 4n).u32("period", RNGBOI_PERIOD_US).u32("quality", RNGBOI_QUALITY)];
};
