// vm.ts — Vm: the KVM-style run loop. Run the VCPU until it exits, handle the exit on the host, resume.
//
//   vcpu.run(slice) ──► MmioRead/MmioWrite ──► Bus ──► BusDevice.read/write(offset, data)
//                   ──► Sbi ──► BuiltinSbi          ──► Wfi ──► sleep until timer/device event
//                   ──► Tohost/Halted (HTIF)        ──► BudgetExhausted: limits, yield to events
//
// Every exit can be recorded by an ExitProfiler (counts, host time, guest instructions between
// exits); without one the loop pays a single `undefined` check per exit.
import { ExitKind } from "../core/abi.js";
import { Bus, BusResult, loadLeParts, storeLeParts } from "../devices/bus.js";
import type { BuiltinSbi } from "./sbi.js";
import { htifConsoleAck, type HtifAddresses } from "./htif.js";
import type { ExitProfiler } from "../profile/profiler.js";
import { Sleeper, yieldToEventLoop } from "./sched.js";
import { TIMEBASE_HZ } from "./memmap.js";
import type { Vcpu } from "../core/vcpu.js";

/** How guest time (mtime, 10 MHz) relates to host time (DESIGN.md section 5). */
export type ClockMode = "deterministic" | "realtime";

export type StopReason =
  | { kind: "poweroff" }
  | { kind: "reboot" }
  | { kind: "fail"; code: number }
  | { kind: "tohost"; code: number }
  | { kind: "budget"; maxInsns: bigint }
  | { kind: "timeout"; ms: number }
  | { kind: "stopped" }
  | { kind: "error"; message: string };

export interface VmResult {
  reason: StopReason;
  insns: bigint;
  wallSeconds: number;
  /** Host seconds spent asleep in WFI (the guest was idle). */
  idleSeconds: number;
}

export interface HtifConfig extends HtifAddresses {
  /** Console bytes the guest writes through HTIF. */
  onConsoleByte?: (byte: number) => void;
}

export interface VmOptions {
  clock?: ClockMode;
  profiler?: ExitProfiler;
  sbi?: BuiltinSbi;
  htif?: HtifConfig;
}

export interface RunLimits {
  /** Stop after this many guest instructions. */
  maxInsns?: bigint;
  /** Stop after this much wall-clock time. */
  timeoutMs?: number;
}

/** Deterministic clock: one mtime tick per 10 instructions (the guest sees a 100 MIPS CPU). */
export const DETERMINISTIC_INSNS_PER_TICK = 10;
/**
 * Real-time clock: mtime is re-anchored to the wall clock at every slice; within a slice it
 * advances one tick per 100 instructions so a busy-waiting guest still sees time move.
 */
export const REALTIME_INSNS_PER_TICK = 100;
const SLICE_INSNS = 1 << 22;
const REALTIME_SLICE_INSNS = 1 << 20;
const YIELD_EVERY_MS = 20;
/** How often (in exits) the loop reads the clock outside BudgetExhausted exits. */
const EXITS_PER_CLOCK_CHECK = 1024;
/** Longest single WFI sleep: the loop re-checks limits and stop requests this often. */
const MAX_IDLE_SLEEP_MS = 100;
const NO_DEADLINE = 0xffff_ffff_ffff_ffffn;
/** Shorter real-time waits are skipped rather than slept (see idle()). */
const MIN_SLEEP_MS = 2;
const TICKS_PER_MS = TIMEBASE_HZ / 1000;

export class Vm {
  readonly clock: ClockMode;
  private stopReason: StopReason | undefined;
  private readonly sleeper = new Sleeper();
  /** One scratch buffer per access size, so an MMIO exit allocates nothing. */
  private readonly mmioBuffers: Uint8Array[] = [];
  private wallAnchorMs = 0;
  private pauseGate: { promise: Promise<void>; release: () => void } | undefined;
  private mtimeAnchor = 0n;

  constructor(
    readonly vcpu: Vcpu,
    readonly bus: Bus,
    private readonly options: VmOptions = {},
  ) {
    this.clock = options.clock ?? "deterministic";
    for (const size of [1, 2, 4, 8]) this.mmioBuffers[size] = new Uint8Array(size);
    vcpu.core.setClockDivider(this.clock === "realtime" ? REALTIME_INSNS_PER_TICK : DETERMINISTIC_INSNS_PER_TICK);
    if (options.sbi !== undefined) vcpu.core.setSbiEnabled(1);
    if (options.htif !== undefined) vcpu.core.setTohost(options.htif.tohostGpa, options.htif.fromhostGpa ?? 0n);
  }

  get profiler(): ExitProfiler | undefined {
    return this.options.profiler;
  }

