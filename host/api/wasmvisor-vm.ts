// wasmvisor-vm.ts — WasmvisorVm: the handle an embedder holds on a built machine (events, run, pause, input, profile).
import type { ConsoleBackend } from "../backends/console.js";
import type { ExitProfiler } from "../profile/profiler.js";
import { profileJson, type ProfileJson } from "../profile/report.js";
import type { Machine } from "../vmm/builder.js";
import type { RunLimits, VmResult } from "../vmm/vm.js";

export type VmEvent = "console" | "shutdown";

type Listener<E extends VmEvent> = E extends "console" ? (bytes: Uint8Array) => void : (result: VmResult) => void;

/** The console as the devices see it: output fans out to listeners, input comes from sendInput(). */
export class ConsoleHub implements ConsoleBackend {
  readonly outputListeners: Array<(bytes: Uint8Array) => void> = [];
  private readonly receivers: Array<(bytes: Uint8Array) => void> = [];
  write(bytes: Uint8Array): void {
    for (const l of this.outputListeners) l(bytes);
  }
  onInput(cb: (bytes: Uint8Array) => void): void {
    this.receivers.push(cb);
  }
  send(bytes: Uint8Array): void {
    for (const r of this.receivers) r(bytes);
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

  /** Type into the guest's console. */
  sendInput(data: string | Uint8Array): void {
    this.console.send(typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  /** The exit profile so far (undefined when profiling is off). */
  profile(): ProfileJson | undefined {
    return this.profiler === undefined ? undefined : profileJson(this.profiler.snapshot());
  }
}
