// wasmvisor-vm.ts — WasmvisorVm: the handle an embedder holds on a built machine (events, run, pause, input, profile).
import type { ConsoleBackend, InputHold } from "../backends/console.js";
import type { ExitProfiler } from "../profile/profiler.js";
import { profileJson, type ProfileJson } from "../profile/report.js";
import type { Machine } from "../vmm/builder.js";
import type { RunLimits, VmResult } from "../vmm/vm.js";

export type VmEvent = "console" | "shutdown";

type Listener<E extends VmEvent> = E extends "console" ? (bytes: Uint8Array) => void : (result: VmResult) => void;

/**
 * The console as the devices see it: output fans out to listeners; input from sendInput() goes
 * to every console device (UART, SBI console, HTIF, virtio console), each of which holds it until
 * the guest reads it there. Only the console the guest uses drains its copy.
 */
export class ConsoleHub implements ConsoleBackend {
  readonly outputListeners: Array<(bytes: Uint8Array) => void> = [];
  private readonly receivers: Array<(bytes: Uint8Array) => void> = [];
  private readonly holds: InputHold[] = [];
  write(bytes: Uint8Array): void {
    for (const l of this.outputListeners) l(bytes);
  }
  onInput(cb: (bytes: Uint8Array) => void, hold?: InputHold): void {
    this.receivers.push(cb);
    if (hold !== undefined) this.holds.push(hold);
  }
  send(bytes: Uint8Array): void {
    for (const r of this.receivers) r(bytes);
  }
  /**
   * Input sent but not yet read by the guest, on the console that holds the least: the one the
   * guest is reading (the others keep copies it may never ask for).
   */
  get inputBacklogBytes(): number {
    let least = Infinity;
    for (const h of this.holds) least = Math.min(least, h.pendingInputBytes);
    return least === Infinity ? 0 : least;
  }
}

/** A running (or runnable) virtual machine. */
export class WasmvisorVm {
  private readonly shutdownListeners: Array<(result: VmResult) => void> = [];
  private running: Promise<VmResult> | undefined;

  /** @internal use createVm() */
  constructor(
    /** The assembled machine: VCPU, bus, devices, run loop (an escape hatch for experts). */
    readonly machine: Machine,
    private readonly console: ConsoleHub,
    private readonly defaultLimits: RunLimits = {},
  ) {}

  /** The exit profiler, when profiling is on. */
  get profiler(): ExitProfiler | undefined {
    return this.machine.profiler;
  }

  /** Subscribe to console output (UART, SBI console, HTIF, virtio console) or to the end of the run. */
  on<E extends VmEvent>(event: E, listener: Listener<E>): this {
    if (event === "console") this.console.outputListeners.push(listener as (bytes: Uint8Array) => void);
    else this.shutdownListeners.push(listener as (result: VmResult) => void);
    return this;
  }

  /** Start the guest; resolves when it stops (power off, halt, limit, error or stop()). Limits default to the spec's. */
  run(limits: RunLimits = this.defaultLimits): Promise<VmResult> {
    this.running ??= this.machine.vm.run(limits).then((result) => {
      for (const l of this.shutdownListeners) l(result);
      return result;
    });
    return this.running;
  }

  pause(): void {
    this.machine.vm.pause();
  }

  resume(): void {
    this.machine.vm.resume();
  }

  get paused(): boolean {
    return this.machine.vm.paused;
  }

  /** Stop at the next exit; run() resolves with reason "stopped". */
  stop(): void {
    this.machine.vm.requestStop({ kind: "stopped" });
  }

  /**
   * Type into the guest's console. The input waits, on every console, until the guest reads it
   * there (see inputBacklogBytes for holding back a large paste).
   */
  sendInput(data: string | Uint8Array): void {
    this.console.send(typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  /** Input sent and not yet read by the guest (on the console it reads). A sender may wait while this is large. */
  get inputBacklogBytes(): number {
    return this.console.inputBacklogBytes;
  }

  /** The exit profile so far (undefined when profiling is off). */
  profile(): ProfileJson | undefined {
    return this.profiler === undefined ? undefined : profileJson(this.profiler.snapshot());
  }
}
