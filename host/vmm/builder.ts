// builder.ts — buildMachine: the one composition root. A VmSpec in; a VCPU, bus, devices, exit handlers and run loop out, guest loaded.
//
// Platform independent: the caller supplies the compiled core and the console (the embedding
// API does, for every caller: CLI, worker, tests, benchmarks). Devices are placed at the
// addresses of the memory map (memmap.ts); each contributes its own devicetree nodes.
import { InputQueue, type ConsoleBackend } from "../backends/console.js";
import { MemoryDisk, type DiskBackend } from "../backends/disk.js";
import { browserEntropy, type EntropySource } from "../backends/entropy.js";
import { SeededEntropy } from "../backends/seeded-entropy.js";
import { entryPaddr, ElfError, loadElf, parseElf, type ElfImage } from "../boot/elf.js";
import { BootError } from "../boot/errors.js";
import { hex } from "../core/hex.js";
import { bootLinux } from "../boot/linux-boot.js";
import { parseLinuxImage } from "../boot/linux.js";
import { Vcpu } from "../core/vcpu.js";
import { Bus } from "../devices/bus.js";
import type { PlacedDevice, Placement, FdtNodesOf } from "../devices/placement.js";
import type { BusDevice } from "../devices/bus.js";
import { Rngboi, rngboiFdtNodes, RNGBOI_WINDOW_BYTES } from "../devices/rngboi.js";
import { Syscon, sysconFdtNodes, SYSCON_WINDOW_BYTES } from "../devices/syscon.js";
import { Uart16550, uartFdtNodes, UART_WINDOW_BYTES } from "../devices/uart16550.js";
import { VirtioBlk } from "../devices/virtio/blk.js";
import { VirtioConsole } from "../devices/virtio/console.js";
import type { VirtioDevice } from "../devices/virtio/device.js";
import { VirtioMmioTransport, virtioMmioFdtNodes } from "../devices/virtio/mmio.js";
import { VIRTIO_MMIO_WINDOW_BYTES } from "../devices/virtio/mmio-regs.js";
import { QueueSlots } from "../devices/virtio/queue.js";
import { VirtioRng } from "../devices/virtio/rng.js";
import { ExitProfiler } from "../profile/profiler.js";
import { CoreIrqLine } from "./core-irq-line.js";
import { HtifDevice, htifAddresses, type HtifAddresses } from "./htif.js";
import { decodeSnapshot, SnapshotError } from "../snapshot/format.js";
import { readDescription, specForRestore, type MachineDescription } from "../snapshot/machine-description.js";
import { restoreMachine } from "../snapshot/machine-snapshot.js";
import {
  RNGBOI_BASE, SYSCON_BASE, UART0_BASE, UART0_IRQ, VIRTIO_IRQ_BASE, VIRTIO_MMIO_BASE, VIRTIO_MMIO_SLOTS,
  VIRTIO_MMIO_STRIDE,
} from "./memmap.js";
import { BuiltinSbi } from "./sbi.js";
import { DEFAULT_CMDLINE, DEFAULT_MEMORY_MIB, MAX_MEMORY_MIB, RNG_DEVICES, type VmSpec } from "./spec.js";
import { shutdownReason, type StopReason } from "./stop-reason.js";
import { Vm, type ClockMode } from "./vm.js";

/** A built machine: everything the spec asked for, wired, with the guest loaded and the VCPU at its entry. */
export interface Machine {
  vcpu: Vcpu;
  bus: Bus;
  /** The run loop. */
  vm: Vm;
  clock: ClockMode;
  /** "elf" for a bare-metal guest, "linux" for a kernel. */
  guestKind: "elf" | "linux";
  /** The bare-metal guest's parsed image. */
  elf?: ElfImage;
  profiler?: ExitProfiler;
  uart: Uart16550;
  syscon: Syscon;
  rngboi?: Rngboi;
  /** virtio-mmio transports, by slot (slot i at 0x10001000 + 0x1000·i, IRQ 1 + i). */
  virtio: VirtioMmioTransport[];
  blk: VirtioBlk[];
  virtioConsole?: VirtioConsole;
  sbi?: BuiltinSbi;
  htif?: HtifDevice;
  /** Every device on the bus with its window and IRQ, in address order. */
  devices: PlacedDevice[];
  /** The disks behind the virtio-blk devices, in order. */
  disks: DiskBackend[];
  /** Input held for the polled consoles (SBI getchar, HTIF reads). */
  polledInput: InputQueue;
  /** Where the RNG devices draw from. */
  entropy: EntropySource;
  /** The machine's shape, as a snapshot records it (disk identities are filled in when one is taken). */
  description: MachineDescription;
}

