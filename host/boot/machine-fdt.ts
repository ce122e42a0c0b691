// machine-fdt.ts — the devicetree of a wasmvisor machine: cpus, memory, chosen, CLINT, PLIC, and each placed device's own node.
import { buildDtb } from "./fdt.js";
import { FdtNode } from "../devices/fdt-node.js";
import type { FdtContext, PlacedDevice } from "../devices/placement.js";
import { PLIC_SOURCES } from "../core/abi.js";
import { CLINT_BASE, CLINT_SIZE, PLIC_BASE, PLIC_SIZE, RAM_BASE, TIMEBASE_HZ } from "../vmm/memmap.js";

/** PLIC sources the core implements (1..63; source 0 is reserved). */
export const PLIC_NDEV = PLIC_SOURCES - 1;

export interface MachineFdtConfig {
  ramBytes: number;
  /** The ISA string: exactly the extensions the core implements and the machine enables. */
  isa: string;
  bootargs?: string;
  initrd?: { start: bigint; end: bigint };
  /** Path of the console device for /chosen/stdout-path (e.g. the UART node). */
  stdoutPath?: string;
  devices: readonly PlacedDevice[];
}

const IRQ_S_EXT = 9;
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_M_EXT = 11;

export function machineFdt(config: MachineFdtConfig): FdtNode {
  let nextPhandle = 1;
  const newPhandle = (): number => nextPhandle++;
  const cpuIntc = newPhandle();
  const plic = newPhandle();
  const ctx: FdtContext = { plicPhandle: plic, newPhandle };

  const root = new FdtNode("").u32("#address-cells", 2).u32("#size-cells", 2)
    .string("compatible", "wasmvisor,virt", "riscv-virtio").string("model", "wasmvisor RISC-V virtual machine");

  const chosen = root.node("chosen");
  if (config.bootargs !== undefined) chosen.string("bootargs", config.bootargs);
  if (config.stdoutPath !== undefined) chosen.string("stdout-path", config.stdoutPath);
  if (config.initrd !== undefined) {
    chosen.u64("linux,initrd-start", config.initrd.start).u64("linux,initrd-end", config.initrd.end);
  }

  root.node(`memory@${RAM_BASE.toString(16)}`).string("device_type", "memory")
    .u64("reg", RAM_BASE, BigInt(config.ramBytes));

  const cpus = root.node("cpus").u32("#address-cells", 1).u32("#size-cells", 0)
    .u32("timebase-frequency", TIMEBASE_HZ);
  const cpu = cpus.node("cpu@0").string("device_type", "cpu").u32("reg", 0).string("status", "okay")
    .string("compatible", "riscv").string("riscv,isa", config.isa).string("mmu-type", "riscv,sv39");
  cpu.node("interrupt-controller").u32("#interrupt-cells", 1).flag("interrupt-controller")
    .string("compatible", "riscv,cpu-intc").u32("phandle", cpuIntc);

  const soc = root.node("soc").u32("#address-cells", 2).u32("#size-cells", 2)
    .string("compatible", "simple-bus").flag("ranges");
  soc.add(new FdtNode(`clint@${CLINT_BASE.toString(16)}`)
    .string("compatible", "sifive,clint0", "riscv,clint0").u64("reg", CLINT_BASE, CLINT_SIZE)
    .u32("interrupts-extended", cpuIntc, IRQ_M_SOFT, cpuIntc, IRQ_M_TIMER));
  soc.add(new FdtNode(`plic@${PLIC_BASE.toString(16)}`)
    .string("compatible", "sifive,plic-1.0.0", "riscv,plic0").u64("reg", PLIC_BASE, PLIC_SIZE)
    .u32("#address-cells", 0).u32("#interrupt-cells", 1).flag("interrupt-controller")
    .u32("riscv,ndev", PLIC_NDEV).u32("interrupts-extended", cpuIntc, IRQ_M_EXT, cpuIntc, IRQ_S_EXT)
    .u32("phandle", plic));

  for (const placed of config.devices) {
    for (const node of placed.fdtNodes?.(placed.at, ctx) ?? []) {
      // syscon-poweroff/-reboot live at the root, as on QEMU virt; device nodes under /soc.
      if (node.name === "poweroff" || node.name === "reboot") root.add(node);
      else soc.add(node);
    }
  }
  return root;
}

export function machineDtb(config: MachineFdtConfig): Uint8Array {
  return buildDtb(machineFdt(config));
}
