// htif.ts — HTIF (spike's host-target interface): where a bare-metal ELF's tohost/fromhost words are, and the host's side of them.
//
// The guest stores a command into the 64-bit `tohost` word; the core turns that store into an
// exit. Command layout (spike fesvr): device = bits 63:56, cmd = bits 55:48, payload = 47:0.
//   device 0, cmd 0, payload odd   → exit with code payload >> 1 (riscv-tests: 0 = pass, n = test n
//                                    failed); the core reports this itself as ExitKind.Halted.
//   device 0, cmd 0, payload even  → a pointer to a syscall block (fesvr's syscall proxy): not
//                                    supported, the run ends with an error.
//   device 1, cmd 1                → console write of the byte payload & 0xff; acknowledged in
//                                    fromhost with 0x100 | byte, as QEMU's hw/char/riscv_htif.c
//                                    does (our guests/common/htif.c and riscv-pk wait for it).
//   device 1, cmd 0                → console read: answered in fromhost with 0x100 | byte once a
//                                    byte of input is there (spike's bcd device and QEMU do the
//                                    same); until then the request stays pending.
// After each command the host clears tohost, as spike's htif_t::run does, so a guest spinning on
// `while (tohost)` proceeds.
import { vaddrToPaddr, type ElfImage } from "../boot/elf.js";
import type { GuestMemory } from "../core/guest-memory.js";

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

const DEVICE_SYSCALL = 0;
const DEVICE_CONSOLE = 1;
const CONSOLE_GETC = 0;
const CONSOLE_PUTC = 1;
const PAYLOAD_MASK = 0xffff_ffff_ffffn;

/** The fromhost value answering console command `command` with `byte` (device and command echoed). */
export function htifConsoleAnswer(command: bigint, byte: number): bigint {
  return (command & ~PAYLOAD_MASK) | 0x100n | BigInt(byte & 0xff);
}

export interface HtifConsole {
  /** A byte the guest wrote. */
  write(byte: number): void;
  /** The next input byte, or -1 when none is waiting. */
  readByte(): number;
}

/** The host's side of HTIF for one guest: console writes and reads; exit codes arrive as Halted exits. */
export class HtifDevice {
  /** A console read waiting for input (its command word), answered by poll(). */
  private pendingRead: bigint | undefined;

  constructor(
    readonly addresses: HtifAddresses,
    private readonly guest: GuestMemory,
    private readonly console: HtifConsole,
  ) {}

  /** Handle a Tohost exit's command; returns a one-line problem when the run cannot go on. */
  handle(command: bigint): string | undefined {
    const device = Number(command >> 56n);
    const cmd = Number((command >> 48n) & 0xffn);
    if (device === DEVICE_SYSCALL && cmd === 0) {
      return `unsupported HTIF syscall (tohost=0x${command.toString(16)}): only exit and console are implemented`;
    }
    if (device !== DEVICE_CONSOLE || (cmd !== CONSOLE_PUTC && cmd !== CONSOLE_GETC)) {
      return `unsupported HTIF command: device ${device} cmd ${cmd}`;
    }
    this.guest.writeU64(this.addresses.tohostGpa, 0n);
    if (cmd === CONSOLE_PUTC) {
      const byte = Number(command & 0xffn);
      this.console.write(byte);
      this.answer(command, byte);
    } else {
      this.pendingRead = command;
      this.poll();
    }
    return undefined;
  }

  /** The console read waiting for input, if any (snapshots). */
  get pendingReadCommand(): bigint | undefined {
    return this.pendingRead;
  }
  set pendingReadCommand(command: bigint | undefined) {
    this.pendingRead = command;
  }

  /** Answer a pending console read if input has arrived (the run loop calls this now and then). */
  poll(): void {
    if (this.pendingRead === undefined) return;
    const byte = this.console.readByte();
    if (byte < 0) return;
    const command = this.pendingRead;
    this.pendingRead = undefined;
    this.answer(command, byte);
  }

  private answer(command: bigint, byte: number): void {
    if (this.addresses.fromhostGpa !== undefined) this.guest.writeU64(this.addresses.fromhostGpa, htifConsoleAnswer(command, byte));
  }
}
