// machine.ts — assemble a wasmvisor machine: VCPU, bus, the standard devices at their DESIGN.md addresses, and the VM loop.
//
// Platform independent: the caller supplies the compiled core, the console and the entropy
// source (Node backends in the CLI, browser backends in a page).
import type { BuiltinSbi } from "./sbi.js";
import { Bus, type UnmappedPolicy } from "../devices/bus.js";
import type { ConsoleBackend } from "../backends/console.js";
import type { EntropySource } from "../backends/entropy.js";
import { CoreIrqLine } from "../devices/irq-line.js";
import {
  RNGBOI_BASE, RNGBOI_SIZE, SYSCON_BASE, SYSCON_SIZE, UART0_BASE, UART0_IRQ, UART0_SIZE, VIRTIO_IRQ_BASE,
  VIRTIO_MMIO_BASE, VIRTIO_MMIO_SLOTS, VIRTIO_MMIO_STRIDE,
} from "./memmap.js";
import type { VirtioDevice } from "../devices/virtio/device.js";
import { VirtioMmioTransport, virtioMmioFdtNode } from "../devices/virtio/mmio.js";
import { QueueSlots } from "../devices/virtio/queue.js";
import { VirtioRng } from "../devices/virtio/rng.js";
import type { DiskBackend } from "../backends/disk.js";
import { VirtioBlk } from "../devices/virtio/blk.js";
import { VirtioConsole, type ConsoleSize } from "../devices/virtio/console.js";
import type { PlacedDevice } from "../devices/placement.js";
import { Rngboi, rngboiFdtNode } from "../devices/rngboi.js";
import { Syscon, sysconFdtNodes } from "../devices/syscon.js";
import { Uart16550, uartFdtNode } from "../devices/uart16550.js";
import type { ExitProfiler } from "../profile/profiler.js";
import { Vcpu } from "../core/vcpu.js";
import { Vm, type ClockMode, type HtifConfig, type StopReason } from "./vm.js";

export type RngChoice = "rngboi" | "virtio" | "both" | "none";

export interface MachineConfig {
  ramBytes: number;
  clock?: ClockMode;
  console: ConsoleBackend;
  entropy: EntropySource;
  rng?: RngChoice;
  unmapped?: UnmappedPolicy;
  profiler?: ExitProfiler;
  htif?: HtifConfig;
  /** Created once the VCPU exists (the SBI needs it). */
  sbi?: (vcpu: Vcpu, stop: (reason: StopReason) => void) => BuiltinSbi;
  /** One virtio-blk per disk, in order (disks[0] is Linux's /dev/vda). */
  disks?: readonly DiskBackend[];
  /** A virtio console (hvc0) on `console`, beside the UART; `size` gives the terminal size. */
  virtioConsole?: boolean | { size?: () => ConsoleSize };
  log?: (message: string) => void;
}

export interface Machine {
  vcpu: Vcpu;
  bus: Bus;
  vm: Vm;
  uart: Uart16550;
  syscon: Syscon;
  rngboi?: Rngboi;
  /** virtio-mmio transports, by slot (slot i at 0x10001000 + 0x1000·i, IRQ 1 + i). */
  virtio: VirtioMmioTransport[];
  blk: VirtioBlk[];
  virtioConsole?: VirtioConsole;
  /** Every device on the bus with its window and IRQ, in address order. */
  devices: PlacedDevice[];
}

export async function createMachine(module: WebAssembly.Module, config: MachineConfig): Promise<Machine> {
  const vcpu = await Vcpu.create(module, config.ramBytes);
  const bus = new Bus(config.unmapped ?? "fault", { logger: config.log });
  const placed: PlacedDevice[] = [];
  let vm: Vm | undefined;
  const stop = (reason: StopReason): void => vm?.requestStop(reason);
  const wake = (): void => vm?.wake();
  const place = (p: PlacedDevice): void => {
    bus.insert(p.device, p.base, p.size);
    placed.push(p);
  };

  const syscon = new Syscon((kind, code) => {
    stop(kind === "fail" ? { kind: "fail", code } : { kind });
  });
  place({ device: syscon, base: SYSCON_BASE, size: SYSCON_SIZE, fdtNode: (ctx) => sysconFdtNodes(SYSCON_BASE, SYSCON_SIZE, ctx) });

  const uart = new Uart16550({ irq: new CoreIrqLine(vcpu.core, UART0_IRQ, wake), console: config.console });
  place({
    device: uart, base: UART0_BASE, size: UART0_SIZE, irq: UART0_IRQ,
    fdtNode: (ctx) => uartFdtNode(UART0_BASE, UART0_SIZE, UART0_IRQ, ctx),
  });

  const rng = config.rng ?? "both";
  let rngboi: Rngboi | undefined;
  if (rng === "rngboi" || rng === "both") {
    rngboi = new Rngboi(config.entropy);
    place({ device: rngboi, base: RNGBOI_BASE, size: RNGBOI_SIZE, fdtNode: () => rngboiFdtNode(RNGBOI_BASE) });
  }

  // virtio devices fill the slots in order; one QueueSlots shares the core's queue records.
  const slots = new QueueSlots();
  const virtio: VirtioMmioTransport[] = [];
  const addVirtio = (device: VirtioDevice, shortName: string): void => {
    const i = virtio.length;
    if (i >= VIRTIO_MMIO_SLOTS) throw new Error(`no free virtio-mmio slot for ${shortName} (${VIRTIO_MMIO_SLOTS} in use)`);
    const base = VIRTIO_MMIO_BASE + BigInt(i) * VIRTIO_MMIO_STRIDE;
    const t = new VirtioMmioTransport(device, {
      host: vcpu, slots, irq: new CoreIrqLine(vcpu.core, VIRTIO_IRQ_BASE + i, wake), baseGpa: base,
      name: `virtio${i}:${shortName}`, ...(config.log !== undefined ? { log: config.log } : {}),
    });
    virtio.push(t);
    place({ device: t, base, size: BigInt(t.windowBytes), irq: t.irqLine, fdtNode: (ctx) => virtioMmioFdtNode(t, ctx) });
  };
  if (rng === "virtio" || rng === "both") addVirtio(new VirtioRng(config.entropy), "rng");
  const blk = (config.disks ?? []).map((disk, i) => {
    const device = new VirtioBlk(disk, { serial: `wasmvisor-disk${i}` });
    addVirtio(device, `blk${i}`);
    return device;
  });
  let virtioConsole: VirtioConsole | undefined;
  if (config.virtioConsole) {
    virtioConsole = new VirtioConsole(config.console, typeof config.virtioConsole === "object" ? config.virtioConsole : {});
    addVirtio(virtioConsole, "console");
  }

  const sbi = config.sbi?.(vcpu, stop);
  vm = new Vm(vcpu, bus, { clock: config.clock, profiler: config.profiler, sbi, htif: config.htif });
  if (config.profiler !== undefined) {
    for (const p of placed) {
      const dev = p.device;
      if (dev.registerName !== undefined) config.profiler.setRegisterNamer(dev.name, (off) => dev.registerName!(off));
      config.profiler.setDeviceBase(dev.name, p.base);
    }
  }
  placed.sort((a, b) => (a.base < b.base ? -1 : 1));
  return {
    vcpu, bus, vm, uart, syscon, rngboi, virtio, blk, devices: placed,
    ...(virtioConsole !== undefined ? { virtioConsole } : {}),
  };
}