/** Check a spec's shape before anything is built: one guest (or a snapshot), a sane RAM size, known RNG names. */
export function checkSpec(spec: VmSpec): void {
  if (spec.restore === undefined && (spec.elf === undefined) === (spec.kernel === undefined)) {
    throw new BootError("a VM needs exactly one guest: elf or kernel (or a snapshot to restore)");
  }
  if (spec.elf !== undefined) {
    for (const key of ["initrd", "bios", "cmdline", "sstc"] as const) {
      if (spec[key] !== undefined) throw new BootError(`${key} needs a kernel, not an elf`);
    }
  }
  const mib = spec.memoryMiB ?? DEFAULT_MEMORY_MIB;
  if (!Number.isInteger(mib) || mib < 1 || mib > MAX_MEMORY_MIB) {
    throw new BootError(`memoryMiB ${mib} is out of range (a whole number from 1 to ${MAX_MEMORY_MIB})`);
  }
  if (spec.entropySeed !== undefined && spec.entropy !== undefined) {
    throw new BootError("give entropy or entropySeed, not both");
  }
  if (spec.entropySeed !== undefined && (typeof spec.entropySeed !== "bigint" || spec.entropySeed < 0n || spec.entropySeed >= 1n << 64n)) {
    throw new BootError(`entropySeed must be a 64-bit unsigned bigint (got ${String(spec.entropySeed)})`);
  }
  for (const r of spec.rng ?? []) {
    if (!RNG_DEVICES.includes(r)) throw new BootError(`unknown RNG device '${String(r)}' (${RNG_DEVICES.join(", ")})`);
  }
}

