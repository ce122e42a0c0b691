// baremetal.ts — the run loop for bare-metal ELFs (riscv-tests style): HTIF tohost/fromhost, no SBI, no devices.
//
// The guest talks to the host only through HTIF, the spike convention riscv-tests and small
// bare-metal programs use: it stores a command into the 64-bit `tohost` word and the core turns
// that store into an exit. Command layout (spike fesvr): device = bits 63:56, cmd = bits 55:48,
// payload = bits 47:0.
//   device 0, cmd 0, payload odd   → exit with code payload >> 1 (riscv-tests: 0 = pass, n = test n failed).
//                                    The core reports this as ExitKind.Halted with the code in exitData.
//   device 0, cmd 0, payload even  → payload is a pointer to a syscall block (fesvr syscall proxy):
//                                    not supported, the run ends with an error.
//   device 1, cmd 1                → console: write the byte payload & 0xff.
//   device 1, cmd 0                → console read: stays pending, as in spike with no input (we have none).
// After each command the host clears tohost, as spike's htif_t::run does, so a guest spinning on
// `while (tohost)` proceeds. A console write is acknowledged in fromhost with
// (1 << 56) | (1 << 48) | 0x100 | byte, as QEMU's hw/char/riscv_htif.c does (spike's bcd device
// sends nothing): our own guests (guests/common/htif.c) and riscv-pk wait for that answer, and
// guests that do not wait ignore it.
//
// This file has no Node imports: the same loop runs in the browser.
import { ExitKind } from "./core/abi.js";
import { entryPaddr, ElfError, loadElf, type ElfImage } from "./boot/elf.js";
import { htifAddresses, htifConsoleAck, type HtifAddresses } from "./vmm/htif.js";
import { hex } from "./boot/errors.js";
import type { Vcpu } from "./core/vcpu.js";

/** Host-side handler for MMIO exits (addresses outside RAM and the in-core devices). */
export interface MmioHandler {
  read(gpa: bigint, sizeBytes: number): bigint;
  write(gpa: bigint, sizeBytes: number, value: bigint): void;
}

export type { HtifAddresses };

export interface BareMetalOptions {
  /** Stop with outcome "budget" once this many instructions have retired. Default: no limit. */
  maxInsns?: bigint;
  /** Instructions per vcpu.run() call (1..2^31-1). Default 2^24: exit handling is then negligible. */
  chunkInsns?: number;
  /** Where tohost lives; prepareBareMetal returns it. Needed to clear tohost after a command. */
  htif?: HtifAddresses;
  /** Called with every console byte the guest writes, as it writes it. */
  onConsoleByte?: (byte: number) => void;
  /** Keep at most this many console bytes in the result (default 1 MiB); the callback sees all. */
  consoleLimitBytes?: number;
  /**
   * MMIO handler. Without one, bare metal has no devices: an access outside RAM and the in-core
   * devices raises a guest access fault, as on hardware with nothing at that address; both kinds
   * are counted in the result.
   */
  mmio?: MmioHandler;
}

export type BareMetalOutcome = "pass" | "fail" | "budget" | "error";

export interface BareMetalResult {
  outcome: BareMetalOutcome;
  /** For "fail": the guest's exit code, which riscv-tests set to the failing test's number. */
  testNumber?: number;
  /** Instructions retired during this run. */
  insns: bigint;
  /** Wall-clock seconds spent in the loop. */
  seconds: number;
  /** Console output, decoded as UTF-8 (truncated to consoleLimitBytes). */
  console: string;
  /** For "error" (and "budget"): what happened, one line. */
  message?: string;
  /** MMIO exits with no handler, turned into guest access faults. */
  unhandledMmioReads: number;
  unhandledMmioWrites: number;
}

/** What prepareBareMetal did; spread it into BareMetalOptions (`{ ...setup, maxInsns }`). */
export interface BareMetalSetup {
  image: ElfImage;
  /** Physical address execution starts at. */
  entry: bigint;
  /** Present when the ELF defines `tohost`. */
  htif?: HtifAddresses;
}

