// placement.ts — a device placed on the machine: its bus window and IRQ, and the devicetree nodes it contributes.
import type { BusDevice } from "./bus.js";
import type { FdtNode } from "./fdt-node.js";

/** Where a device sits: its window on the bus and, for devices that interrupt, its PLIC line. */
export interface Placement {
  base: bigint;
  size: bigint;
  irq?: number;
}

/** What a device needs to describe itself in the devicetree. */
export interface FdtContext {
  /** phandle of the PLIC, the interrupt parent of every device IRQ. */
  plicPhandle: number;
  /** Allocate a fresh phandle (for nodes other nodes refer to). */
  newPhandle(): number;
}

/**
 * The devicetree nodes a device adds for a placement. Every device kind has one function of
 * this shape (uartFdtNodes, virtioMmioFdtNodes, ...); nodes go under /soc unless they are
 * root-level platform nodes (syscon-poweroff, syscon-reboot).
 */
export type FdtNodesOf = (at: Placement, ctx: FdtContext) => FdtNode[];

export interface PlacedDevice {
  device: BusDevice;
  at: Placement;
  /** Absent for devices Linux must not see. */
  fdtNodes?: FdtNodesOf;
}

/** `reg = <base size>` with #address-cells = #size-cells = 2, as under our /soc. */
export function regOf(node: FdtNode, base: bigint, size: bigint): FdtNode {
  return node.u64("reg", base, size);
}

/** `interrupts` + `interrupt-parent` for a PLIC-routed line. */
export function irqOf(node: FdtNode, at: Placement, ctx: FdtContext): FdtNode {
  if (at.irq === undefined) throw new Error(`${node.name}: this device needs an IRQ line`);
  return node.u32("interrupts", at.irq).u32("interrupt-parent", ctx.plicPhandle);
}