/** Build the machine a spec describes over `console`. Throws BootError (or BusError) for unusable input. */
export async function buildMachine(module: WebAssembly.Module, given: VmSpec, console: ConsoleBackend): Promise<Machine> {
  // A snapshot is checked whole before anything is built, and decides the machine's shape.
  const snapshot = given.restore !== undefined ? decodeSnapshot(given.restore) : undefined;
  const restored = snapshot !== undefined ? readDescription(snapshot.header.machine) : undefined;
  const spec = restored !== undefined ? specForRestore(given, restored) : given;
  checkSpec(spec);
  const ramBytes = (spec.memoryMiB ?? DEFAULT_MEMORY_MIB) * 1024 * 1024;
  // Parse the guest before building anything: a bad image is bad input, not a half-built VM.
  const elf = spec.elf !== undefined ? parseElf(spec.elf) : undefined;
  if (spec.kernel !== undefined) parseLinuxImage(spec.kernel);
  const guestKind = restored?.guestKind ?? (elf !== undefined ? "elf" : "linux");
  const clock = spec.clock ?? (guestKind === "linux" ? "realtime" : "deterministic");
  const log = spec.log ?? ((m: string) => globalThis.console.warn(`wasmvisor: ${m}`));
  const entropy = spec.entropySeed !== undefined ? new SeededEntropy(spec.entropySeed) : spec.entropy ?? browserEntropy();
  const rng = spec.rng ?? RNG_DEVICES;
  const profiler = spec.profile instanceof ExitProfiler ? spec.profile
    : spec.profile === false ? undefined
    : new ExitProfiler(typeof spec.profile === "object" ? spec.profile : { timing: "sampled" });

  const vcpu = await Vcpu.create(module, ramBytes);
  const bus = new Bus(spec.unmapped ?? "fault", { logger: log });
  const devices: PlacedDevice[] = [];
  let vm: Vm | undefined;
  const stop = (reason: StopReason): void => vm?.requestStop(reason);
  const wake = (): void => vm?.wake();
  const irqLine = (line: number): CoreIrqLine => new CoreIrqLine(vcpu, line, wake);
  const place = (device: BusDevice, at: Placement, fdtNodes?: FdtNodesOf): void => {
    bus.insert(device, at.base, at.size);
    devices.push({ device, at, ...(fdtNodes !== undefined ? { fdtNodes } : {}) });
  };

  const syscon = new Syscon((kind, code) => stop(shutdownReason(kind, code)));
  place(syscon, { base: SYSCON_BASE, size: BigInt(SYSCON_WINDOW_BYTES) }, sysconFdtNodes);
  const uart = new Uart16550({ irq: irqLine(UART0_IRQ), console });
  place(uart, { base: UART0_BASE, size: BigInt(UART_WINDOW_BYTES), irq: UART0_IRQ }, uartFdtNodes);
  let rngboi: Rngboi | undefined;
  if (rng.includes("rngboi")) {
    rngboi = new Rngboi(entropy);
    place(rngboi, { base: RNGBOI_BASE, size: BigInt(RNGBOI_WINDOW_BYTES) }, rngboiFdtNodes);
  }

  // virtio devices fill the slots in order; one QueueSlots shares the core's queue records.
  const slots = new QueueSlots();
  const virtio: VirtioMmioTransport[] = [];
  const addVirtio = (device: VirtioDevice, shortName: string): void => {
    const i = virtio.length;
    if (i >= VIRTIO_MMIO_SLOTS) throw new BootError(`no free virtio-mmio slot for ${shortName} (${VIRTIO_MMIO_SLOTS} in use)`);
    const at: Placement = { base: VIRTIO_MMIO_BASE + BigInt(i) * VIRTIO_MMIO_STRIDE, size: BigInt(VIRTIO_MMIO_WINDOW_BYTES), irq: VIRTIO_IRQ_BASE + i };
    const t = new VirtioMmioTransport(device, { host: vcpu, slots, irq: irqLine(at.irq!), baseGpa: at.base, name: `virtio${i}:${shortName}`, log });
    virtio.push(t);
    place(t, at, virtioMmioFdtNodes);
  };
  if (rng.includes("virtio-rng")) addVirtio(new VirtioRng(entropy), "rng");
  const disks = (spec.disks ?? []).map((disk) => (disk instanceof Uint8Array ? new MemoryDisk(disk) : disk));
  const blk = disks.map((disk, i) => {
    const device = new VirtioBlk(disk, { serial: `wasmvisor-disk${i}` });
    addVirtio(device, `blk${i}`);
    return device;
  });
  let virtioConsole: VirtioConsole | undefined;
  if (spec.virtioConsole !== undefined && spec.virtioConsole !== false) {
    virtioConsole = new VirtioConsole(console, typeof spec.virtioConsole === "object" ? spec.virtioConsole : {});
    addVirtio(virtioConsole, "console");
  }
  for (const extra of spec.extraDevices ?? []) {
    const device = typeof extra.device === "function"
      ? extra.device({ setIrq: (line, level) => vcpu.setIrq(line, level), wake })
      : extra.device;
    place(device, { base: extra.base, size: extra.size });
  }
  devices.sort((a, b) => (a.at.base < b.at.base ? -1 : 1));

  // Exit handlers. The polled consoles (SBI getchar, HTIF reads) share one input queue.
  const polledInput = new InputQueue(console);
  const wantSbi = restored?.sbi ?? (guestKind === "linux" && spec.bios === undefined);
  const sbi = wantSbi
    ? new BuiltinSbi(vcpu, { console: { write: (b) => console.write(b), readByte: () => polledInput.readByte() }, shutdown: (kind, code) => stop(shutdownReason(kind, code)) })
    : undefined;
  const words = restored !== undefined ? htifOfDescription(restored) : elf === undefined ? undefined : htifAddresses(elf);
  if (words !== undefined) {
    for (const [name, gpa] of [["tohost", words.tohostGpa], ["fromhost", words.fromhostGpa]] as const) {
      if (gpa !== undefined && !vcpu.guest.contains(gpa, 8)) {
        throw new ElfError(`symbol ${name} at ${hex(gpa)} lies outside guest RAM ${hex(vcpu.guest.base)}-${hex(vcpu.guest.end)}`);
      }
    }
  }
  const htif = words === undefined ? undefined : new HtifDevice(words, vcpu.guest, {
    write: (byte) => console.write(Uint8Array.of(byte)),
    readByte: () => polledInput.readByte(),
  });

  vm = new Vm(vcpu, bus, {
    clock,
    ...(profiler !== undefined ? { profiler } : {}),
    ...(sbi !== undefined ? { sbi } : {}),
    ...(htif !== undefined ? { htif } : {}),
    ...(spec.hooks !== undefined ? { hooks: spec.hooks } : {}),
  });
  if (profiler !== undefined) {
    for (const { device, at } of devices) {
      if (device.registerName !== undefined) profiler.setRegisterNamer(device.name, (off) => device.registerName!(off));
      profiler.setDeviceBase(device.name, at.base);
    }
  }

  const machine: Machine = {
    vcpu, bus, vm, clock, guestKind, uart, syscon, virtio, blk, devices, disks, polledInput, entropy,
    description: {
      memoryMiB: ramBytes >> 20, clock, guestKind, sbi: sbi !== undefined,
      htif: words === undefined ? null : { tohost: hex(words.tohostGpa), fromhost: words.fromhostGpa === undefined ? null : hex(words.fromhostGpa) },
      rng: [...rng], virtioConsole: virtioConsole !== undefined, unmapped: spec.unmapped ?? "fault",
      entropySeed: spec.entropySeed?.toString() ?? null,
      disks: [], devices: devices.map((d) => ({ name: d.device.name, base: hex(d.at.base) })),
    },
    ...(elf !== undefined ? { elf } : {}),
    ...(profiler !== undefined ? { profiler } : {}),
    ...(rngboi !== undefined ? { rngboi } : {}),
    ...(virtioConsole !== undefined ? { virtioConsole } : {}),
    ...(sbi !== undefined ? { sbi } : {}),
    ...(htif !== undefined ? { htif } : {}),
  };

  if (snapshot !== undefined) {
    const placed = JSON.stringify(machine.description.devices);
    if (placed !== JSON.stringify(restored!.devices)) throw new SnapshotError(`the snapshot's devices (${JSON.stringify(restored!.devices)}) are not this machine's (${placed})`);
    await restoreMachine(machine, snapshot, { acceptChangedDisks: given.acceptChangedDisks ?? false, ...(spec.snapshotCodec !== undefined ? { codec: spec.snapshotCodec } : {}) });
  } else if (elf !== undefined) {
    loadElf(vcpu.guest, elf);
    vcpu.reset(entryPaddr(elf));
  } else {
    bootLinux(vcpu, devices, {
      kernel: spec.kernel!,
      cmdline: spec.cmdline ?? DEFAULT_CMDLINE,
      sstc: spec.sstc ?? true,
      ...(spec.initrd !== undefined ? { initrd: spec.initrd } : {}),
      ...(spec.bios !== undefined ? { bios: spec.bios } : {}),
    });
  }
  return machine;
}

/** The HTIF words a restored bare-metal guest had. */
function htifOfDescription(d: MachineDescription): HtifAddresses | undefined {
  if (d.htif === null) return undefined;
  const tohostGpa = BigInt(d.htif.tohost);
  return d.htif.fromhost === null ? { tohostGpa } : { tohostGpa, fromhostGpa: BigInt(d.htif.fromhost) };
}
