// htif.ts — the HTIF tohost/fromhost words of a bare-metal ELF: where they are, and how a console write is acknowledged.
import { vaddrToPaddr, type ElfImage } from "../boot/elf.js";

/** Guest physical addresses of the HTIF words (from the ELF's `tohost` / `fromhost` symbols). */
export interface HtifAddresses {
  tohostGpa: bigint;
  fromhostGpa?: bigint;
}

/** The HTIF words of an image, or undefined when it has no `tohost` symbol. */
export function htifAddresses(image: ElfImage): HtifAddresses | undefined {
  const tohost = image.symbols.get("tohost");
  if (tohost === undefined) return undefined;
  const fromhost = image.symbols.get("fromhost");
  const tohostGpa = vaddrToPaddr(image, tohost);
  return fromhost === undefined ? { tohostGpa } : { tohostGpa, fromhostGpa: vaddrToPaddr(image, fromhost) };
}

/**
 * The fromhost value acknowledging console write `command`, as QEMU's HTIF answers (device and
 * command echoed, payload 0x100 | byte), so guests that wait for fromhost after each byte proceed.
 */
export function htifConsoleAck(command: bigint): bigint {
  return (command & ~0xffff_ffff_ffffn) | 0x100n | (command & 0xffn);
}
