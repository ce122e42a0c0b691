// memmap.ts — the guest physical memory map (QEMU virt-compatible, DESIGN.md section 4) and IRQ numbers.

export const BOOT_ROM_BASE = 0x1000n;
export const SYSCON_BASE = 0x10_0000n;
export const SYSCON_SIZE = 0x1000n;
export const CLINT_BASE = 0x200_0000n;
export const CLINT_SIZE = 0x1_0000n;
export const PLIC_BASE = 0xc00_0000n;
export const PLIC_SIZE = 0x400_0000n;
export const UART0_BASE = 0x1000_0000n;
export const UART0_SIZE = 0x100n;
export const UART0_IRQ = 10;
export const VIRTIO_MMIO_BASE = 0x1000_1000n;
export const VIRTIO_MMIO_STRIDE = 0x1000n;
export const VIRTIO_MMIO_SLOTS = 8;
/** virtio-mmio slot i uses PLIC line VIRTIO_IRQ_BASE + i (1..8). */
export const VIRTIO_IRQ_BASE = 1;
export const RNGBOI_BASE = 0x1002_0000n;
export const RNGBOI_SIZE = 0x1000n;
export const RAM_BASE = 0x8000_0000n;
/** Where Linux expects to be loaded (2 MiB above RAM base, as firmware leaves it). */
export const KERNEL_BASE = 0x8020_0000n;

/** mtime frequency: 10 MHz, as QEMU virt. */
export const TIMEBASE_HZ = 10_000_000;
