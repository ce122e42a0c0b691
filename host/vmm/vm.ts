// vm.ts — Vm: the one run loop (bare metal and Linux alike). Run the VCPU until it exits, handle the exit on the host, resume.
//
//   vcpu.run(slice) ──► MmioRead/MmioWrite ──► Bus ──► BusDevice.read/write(offset, data)
//                   ──► Sbi ──► BuiltinSbi          ──► Wfi ──► sleep until timer/device event
//                   ──► Tohost/Halted ──► HtifDevice ──► BudgetExhausted: limits, yield to events
//
// Every exit can be recorded by an ExitProfiler (counts, host time, guest instructions between
// exits); without one the loop pays a single `undefined` check per exit. docs/architecture.md
// follows one exit through this loop.
import { ExitKind } from "../core/abi.js";
import type { Vcpu } from "../core/vcpu.js";
import { Bus, BusResult, loadLeParts, storeLeParts } from "../devices/bus.js";
import type { ExitProfiler } from "../profile/profiler.js";
import type { HtifDevice } from "./htif.js";
import { TIMEBASE_HZ } from "./memmap.js";
import type { BuiltinSbi } from "./sbi.js";
import { Sleeper, yieldToEventLoop } from "./sched.js";
import type { StopReason } from "./stop-reason.js";

export type { StopReason } from "./stop-reason.js";

/** How guest time (mtime, 10 MHz) relates to host time (docs/architecture.md, "Time"). */
export type ClockMode = "deterministic" | "realtime";

export interface VmResult {
  reason: StopReason;
  insns: bigint;
  wallSeconds: number;
  /** Host seconds spent asleep in WFI (the guest was idle) or paused. */
  idleSeconds: number;
}

/** Hooks into the loop for its host (the worker posts live snapshots from onClockCheck). */
export interface RunLoopHooks {
  /** Called about once per millisecond of running, with performance.now(). */
  onClockCheck?(nowMs: number): void;
}

export interface RunLoopOptions {
  clock?: ClockMode;
  profiler?: ExitProfiler;
  /** The built-in SBI: S-mode ecalls become Sbi exits answered here. */
  sbi?: BuiltinSbi;
  /** HTIF for a bare-metal guest with a tohost word. */
  htif?: HtifDevice;
  hooks?: RunLoopHooks;
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
/** The event loop (console input, timers, messages, UI) gets a turn at least this often. */
const YIELD_EVERY_MS = 20;
/**
 * The loop looks at the clock about this often, whatever the exit rate: it counts exits between
 * looks and adapts the count, so a fast-exiting guest costs one decrement per exit and a
 * slow-exiting one is still seen every millisecond.
 */
const CLOCK_CHECK_MS = 1;
const MAX_EXITS_PER_CHECK = 1 << 16;
/** Longest single WFI sleep: the loop re-checks limits and stop requests this often. */
const MAX_IDLE_SLEEP_MS = 100;
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
  private running = false;
  /** The loop is waiting at its pause gate. */
  private parked = false;
  /** Callers of park() waiting for the loop to reach its pause gate. */
  private parkWaiters: Array<() => void> = [];

