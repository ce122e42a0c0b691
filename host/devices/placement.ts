// placement.ts — a device placed on the machine: its bus window and IRQ, and the devicetree node it contributes.
import type { BusDevice } from "./bus.js";
import type { FdtNode } from "../boot/fdt.js";

/** What a device needs to describe itself in the devicetree. */
export interface FdtContext {
  /** phandle of the PLIC, the interrupt parent of every device IRQ. */
  plicPhandle: number;
  /** Allocate a fresh phandle (for nodes other nodes refer to). */
  newPhandle(): number;
}

export interface PlacedDevice {
  device: BusDevice;
  base: bigint;
  size: bigint;
  irq?: number;
  /** The node this device adds under /soc (or undefined for devices Linux must not see). */
  fdtNode?(ctx: FdtContext): FdtNode | FdtNode[];
}

/** `reg = <base size>` with #address-cells = #size-cells = 2, as under our /soc. */
export function regOf(node: FdtNode, base: bigint, size: bigint): FdtNode {
  return node.u64("reg", base, size);
}

/** `interrupts` + `interrupt-parent` for a PLIC-routed line. */
export function irqOf(node: FdtNode, irq: number, ctx: FdtContext): FdtNode {
  return node.u32("interrupts", irq).u32("interrupt-parent", ctx.plicPhandle);
}
