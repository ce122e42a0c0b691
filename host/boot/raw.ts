// raw.ts — load a raw binary image (firmware, flat kernel Image) at one guest physical address.
//
// A raw image carries no addresses of its own, so the caller picks the load address; the only
// thing to get right is that the whole image lands inside RAM, checked before anything is copied.
import { RAM_BASE } from "../core/abi.js";
import type { GuestMemory } from "../core/guest-memory.js";
import { hex } from "../core/hex.js";
import { BootError } from "./errors.js";

/** The raw image is empty or does not fit guest RAM at the requested address. */
export class RawImageError extends BootError {
  constructor(message: string) {
    super(message);
    this.name = "RawImageError";
  }
}

export interface LoadedRaw {
  /** Guest physical address of the first byte. */
  gpa: bigint;
  sizeBytes: number;
}

/** Throw RawImageError unless `sizeBytes` bytes at `gpa` fit inside RAM [ramBase, ramBase + ramSizeBytes). */
export function checkRawFitsRam(sizeBytes: number, gpa: bigint, ramBase: bigint, ramSizeBytes: number | bigint): void {
  // An empty file is almost certainly the wrong file; loading "nothing" would only fail later, obscurely.
  if (sizeBytes === 0) throw new RawImageError("raw image is empty");
  const ramEnd = ramBase + BigInt(ramSizeBytes);
  if (gpa < ramBase || gpa + BigInt(sizeBytes) > ramEnd) {
    throw new RawImageError(
      `raw image at ${hex(gpa)} +${hex(sizeBytes)} lies outside guest RAM ${hex(ramBase)}-${hex(ramEnd)}`,
    );
  }
}

/** Copy `image` into guest RAM at `gpa` (default: the start of RAM, 0x80000000). */
export function loadRaw(guest: GuestMemory, image: Uint8Array, gpa: bigint = RAM_BASE): LoadedRaw {
  checkRawFitsRam(image.length, gpa, guest.base, guest.sizeBytes);
  guest.write(gpa, image);
  return { gpa, sizeBytes: image.length };
}