const DEFAULT_CHUNK_INSNS = 1 << 24;
const MAX_CHUNK_INSNS = 0x7fff_ffff;
const DEFAULT_CONSOLE_LIMIT = 1 << 20;

const HTIF_DEV_SYSCALL = 0;
const HTIF_DEV_CONSOLE = 1;
const HTIF_CONSOLE_GETC = 0;
const HTIF_CONSOLE_PUTC = 1;

/**
 * Load a bare-metal ELF, reset the VCPU at its entry point and, when the ELF defines `tohost`
 * (and `fromhost`), tell the core where they are so stores to tohost become exits.
 * Throws ElfError for a malformed image, one that does not fit RAM, or HTIF words outside RAM.
 */
export function prepareBareMetal(vcpu: Vcpu, elf: Uint8Array | ElfImage): BareMetalSetup {
  const image = loadElf(vcpu.guest, elf);
  const entry = entryPaddr(image);
  vcpu.reset(entry);
  const htif = htifAddresses(image);
  if (htif === undefined) return { image, entry };
  const { tohostGpa, fromhostGpa } = htif;
  for (const [name, gpa] of [["tohost", tohostGpa], ["fromhost", fromhostGpa]] as const) {
    if (gpa !== undefined && !vcpu.guest.contains(gpa, 8)) {
      throw new ElfError(`symbol ${name} at ${hex(gpa)} lies outside guest RAM ${hex(vcpu.guest.base)}-${hex(vcpu.guest.end)}`);
    }
  }
  // The core takes 0 for "no fromhost": RAM starts at 0x80000000, so 0 is never a real address.
  vcpu.core.setTohost(tohostGpa, fromhostGpa ?? 0n);
  return { image, entry, htif };
}

