// layout.ts — the one linear-memory layout the Wasm core and the TypeScript host both read.
//
// Mirrored by host/abi.ts; test/unit/abi.test.ts checks the two agree.
//
//   0x0000_0000 ┌──────────────────────────────┐
//               │ unused (null page)            │
//   0x0000_1000 ├──────────────────────────────┤ STATE_BASE
//               │ x0..x31        (32 × u64)     │ REGS
//               │ f0..f31        (32 × u64)     │ FREGS
//   0x0000_1400 ├──────────────────────────────┤ EXIT_BASE: the exit record
//   0x0000_2000 ├──────────────────────────────┤ TLB_BASE: software TLB
//   0x0001_0000 ├──────────────────────────────┤ IRQ_BASE: PLIC / CLINT state
//   0x0002_0000 ├──────────────────────────────┤ QUEUE_BASE: virtqueue scratch
//   0x0008_0000 ├──────────────────────────────┤ AssemblyScript static data (memoryBase)
//   0x0100_0000 ├──────────────────────────────┤ RAM_OFFSET: guest RAM
//               │ guest physical 0x8000_0000 +x │  ↔ linear RAM_OFFSET + x
//               └──────────────────────────────┘ RAM_OFFSET + ramSize (memory never grows)

export const STATE_BASE: u32 = 0x1000;
export const REGS: u32 = STATE_BASE;
export const FREGS: u32 = REGS + 32 * 8;

// The exit record: run() returns the kind; the details sit here.
export const EXIT_BASE: u32 = 0x1400;
export const EXIT_KIND: u32 = EXIT_BASE + 0; // u32, same as run()'s return value
export const EXIT_SIZE: u32 = EXIT_BASE + 4; // u32: access size in bytes (1, 2, 4, 8)
export const EXIT_ADDR: u32 = EXIT_BASE + 8; // u64: guest physical address of the access
export const EXIT_DATA: u32 = EXIT_BASE + 16; // u64: store data / halt code / tohost value
export const EXIT_PC: u32 = EXIT_BASE + 24; // u64: pc of the instruction that exited
export const EXIT_INSNS: u32 = EXIT_BASE + 32; // u64: instructions retired in this run() call (an MMIO access counts in the run after its exit)
export const EXIT_VA: u32 = EXIT_BASE + 40; // u64: guest virtual address of the access
export const EXIT_MSG_LEN: u32 = EXIT_BASE + 48; // u32: length of the internal-error message
export const EXIT_MSG: u32 = EXIT_BASE + 56; // ASCII bytes, up to EXIT_MSG_MAX
export const EXIT_MSG_MAX: u32 = 200;

export const TLB_BASE: u32 = 0x2000;
export const IRQ_BASE: u32 = 0x10000;
export const QUEUE_BASE: u32 = 0x20000;
/** Per-queue records (assembly/virtio/queue.ts documents the fields). */
export const QUEUE_TABLE: u32 = QUEUE_BASE;
export const QUEUE_RECORD: u32 = 64;
export const MAX_QUEUES: u32 = 64;
/** The last popped descriptor chain: header, then 16-byte segments. */
export const CHAIN_BASE: u32 = QUEUE_BASE + 0x1000;
export const CHAIN_SEGMENTS: u32 = CHAIN_BASE + 24;
export const MAX_CHAIN: u32 = 1024;
export const QUEUE_END: u32 = 0x80000;

export const RAM_OFFSET: u32 = 0x0100_0000;
export const RAM_BASE: u64 = 0x8000_0000;
/** Largest guest RAM: keeps RAM_OFFSET + ramSize within a 32-bit linear memory. */
export const RAM_MAX: u64 = 0xC000_0000;

// Exit kinds (the value run() returns).
export const EXIT_NONE: i32 = 0;
export const EXIT_MMIO_READ: i32 = 1;
export const EXIT_MMIO_WRITE: i32 = 2;
export const EXIT_SBI: i32 = 3;
export const EXIT_WFI: i32 = 4;
export const EXIT_BUDGET: i32 = 5;
export const EXIT_HALTED: i32 = 6;
export const EXIT_TOHOST: i32 = 7;
export const EXIT_INTERNAL_ERROR: i32 = 8;
