// linux.ts — load a RISC-V Linux `Image` (header checked, text_offset and image_size honoured), an initramfs and a DTB.
//
// Image header (Documentation/riscv/boot-image-header.rst), little-endian:
//   0 code0 u32, 4 code1 u32, 8 text_offset u64, 16 image_size u64, 24 flags u64,
//   32 version u32, 36 res1 u32, 40 res2 u64, 48 magic "RISCV\0\0\0" (deprecated), 56 magic2 "RSC\x05", 60 res3.
// Placement follows QEMU's virt loader: kernel at RAM base + text_offset, DTB at the top of RAM,
// initrd just below the DTB, all page aligned, all checked against RAM before anything is copied.
import type { GuestMemory } from "../core/guest-memory.js";
import { hex } from "../core/hex.js";
import { BootError } from "./errors.js";

export class KernelImageError extends BootError {
  constructor(message: string) {
    super(message);
    this.name = "KernelImageError";
  }
}

const HEADER_SIZE = 64;
const MAGIC2 = 0x05435352; // "RSC\x05"
const MAGIC = 0x5643534952n; // "RISCV"
const PAGE = 4096n;

export interface LinuxImageHeader {
  textOffset: bigint;
  /** Memory the kernel occupies from its load address, bss included. */
  imageSize: bigint;
  version: number;
}

export function parseLinuxImage(image: Uint8Array): LinuxImageHeader {
  if (image.length < HEADER_SIZE) {
    throw new KernelImageError(`kernel image is ${image.length} bytes, too short for a RISC-V Image header`);
  }
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const magic2 = dv.getUint32(56, true);
  const magic = dv.getBigUint64(48, true);
  if (magic2 !== MAGIC2 && magic !== MAGIC) {
    const elf = image[0] === 0x7f && image[1] === 0x45 && image[2] === 0x4c && image[3] === 0x46;
    throw new KernelImageError(
      elf
        ? "kernel file is an ELF (vmlinux), not a RISC-V Image: give arch/riscv/boot/Image, or use --elf for bare-metal programs"
        : "not a RISC-V Linux Image (bad header magic)",
    );
  }
  const textOffset = dv.getBigUint64(8, true);
  let imageSize = dv.getBigUint64(16, true);
  if (imageSize === 0n) imageSize = BigInt(image.length); // pre-4.x style header: size unknown
  if (imageSize < BigInt(image.length)) {
    throw new KernelImageError(`kernel header image_size ${hex(imageSize)} is smaller than the file (${hex(image.length)})`);
  }
  if (textOffset % PAGE !== 0n) throw new KernelImageError(`kernel text_offset ${hex(textOffset)} is not page aligned`);
  return { textOffset, imageSize, version: dv.getUint32(32, true) };
}

export interface LinuxLayout {
  kernelGpa: bigint;
  kernelEnd: bigint;
  dtbGpa: bigint;
  initrdStart?: bigint;
  initrdEnd?: bigint;
}

const alignDown = (v: bigint, a: bigint): bigint => v - (v % a);
const alignUp = (v: bigint, a: bigint): bigint => alignDown(v + a - 1n, a);

/**
 * Decide where kernel, initrd and DTB go (before the DTB exists: its size is bounded by
 * `dtbMaxBytes`, so the initrd addresses can be written into the DTB's /chosen node).
 * `kernelGpa` overrides RAM base + text_offset (OpenSBI fw_jump expects 0x80200000).
 */
export function planLinuxLayout(
  guest: GuestMemory,
  header: LinuxImageHeader,
  initrdBytes: number | undefined,
  dtbMaxBytes: number,
  kernelGpa: bigint = guest.base + header.textOffset,
): LinuxLayout {
  const ramEnd = guest.end;
  const kernelEnd = kernelGpa + header.imageSize;
  const dtbGpa = alignDown(ramEnd - BigInt(dtbMaxBytes), PAGE);
  let floor = dtbGpa;
  const layout: LinuxLayout = { kernelGpa, kernelEnd, dtbGpa };
  if (initrdBytes !== undefined) {
    const start = alignDown(dtbGpa - BigInt(initrdBytes), PAGE);
    layout.initrdStart = start;
    layout.initrdEnd = start + BigInt(initrdBytes);
    floor = start;
  }
  if (kernelGpa < guest.base || alignUp(kernelEnd, PAGE) > floor) {
    const need = (kernelEnd - guest.base + (ramEnd - floor) + (1n << 20n) - 1n) >> 20n;
    throw new KernelImageError(
      `kernel (${hex(kernelGpa)}-${hex(kernelEnd)})${initrdBytes !== undefined ? ", initrd" : ""} and devicetree do not fit in ` +
        `${guest.sizeBytes >> 20} MiB of RAM; give --memory ${need + 16n} or more`,
    );
  }
  return layout;
}

/** Copy kernel, initrd and DTB to the planned addresses. */
export function loadLinux(
  guest: GuestMemory,
  layout: LinuxLayout,
  kernel: Uint8Array,
  dtb: Uint8Array,
  initrd?: Uint8Array,
): void {
  if (dtb.length > Number(guest.end - layout.dtbGpa)) {
    throw new KernelImageError(`devicetree (${dtb.length} bytes) outgrew its planned space`);
  }
  guest.write(layout.kernelGpa, kernel);
  // The kernel's bss (image_size beyond the file) must start zeroed; RAM is fresh, but reboots reuse it.
  guest.fill(layout.kernelGpa + BigInt(kernel.length), Number(layout.kernelEnd - layout.kernelGpa) - kernel.length);
  if (initrd !== undefined && layout.initrdStart !== undefined) guest.write(layout.initrdStart, initrd);
  guest.write(layout.dtbGpa, dtb);
}