/** Run a prepared bare-metal guest until it ends via tohost, fails, errs, or exhausts maxInsns. */
export function runBareMetal(vcpu: Vcpu, opts: BareMetalOptions = {}): BareMetalResult {
  const chunk = opts.chunkInsns ?? DEFAULT_CHUNK_INSNS;
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > MAX_CHUNK_INSNS) {
    throw new RangeError(`chunkInsns ${chunk} must be an integer in 1..${MAX_CHUNK_INSNS}`);
  }
  if (opts.maxInsns !== undefined && opts.maxInsns < 1n) {
    throw new RangeError(`maxInsns ${opts.maxInsns} must be at least 1`);
  }
  const consoleLimit = opts.consoleLimitBytes ?? DEFAULT_CONSOLE_LIMIT;
  const consoleBytes: number[] = [];
  let unhandledMmioReads = 0;
  let unhandledMmioWrites = 0;
  let insns = 0n;
  const started = performance.now();

  const finish = (outcome: BareMetalOutcome, extra: { testNumber?: number; message?: string } = {}): BareMetalResult => ({
    outcome,
    ...extra,
    insns,
    seconds: (performance.now() - started) / 1000,
    console: new TextDecoder().decode(Uint8Array.from(consoleBytes)),
    unhandledMmioReads,
    unhandledMmioWrites,
  });
  const halted = (code: bigint): BareMetalResult =>
    code === 0n ? finish("pass") : finish("fail", { testNumber: Number(code), message: `FAIL test ${code}` });

  for (;;) {
    let budget = chunk;
    if (opts.maxInsns !== undefined) {
      const left = opts.maxInsns - insns;
      if (left <= 0n) return finish("budget", { message: `instruction budget of ${opts.maxInsns} exhausted` });
      if (left < BigInt(budget)) budget = Number(left);
    }
    const kind = vcpu.run(budget);
    const retired = vcpu.exitInsns;
    insns += BigInt(retired);

    switch (kind) {
      case ExitKind.BudgetExhausted:
        // A core that spends its budget without retiring anything would spin here forever.
        if (retired === 0) return finish("error", { message: `core made no progress at pc ${hex(vcpu.exitPc)}` });
        continue; // the loop head decides whether the total budget is spent

      case ExitKind.Halted:
        return halted(vcpu.exitData);

      case ExitKind.Tohost: {
        const command = vcpu.exitData;
        const device = Number(command >> 56n);
        const cmd = Number((command >> 48n) & 0xffn);
        const payload = command & 0xffff_ffff_ffffn;
        if (device === HTIF_DEV_SYSCALL && cmd === 0 && (payload & 1n) === 1n) {
          return halted(payload >> 1n); // normally reported as Halted; accept it here too
        }
        if (device === HTIF_DEV_SYSCALL && cmd === 0) {
          return finish("error", { message: `unsupported HTIF syscall (tohost=${hex(command)} at pc ${hex(vcpu.exitPc)})` });
        }
        if (device === HTIF_DEV_CONSOLE && (cmd === HTIF_CONSOLE_PUTC || cmd === HTIF_CONSOLE_GETC)) {
          if (opts.htif === undefined) {
            return finish("error", { message: "guest wrote tohost but no tohost address was given (opts.htif)" });
          }
          if (cmd === HTIF_CONSOLE_PUTC) {
            const byte = Number(payload & 0xffn);
            if (consoleBytes.length < consoleLimit) consoleBytes.push(byte);
            opts.onConsoleByte?.(byte);
          }
          vcpu.guest.writeU64(opts.htif.tohostGpa, 0n);
          if (cmd === HTIF_CONSOLE_PUTC && opts.htif.fromhostGpa !== undefined) {
            vcpu.guest.writeU64(opts.htif.fromhostGpa, htifConsoleAck(command));
          }
          continue;
        }
        return finish("error", { message: `unsupported HTIF command: device ${device} cmd ${cmd} (tohost=${hex(command)})` });
      }

      case ExitKind.MmioRead: {
        const gpa = vcpu.exitAddress;
        const size = vcpu.exitSize;
        if (opts.mmio === undefined) {
          unhandledMmioReads++;
          vcpu.core.faultLastAccess();
          continue;
        }
        try {
          vcpu.setData(BigInt.asUintN(64, opts.mmio.read(gpa, size)));
        } catch (err) {
          return finish("error", { message: `MMIO read of ${size} bytes at ${hex(gpa)} failed: ${errorText(err)}` });
        }
        continue;
      }

      case ExitKind.MmioWrite: {
        const gpa = vcpu.exitAddress;
        const size = vcpu.exitSize;
        if (opts.mmio === undefined) {
          unhandledMmioWrites++;
          vcpu.core.faultLastAccess();
          continue;
        }
        try {
          opts.mmio.write(gpa, size, vcpu.exitData);
        } catch (err) {
          return finish("error", { message: `MMIO write of ${size} bytes at ${hex(gpa)} failed: ${errorText(err)}` });
        }
        continue;
      }

      case ExitKind.Wfi: {
        // Nothing pending: skip guest time ahead to the next timer deadline (the in-core CLINT's
        // clock is derived from instructions, so this is the deterministic clock's idle), or, with
        // no timer armed, resume at once; a guest that loops on WFI is bounded by maxInsns.
        const deadline = BigInt.asUintN(64, vcpu.core.nextTimerDeadline());
        if (deadline !== 0xffff_ffff_ffff_ffffn && deadline > vcpu.core.getMtime()) vcpu.core.setMtime(deadline);
        continue;
      }

      case ExitKind.Sbi:
        return finish("error", { message: `guest made an SBI call at pc ${hex(vcpu.exitPc)}, but bare-metal runs have no SBI` });

      case ExitKind.InternalError:
        return finish("error", { message: vcpu.exitMessage || `core internal error at pc ${hex(vcpu.exitPc)}` });

      default:
        return finish("error", { message: `core returned unexpected exit kind ${String(kind)} at pc ${hex(vcpu.exitPc)}` });
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
