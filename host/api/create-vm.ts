// create-vm.ts — the embedding API: createVm() builds a machine, loads a guest and runs it, in Node or a browser.
//
// Platform neutral: guest images and the compiled core arrive as bytes or a compiled module.
// The Node entry (node.ts) and the browser entry (browser.ts) add file paths / URLs and their
// own entropy backends on top of this.
import { InputQueue, type ConsoleBackend } from "../backends/console.js";
import { MemoryDisk, type DiskBackend } from "../backends/disk.js";
import { browserEntropy, type EntropySource } from "../backends/entropy.js";
import { bootLinux } from "../boot/linux-boot.js";
import { entryPaddr, loadElf, parseElf } from "../boot/elf.js";
import { htifAddresses } from "../vmm/htif.js";
import { BootError } from "../boot/errors.js";
import { BuiltinSbi } from "../vmm/sbi.js";
import type { UnmappedPolicy } from "../devices/bus.js";
import { createMachine, type Machine, type RngChoice } from "../vmm/machine.js";
import { ExitProfiler, type ExitProfilerOptions } from "../profile/profiler.js";
import { profileJson, type ProfileJson } from "../profile/report.js";
import type { ClockMode, HtifConfig, RunLimits, StopReason, VmResult } from "../vmm/vm.js";

export type { ClockMode, ProfileJson, RunLimits, StopReason, VmResult };

/** A random-number device to put on the machine. */
export type RngDevice = "rngboi" | "virtio-rng";

export interface VmOptions {
  /** The compiled Wasm core (build/wasmvisor.wasm), as a module or its bytes. */
  core: WebAssembly.Module | Uint8Array;
  /** Guest RAM in MiB (default 128). */
  memoryMiB?: number;
  /** "deterministic" (time from instructions; reproducible) or "realtime" (default for Linux). */
  clock?: ClockMode;
  /** A bare-metal RV64 ELF to run... */
  elf?: Uint8Array;
  /** ...or a Linux Image to boot, with an optional initramfs and firmware. */
  kernel?: Uint8Array;
  initrd?: Uint8Array;
  /** M-mode firmware (OpenSBI fw_jump.bin) instead of the built-in SBI. */
  bios?: Uint8Array;
  /** Kernel command line (default "console=ttyS0"). */
  cmdline?: string;
  /** Offer Sstc to the kernel (default true). */
  sstc?: boolean;
  /** RNG devices (default both). The UART and the syscon test device are always present. */
  rng?: readonly RngDevice[];
  /** Disks, each a virtio-blk device (the first is /dev/vda): a backend or the image's bytes. */
  disks?: readonly (DiskBackend | Uint8Array)[];
  /** Add a virtio console (hvc0) beside the UART, fed by the same console. */
  virtioConsole?: boolean;
  /** Entropy for the RNG devices (default crypto.getRandomValues). */
  entropy?: EntropySource;
  /** What an MMIO access that hits no device does (default "fault"). */
  unmapped?: UnmappedPolicy;
  /** Record the exit profile (default on, sampled timing). */
  profile?: boolean | ExitProfilerOptions;
}

export type VmEvent = "console" | "shutdown";

type Listener<E extends VmEvent> = E extends "console" ? (bytes: Uint8Array) => void : (result: VmResult) => void;

/** The console as the devices see it: output fans out to listeners, input comes from sendInput(). */
class ConsoleHub implements ConsoleBackend {
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
    readonly profiler: ExitProfiler | undefined,
    private readonly console: ConsoleHub,
  ) {}

  /** Subscribe to console output (UART, SBI console, HTIF) or to the end of the run. */
  on<E extends VmEvent>(event: E, listener: Listener<E>): this {
    if (event === "console") this.console.outputListeners.push(listener as (bytes: Uint8Array) => void);
    else this.shutdownListeners.push(listener as (result: VmResult) => void);
    return this;
  }

  /** Start the guest; resolves when it stops (power off, halt, limit, error or stop()). */
  run(limits: RunLimits = {}): Promise<VmResult> {
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

/** Build a VM and load its guest. Throws BootError for unusable guest images. */
export async function createVm(options: VmOptions): Promise<WasmvisorVm> {
  if ((options.elf === undefined) === (options.kernel === undefined)) {
    throw new BootError("createVm needs exactly one guest: elf or kernel");
  }
  const module = options.core instanceof WebAssembly.Module ? options.core
    : await WebAssembly.compile(options.core as Uint8Array<ArrayBuffer>);
  const ramBytes = (options.memoryMiB ?? 128) * 1024 * 1024;
  const image = options.elf !== undefined ? parseElf(options.elf) : undefined;
  const rngs = options.rng ?? ["rngboi", "virtio-rng"];
  const rng: RngChoice = rngs.includes("rngboi") ? (rngs.includes("virtio-rng") ? "both" : "rngboi")
    : rngs.includes("virtio-rng") ? "virtio" : "none";
  const profiler = options.profile === false ? undefined
    : new ExitProfiler(typeof options.profile === "object" ? options.profile : { timing: "sampled" });

  const console = new ConsoleHub();
  const sbiInput = new InputQueue(console); // the SBI console (hvc0 of HVC_RISCV_SBI) polls getchar
  const words = image === undefined ? undefined : htifAddresses(image);
  const htif: HtifConfig | undefined = words === undefined ? undefined
    : { ...words, onConsoleByte: (b) => console.write(Uint8Array.of(b)) };
  const isLinux = options.kernel !== undefined;
  const machine = await createMachine(module, {
    ramBytes,
    clock: options.clock ?? (isLinux ? "realtime" : "deterministic"),
    console,
    entropy: options.entropy ?? browserEntropy(),
    rng,
    disks: (options.disks ?? []).map((d) => (d instanceof Uint8Array ? new MemoryDisk(d) : d)),
    virtioConsole: options.virtioConsole ?? false,
    unmapped: options.unmapped ?? "fault",
    ...(profiler !== undefined ? { profiler } : {}),
    ...(htif !== undefined ? { htif } : {}),
    ...(isLinux && options.bios === undefined
      ? {
          sbi: (vcpu, stop: (r: StopReason) => void) => new BuiltinSbi(vcpu, {
            console: { write: (b) => console.write(b), readByte: () => sbiInput.readByte() },
            shutdown: (kind) => stop({ kind }),
          }),
        }
      : {}),
  });
  const vm = new WasmvisorVm(machine, profiler, console);
  if (image !== undefined) {
    loadElf(machine.vcpu.guest, image);
    machine.vcpu.reset(entryPaddr(image));
  } else {
    bootLinux(machine, {
      kernel: options.kernel!,
      cmdline: options.cmdline ?? "console=ttyS0",
      sstc: options.sstc ?? true,
      ...(options.initrd !== undefined ? { initrd: options.initrd } : {}),
      ...(options.bios !== undefined ? { bios: options.bios } : {}),
    });
  }
  return vm;
}
