// wasmvisor-vm.ts — WasmvisorVm: the handle an embedder holds on a built machine (events, run, pause, input, profile).
import type { ConsoleBackend, InputHold } from "../backends/console.js";
import type { ExitProfiler } from "../profile/profiler.js";
import { profileJson, type ProfileJson } from "../profile/report.js";
import type { Machine } from "../vmm/builder.js";
import type { SnapshotCodec } from "../snapshot/codec.js";
import { snapshotMachine } from "../snapshot/machine-snapshot.js";
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
  private readonly disposers: Array<() => void> = [];
  private disposed = false;

  /** @internal use createVm() */
  constructor(
    /** The assembled machine: VCPU, bus, devices, run loop (an escape hatch for experts). */
    readonly machine: Machine,
    private readonly console: ConsoleHub,
    private readonly defaultLimits: RunLimits = {},
    private readonly snapshotCodec?: SnapshotCodec,
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

  /**
   * Run the guest; resolves when it stops (power off, halt, limit, error or stop()). Limits default
   * to the spec's. While a run is under way, run() returns it; after one ends at a limit or a
   * stop(), run() goes on from where it stopped. A guest that powered off, halted or failed is done:
   * the VM's files and descriptors are released then (or by dispose()).
   */
  run(limits: RunLimits = this.defaultLimits): Promise<VmResult> {
    if (this.disposed) return Promise.reject(new Error("this VM was disposed"));
    this.running ??= this.machine.vm.run(limits).then((result) => {
      this.running = undefined;
      for (const l of this.shutdownListeners) l(result);
      if (!["budget", "timeout", "stopped"].includes(result.reason.kind)) this.dispose();
      return result;
    });
    return this.running;
  }

  /** Release what the VM holds open (disk files, entropy descriptors). Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposers.splice(0)) d();
  }

  /** @internal run `release` when the VM is disposed (node.ts: close what it opened). */
  onDispose(release: () => void): void {
    this.disposers.push(release);
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

  /**
   * Save the whole machine (CPU, devices, consoles, entropy, disk overlays, RAM) as snapshot
   * bytes; createVm({ restore }) continues from them. A running VM is parked between exits for
   * the capture and then goes on.
   */
  async snapshot(): Promise<Uint8Array> {
    const wasPaused = this.paused;
    await this.machine.vm.park();
    try {
      return await snapshotMachine(this.machine, this.snapshotCodec);
    } finally {
      if (!wasPaused) this.resume();
    }
  }

  /** The exit profile so far (undefined when profiling is off). */
  profile(): ProfileJson | undefined {
    return this.profiler === undefined ? undefined : profileJson(this.profiler.snapshot());
  }
}
