// memmap.ts — the guest physical memory map (QEMU virt-compatible; docs/architecture.md) and IRQ numbers.
//
// Where each device sits. How big its register window is belongs to the device (UART_WINDOW_BYTES,
// VIRTIO_MMIO_WINDOW_BYTES, ...); RAM and the in-core CLINT/PLIC windows come from the core's
// layout (core/abi.ts), since the core decodes those addresses itself.
export { CLINT_BASE, CLINT_SIZE, PLIC_BASE, PLIC_SIZE, RAM_BASE } from "../core/abi.js";

export const SYSCON_BASE = 0x10_0000n;
export const UART0_BASE = 0x1000_0000n;
export const UART0_IRQ = 10;
/** virtio-mmio slots: slot i at VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE, PLIC line VIRTIO_IRQ_BASE + i (1..8). */
export const VIRTIO_MMIO_BASE = 0x1000_1000n;
export const VIRTIO_MMIO_STRIDE = 0x1000n;
export const VIRTIO_MMIO_SLOTS = 8;
export const VIRTIO_IRQ_BASE = 1;
export const RNGBOI_BASE = 0x1002_0000n;
/** Where Linux expects to be loaded (2 MiB above RAM base, as firmware leaves it). */
export const KERNEL_BASE = 0x8020_0000n;

/** mtime frequency: 10 MHz, as QEMU virt. */
export const TIMEBASE_HZ = 10_000_000;