  /** Ask the loop to stop after the current exit (devices: poweroff; hosts: Ctrl-A x). */
  requestStop(reason: StopReason): void {
    this.stopReason ??= reason;
    this.sleeper.wake();
    this.resume();
  }

  /** A device raised an interrupt: end a WFI sleep early. */
  wake(): void {
    this.sleeper.wake();
  }

  /** Stop running guest code at the next exit until resume() (the loop keeps its state). */
  pause(): void {
    if (this.pauseGate !== undefined) return;
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.pauseGate = { promise, release };
    this.sleeper.wake();
  }

  resume(): void {
    const gate = this.pauseGate;
    this.pauseGate = undefined;
    gate?.release();
  }

  get paused(): boolean {
    return this.pauseGate !== undefined;
  }

  async run(limits: RunLimits = {}): Promise<VmResult> {
    const vcpu = this.vcpu;
    const core = vcpu.core;
    const prof = this.options.profiler;
    const started = performance.now();
    const maxInsns = limits.maxInsns === undefined ? undefined : Number(limits.maxInsns);
    let lastYield = started;
    // A number, not a bigint: exact to 2^53 instructions (about a year at 300 MIPS), and free to add per exit.
    let insns = 0;
    let idleMs = 0;
    this.wallAnchorMs = started;
    this.mtimeAnchor = core.getMtime();
    prof?.begin();

    const finish = (reason: StopReason): VmResult => {
      prof?.end();
      return { reason, insns: BigInt(insns), wallSeconds: (performance.now() - started) / 1000, idleSeconds: idleMs / 1000 };
    };

    let exitsSinceCheck = 0;
    for (;;) {
      if (this.stopReason !== undefined) return finish(this.stopReason);
      // A guest that exits back to back never reaches a BudgetExhausted exit: every so many
      // exits, check the clock so timeouts, stop, pause and console input still get their turn.
      if (exitsSinceCheck++ >= EXITS_PER_CLOCK_CHECK) {
        exitsSinceCheck = 0;
        const now = performance.now();
        if (limits.timeoutMs !== undefined && now - started >= limits.timeoutMs) {
          return finish({ kind: "timeout", ms: limits.timeoutMs });
        }
        if (now - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
          continue; // re-check stop and pause requests made meanwhile
        }
      }
      if (this.pauseGate !== undefined) {
        const pausedAt = performance.now();
        await this.pauseGate.promise;
        idleMs += performance.now() - pausedAt;
        this.wallAnchorMs += performance.now() - pausedAt; // guest time does not pass while paused
        lastYield = performance.now();
        continue;
      }
      let slice = this.clock === "realtime" ? REALTIME_SLICE_INSNS : SLICE_INSNS;
      if (maxInsns !== undefined) {
        const left = maxInsns - insns;
        if (left <= 0) return finish({ kind: "budget", maxInsns: limits.maxInsns! });
        if (left < slice) slice = left;
      }
      if (this.clock === "realtime") this.syncRealtime();

      const kind = vcpu.run(slice);
      const retired = vcpu.exitInsns;
      insns += retired;
      const t0 = prof === undefined ? -1 : prof.start();

      switch (kind) {
        case ExitKind.MmioRead: {
          // The hot path of a register-polling guest: numbers only, no BigInt on the way.
          const data = this.mmioBuffers[vcpu.exitSize]!;
          if (this.bus.read(vcpu.exitAddressNumber, data) === BusResult.Fault) {
            core.faultLastAccess();
          } else if (data.length <= 4) {
            core.setDataParts(loadLeParts(data)[0], 0);
          } else {
            const [lo, hi] = loadLeParts(data);
            core.setDataParts(lo, hi);
          }
          prof?.record(kind, this.bus.lastDevice?.name, this.bus.lastOffset, retired, t0);
          continue;
        }
        case ExitKind.MmioWrite: {
          const data = this.mmioBuffers[vcpu.exitSize]!;
          storeLeParts(data, vcpu.exitDataLow, vcpu.exitDataHigh);
          if (this.bus.write(vcpu.exitAddressNumber, data) === BusResult.Fault) core.faultLastAccess();
          prof?.record(kind, this.bus.lastDevice?.name, this.bus.lastOffset, retired, t0);
          continue;
        }
        case ExitKind.Sbi: {
          const sbi = this.options.sbi;
          if (sbi === undefined) return finish({ kind: "error", message: "ecall to SBI from S-mode, but no SBI is configured" });
          const eid = sbi.handle();
          prof?.record(kind, "sbi", eid, retired, t0);
          continue;
        }
        case ExitKind.Wfi: {
          prof?.record(kind, undefined, -1, retired, t0);
          idleMs += await this.idle();
          lastYield = performance.now();
          continue;
        }
        case ExitKind.BudgetExhausted:
          prof?.record(kind, undefined, -1, retired, t0);
          exitsSinceCheck = EXITS_PER_CLOCK_CHECK; // a slice ended: check the clock now
          continue;
        case ExitKind.Halted:
          prof?.record(kind, "htif", -1, retired, t0);
          return finish({ kind: "tohost", code: Number(vcpu.exitData) });
        case ExitKind.Tohost: {
          prof?.record(kind, "htif", -1, retired, t0);
          const problem = this.handleHtif(vcpu.exitData);
          if (problem !== undefined) return finish({ kind: "error", message: problem });
          continue;
        }
        case ExitKind.InternalError:
          return finish({ kind: "error", message: this.internalErrorText() });
        default:
          return finish({ kind: "error", message: `core returned unexpected exit kind ${kind}` });
      }
    }
  }

