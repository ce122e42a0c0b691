// spec.ts — VmSpec: the one vocabulary that describes a VM (guest, memory, clock, devices and backends, profiler, limits).
//
// Every caller speaks it: the embedding API takes it as its options (plus the platform's core
// and image sources), the CLI turns its flags into one, tests and benchmarks fill one in. Only
// buildMachine (builder.ts) reads it.
import type { DiskBackend } from "../backends/disk.js";
import type { EntropySource } from "../backends/entropy.js";
import type { BusDevice, UnmappedPolicy } from "../devices/bus.js";
import type { ConsoleSize } from "../devices/virtio/console.js";
import type { ExitProfiler, ExitProfilerOptions } from "../profile/profiler.js";
import type { SnapshotCodec } from "../snapshot/codec.js";
import type { ClockMode, RunLimits, RunLoopHooks } from "./vm.js";

/** A random-number device to put on the machine. */
export type RngDevice = "rngboi" | "virtio-rng";
export const RNG_DEVICES: readonly RngDevice[] = ["rngboi", "virtio-rng"];

export const DEFAULT_MEMORY_MIB = 128;
/** Guest RAM limit: RAM_MAX (3 GiB) in MiB. */
export const MAX_MEMORY_MIB = 3072;
export const DEFAULT_CMDLINE = "console=ttyS0";

/** What a device placed by the caller (tests, experiments) can reach of the machine. */
export interface DeviceWiring {
  /** Drive a PLIC input line. */
  setIrq(line: number, level: boolean): void;
  /** End a WFI sleep early (after raising a line). */
  wake(): void;
}

/** A device of the caller's own, at an address of its choosing (the bus refuses overlaps). */
export interface ExtraDevice {
  device: BusDevice | ((wiring: DeviceWiring) => BusDevice);
  base: bigint;
  size: bigint;
}

export interface VmSpec {
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
  /** Guest RAM in MiB (default 128, at most 3072). */
  memoryMiB?: number;
  /** "deterministic" (time from instructions; reproducible; default for ELFs) or "realtime" (default for Linux). */
  clock?: ClockMode;
  /** RNG devices (default both). The UART and the syscon test device are always present. */
  rng?: readonly RngDevice[];
  /** Disks, each a virtio-blk device (the first is /dev/vda): a backend or the image's bytes. */
  disks?: readonly (DiskBackend | Uint8Array)[];
  /** Add a virtio console beside the UART, fed by the same console; `size` gives the terminal size. */
  virtioConsole?: boolean | { size?: () => ConsoleSize };
  /** Entropy for the RNG devices (default crypto.getRandomValues; /dev/urandom in Node). */
  entropy?: EntropySource;
  /**
   * Draw all entropy from a seeded CSPRNG instead (SeededEntropy): with the deterministic clock a
   * run then repeats to the instruction, RNG devices included. Not together with `entropy`.
   */
  entropySeed?: bigint;
  /** What an MMIO access that hits no device does (default "fault"). */
  unmapped?: UnmappedPolicy;
  /** Record the exit profile: on (default, sampled timing), off, options, or a profiler of the caller's. */
  profile?: boolean | ExitProfilerOptions | ExitProfiler;
  /** Limits for run() when it is given none (default: none). */
  limits?: RunLimits;
  /** Devices of the caller's own (tests, experiments). */
  extraDevices?: readonly ExtraDevice[];
  /**
   * Restore this snapshot (WasmvisorVm.snapshot()'s bytes) instead of booting a guest: the machine
   * is the snapshot's; options that would change it are refused unless they match, and the disks
   * must be given again, with the contents they had.
   */
  restore?: Uint8Array;
  /** Restore even if a disk's contents differ from the snapshot's. */
  acceptChangedDisks?: boolean;
  /** How snapshots are (de)compressed (default CompressionStream; Node: node:zlib). */
  snapshotCodec?: SnapshotCodec;
  /** Hooks into the run loop (the worker server uses them to post live snapshots). */
  hooks?: RunLoopHooks;
  /** Where wasmvisor's own warnings go (default console.warn). */
  log?: (message: string) => void;
}