  constructor(
    readonly vcpu: Vcpu,
    readonly bus: Bus,
    private readonly options: RunLoopOptions = {},
  ) {
    this.clock = options.clock ?? "deterministic";
    for (const size of [1, 2, 4, 8]) this.mmioBuffers[size] = new Uint8Array(size);
    vcpu.setInsnsPerTick(this.clock === "realtime" ? REALTIME_INSNS_PER_TICK : DETERMINISTIC_INSNS_PER_TICK);
    vcpu.enableSbiExits(options.sbi !== undefined);
    if (options.htif !== undefined) vcpu.watchTohost(options.htif.addresses.tohostGpa, options.htif.addresses.fromhostGpa);
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

  /**
   * Pause, and resolve once the loop is parked between exits (at once when it is not running):
   * a safe point to look at the whole machine (snapshots). resume() lets it go on.
   */
  park(): Promise<void> {
    this.pause();
    if (!this.running || this.parked) return Promise.resolve();
    return new Promise((resolve) => this.parkWaiters.push(resolve));
  }

  private releaseParkWaiters(): void {
    for (const w of this.parkWaiters.splice(0)) w();
  }

  async run(limits: RunLimits = {}): Promise<VmResult> {
    const vcpu = this.vcpu;
    const prof = this.options.profiler;
    const hooks = this.options.hooks;
    const htif = this.options.htif;
    const started = performance.now();
    const maxInsns = limits.maxInsns === undefined ? undefined : Number(limits.maxInsns);
    let lastYield = started;
    let lastCheck = started;
    // A number, not a bigint: exact to 2^53 instructions (about a year at 300 MIPS), and free to add per exit.
    let insns = 0;
    let idleMs = 0;
    this.wallAnchorMs = started;
    this.mtimeAnchor = vcpu.mtime;
    this.running = true;
    prof?.begin();

    const finish = (reason: StopReason): VmResult => {
      this.running = false;
      this.releaseParkWaiters();
      prof?.end();
      return { reason, insns: BigInt(insns), wallSeconds: (performance.now() - started) / 1000, idleSeconds: idleMs / 1000 };
    };

    let exitsPerCheck = 1;
    let exitsToCheck = 1;
    for (;;) {
      if (this.stopReason !== undefined) {
        const reason = this.stopReason;
        this.stopReason = undefined; // consumed: a later run() goes on from here
        return finish(reason);
      }
      // Look at the clock now and then: timeouts, stop, pause and console input (the event loop)
      // must get their turn even when the guest exits back to back and no slice ever ends.
      if (--exitsToCheck <= 0) {
        const now = performance.now();
        const gap = now - lastCheck;
        exitsPerCheck = gap > 0
          ? Math.min(MAX_EXITS_PER_CHECK, Math.max(1, Math.round((exitsPerCheck * CLOCK_CHECK_MS) / gap)))
          : Math.min(MAX_EXITS_PER_CHECK, exitsPerCheck * 2);
        exitsToCheck = exitsPerCheck;
        lastCheck = now;
        hooks?.onClockCheck?.(now);
        htif?.poll();
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
        this.parked = true;
        this.releaseParkWaiters();
        const pausedAt = performance.now();
        await this.pauseGate.promise;
        this.parked = false;
        const pausedMs = performance.now() - pausedAt;
        idleMs += pausedMs;
        this.wallAnchorMs += pausedMs; // guest time does not pass while paused
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
          let result: BusResult;
          try {
            result = this.bus.read(vcpu.exitAddressNumber, data);
          } catch (err) {
            return finish({ kind: "error", message: this.deviceFailure("read", err) });
          }
          if (result === BusResult.Fault) {
            vcpu.faultLastAccess();
          } else if (data.length <= 4) {
            vcpu.setDataParts(loadLeParts(data)[0], 0);
          } else {
            const [lo, hi] = loadLeParts(data);
            vcpu.setDataParts(lo, hi);
          }
          prof?.record(kind, this.bus.lastDevice?.name, this.bus.lastOffset, retired, t0);
          continue;
        }
        case ExitKind.MmioWrite: {
          const data = this.mmioBuffers[vcpu.exitSize]!;
          storeLeParts(data, vcpu.exitDataLow, vcpu.exitDataHigh);
          let result: BusResult;
          try {
            result = this.bus.write(vcpu.exitAddressNumber, data);
          } catch (err) {
            return finish({ kind: "error", message: this.deviceFailure("write", err) });
          }
          if (result === BusResult.Fault) vcpu.faultLastAccess();
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
          // A whole slice without one retired instruction is a hart that only traps (a fault
          // whose handler faults again): no limit counted in instructions would ever end it.
          if (retired === 0) return finish({ kind: "error", message: `no instruction retired in a slice of ${slice} at pc 0x${vcpu.exitPc.toString(16)} (a trap loop?)` });
          exitsToCheck = 0; // a slice ended: check the clock now
          continue;
        case ExitKind.Halted:
          prof?.record(kind, "htif", -1, retired, t0);
          return finish({ kind: "tohost", code: Number(vcpu.exitData) });
        case ExitKind.Tohost: {
          prof?.record(kind, "htif", -1, retired, t0);
          const problem = htif === undefined ? "guest wrote tohost but no HTIF is configured" : htif.handle(vcpu.exitData);
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
    this.mtimeAnchor = this.vcpu.mtime;
    this.wallAnchorMs = performance.now();
  }

  /** Real-time clock: move mtime forward to the wall clock (never backwards). */
  private syncRealtime(): void {
    const wall = this.mtimeAnchor + BigInt(Math.floor((performance.now() - this.wallAnchorMs) * TICKS_PER_MS));
    if (wall > this.vcpu.mtime) this.vcpu.mtime = wall;
  }

  /**
   * The guest executed WFI with nothing pending. Deterministic clock: jump mtime to the next
   * timer deadline (idle time costs nothing and runs reproduce). Real-time: sleep until the
   * deadline or a device event. Returns milliseconds slept.
   */
  private async idle(): Promise<number> {
    const vcpu = this.vcpu;
    const deadline = vcpu.nextTimerDeadline();
    if (this.clock === "deterministic" && deadline !== undefined) {
      if (deadline > vcpu.mtime) vcpu.mtime = deadline;
      return 0;
    }
    let ms = MAX_IDLE_SLEEP_MS;
    if (deadline !== undefined) {
      const ticks = deadline - vcpu.mtime;
      ms = ticks <= 0n ? 0 : Math.min(MAX_IDLE_SLEEP_MS, Number(ticks) / TICKS_PER_MS);
      if (ms < MIN_SLEEP_MS) {
        // Host timers cannot sleep this briefly (setTimeout rounds up to ~1 ms): let guest time
        // jump to the deadline instead.
        if (deadline > vcpu.mtime) vcpu.mtime = deadline;
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
    vcpu.mtime += BigInt(Math.floor(slept * TICKS_PER_MS));
    this.reanchor();
    return slept;
  }

  /** A device threw while handling an access: a host bug, reported as the run's end rather than a crash. */
  private deviceFailure(op: "read" | "write", err: unknown): string {
    const v = this.vcpu;
    const device = this.bus.lastDevice?.name ?? "no device";
    return `MMIO ${op} of ${v.exitSize} bytes at 0x${v.exitAddress.toString(16)} (${device}) failed: ${err instanceof Error ? err.message : String(err)}`;
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
