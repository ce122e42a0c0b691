// layout.ts — the one linear-memory layout the Wasm core and the TypeScript host both read.
//
// Mirrored once, by host/core/abi.ts; test/unit/abi.test.ts checks the two agree, constant by constant.
//
//   0x0000_0000 ┌──────────────────────────────┐
//               │ unused (null page)            │
//   0x0000_1000 ├──────────────────────────────┤ STATE_BASE
//               │ x0..x31        (32 × u64)     │ REGS
//               │ f0..f31        (32 × u64)     │ FREGS
//   0x0000_1400 ├──────────────────────────────┤ EXIT_BASE: the exit record
//   0x0000_2000 ├──────────────────────────────┤ TLB_BASE: software TLB (9 sets × 256 × 16 bytes)
//   0x0002_0000 ├──────────────────────────────┤ QUEUE_BASE: virtqueue records and the chain record
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
export const QUEUE_BASE: u32 = 0x20000;
/** Per-queue records (assembly/virtio/queue.ts documents the fields). */
export const QUEUE_TABLE: u32 = QUEUE_BASE;
export const QUEUE_RECORD: u32 = 64;
export const MAX_QUEUES: u32 = 64;
// Fields of a queue record (offsets into it; assembly/virtio/queue.ts documents them).
export const QREC_DESC: u32 = 0; // u64 descriptor table gpa
export const QREC_AVAIL: u32 = 8; // u64 avail ring gpa
export const QREC_USED: u32 = 16; // u64 used ring gpa
export const QREC_SIZE: u32 = 24; // u32 queue size
export const QREC_FLAGS: u32 = 28; // u32 QF_* flags
export const QREC_LAST_AVAIL: u32 = 32; // u32 next avail index to pop
export const QREC_USED_IDX: u32 = 36; // u32 used index published
export const QREC_SIGNALLED: u32 = 40; // u32 used index the driver was last interrupted for
export const QREC_ERROR: u32 = 44; // u32 QERR_* code
/** The last popped descriptor chain: header, then CHAIN_SEGMENT_BYTES-byte segments. */
export const CHAIN_BASE: u32 = QUEUE_BASE + 0x1000;
export const CHAIN_HEAD: u32 = CHAIN_BASE + 0; // u32 head descriptor index
export const CHAIN_COUNT: u32 = CHAIN_BASE + 4; // u32 segments
export const CHAIN_READABLE: u32 = CHAIN_BASE + 8; // u64 device-readable bytes
export const CHAIN_WRITABLE: u32 = CHAIN_BASE + 16; // u64 device-writable bytes
export const CHAIN_SEGMENTS: u32 = CHAIN_BASE + 24;
export const CHAIN_SEGMENT_BYTES: u32 = 16;
export const SEG_GPA: u32 = 0; // u64, within a segment
export const SEG_LEN: u32 = 8; // u32
export const SEG_WRITABLE: u32 = 12; // u32: 1 when device-writable
export const MAX_CHAIN: u32 = 1024;

// Why a queue broke (queueError): the host names each code for DEVICE_NEEDS_RESET messages.
export const QERR_NONE: u32 = 0;
export const QERR_BAD_CONFIG: u32 = 1;
export const QERR_AVAIL_JUMP: u32 = 2;
export const QERR_BAD_HEAD: u32 = 3;
export const QERR_BAD_DESC_ADDR: u32 = 4;
export const QERR_BAD_NEXT: u32 = 5;
export const QERR_CHAIN_TOO_LONG: u32 = 6;
export const QERR_BAD_INDIRECT: u32 = 7;
export const QERR_WRITE_BEFORE_READ: u32 = 8;
export const QERR_BAD_USED: u32 = 9;
export const QERR_NOT_READY: u32 = 10;

/** Where the core writes (and reads back) its own state for a snapshot: CPU, CSRs, CLINT, PLIC. */
export const SNAPSHOT_BASE: u32 = 0x7_C000;
export const SNAPSHOT_BYTES: u32 = 0x4000;
// What loadState() says of a record.
export const LOAD_OK: i32 = 0;
export const LOAD_BAD_VERSION: i32 = 1; // not a core state record, or of another version
export const LOAD_BAD_LENGTH: i32 = 2; // truncated, or longer than this version's record

// The in-core devices' physical windows (served without an exit) and the PLIC's sources.
export const CLINT_BASE: u64 = 0x0200_0000;
export const CLINT_SIZE: u64 = 0x1_0000;
export const PLIC_BASE: u64 = 0x0C00_0000;
export const PLIC_SIZE: u64 = 0x0400_0000;
/** PLIC interrupt sources, counting the reserved source 0 (1..63 are usable). */
export const PLIC_SOURCES: u32 = 64;

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