  /** From now on the real-time clock counts from the current mtime. */
  private reanchor(): void {
    this.mtimeAnchor = this.vcpu.core.getMtime();
    this.wallAnchorMs = performance.now();
  }

  /** Real-time clock: move mtime forward to the wall clock (never backwards). */
  private syncRealtime(): void {
    const core = this.vcpu.core;
    const wall = this.mtimeAnchor + BigInt(Math.floor((performance.now() - this.wallAnchorMs) * TICKS_PER_MS));
    if (wall > core.getMtime()) core.setMtime(wall);
  }

  /**
   * The guest executed WFI with nothing pending. Deterministic clock: jump mtime to the next
   * timer deadline (idle time costs nothing and runs reproduce). Real-time: sleep until the
   * deadline or a device event. Returns milliseconds slept.
   */
  private async idle(): Promise<number> {
    const core = this.vcpu.core;
    const deadline = BigInt.asUintN(64, core.nextTimerDeadline()); // an i64 export: "none" arrives as -1n
    if (this.clock === "deterministic" && deadline !== NO_DEADLINE) {
      if (deadline > core.getMtime()) core.setMtime(deadline);
      return 0;
    }
    let ms = MAX_IDLE_SLEEP_MS;
    if (deadline !== NO_DEADLINE) {
      const ticks = deadline - core.getMtime();
      ms = ticks <= 0n ? 0 : Math.min(MAX_IDLE_SLEEP_MS, Number(ticks) / TICKS_PER_MS);
      if (ms < MIN_SLEEP_MS) {
        // Host timers cannot sleep this briefly (setTimeout rounds up to ~1 ms): let guest time
        // jump to the deadline instead.
        if (deadline > core.getMtime()) core.setMtime(deadline);
        this.reanchor();
        return 0;
      }
    }
    const t = performance.now();
    if (ms > 0) await this.sleeper.sleep(ms);
    const slept = performance.now() - t;
    // Guest time may run ahead of the wall clock (instructions advance it, short waits are
    // skipped); the time slept passes for the guest either way, so it never waits for the
    // wall clock to catch up.
    core.setMtime(core.getMtime() + BigInt(Math.floor(slept * TICKS_PER_MS)));
    this.reanchor();
    return slept;
  }

  /** HTIF console (device 1, cmd 1); returns a problem description for anything else. */
  private handleHtif(command: bigint): string | undefined {
    const htif = this.options.htif;
    const device = Number(command >> 56n);
    const cmd = Number((command >> 48n) & 0xffn);
    if (htif === undefined) return "guest wrote tohost but no HTIF is configured";
    if (device === 0 && cmd === 0) return `unsupported HTIF syscall (tohost=0x${command.toString(16)}): only exit and console are implemented`;
    if (device !== 1 || cmd !== 1) return `unsupported HTIF command: device ${device} cmd ${cmd}`;
    htif.onConsoleByte?.(Number(command & 0xffn));
    this.vcpu.guest.writeU64(htif.tohostGpa, 0n);
    if (htif.fromhostGpa !== undefined) this.vcpu.guest.writeU64(htif.fromhostGpa, htifConsoleAck(command));
    return undefined;
  }

  private internalErrorText(): string {
    const v = this.vcpu;
    const msg = v.exitMessage;
    if (msg.startsWith("trap to M-mode")) {
      return `${msg.split(":")[0]}: mcause ${v.exitData} (0x${v.exitData.toString(16)}), tval 0x${v.exitAddress.toString(16)}, pc 0x${v.exitPc.toString(16)}`;
    }
    return `core internal error at pc 0x${v.exitPc.toString(16)}: ${msg}`;
  }
}
