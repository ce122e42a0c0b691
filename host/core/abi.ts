// abi.ts — the host's one mirror of assembly/layout.ts: linear-memory addresses, record fields, error codes, exit kinds.
//
// test/unit/abi.test.ts evaluates every constant of assembly/layout.ts and checks each one here
// has the same value, so changing one side without the other fails a test. Guest-physical
// addresses are bigints (as guest addresses are everywhere on the host); linear-memory offsets
// are numbers.

export const STATE_BASE = 0x1000;
export const REGS = STATE_BASE;
export const FREGS = REGS + 32 * 8;

export const EXIT_BASE = 0x1400;
export const EXIT_KIND = EXIT_BASE + 0;
export const EXIT_SIZE = EXIT_BASE + 4;
export const EXIT_ADDR = EXIT_BASE + 8;
export const EXIT_DATA = EXIT_BASE + 16;
export const EXIT_PC = EXIT_BASE + 24;
export const EXIT_INSNS = EXIT_BASE + 32;
export const EXIT_VA = EXIT_BASE + 40;
export const EXIT_MSG_LEN = EXIT_BASE + 48;
export const EXIT_MSG = EXIT_BASE + 56;
export const EXIT_MSG_MAX = 200;

export const TLB_BASE = 0x2000;
export const QUEUE_BASE = 0x20000;
export const QUEUE_TABLE = QUEUE_BASE;
export const QUEUE_RECORD = 64;
export const MAX_QUEUES = 64;
export const QREC_DESC = 0;
export const QREC_AVAIL = 8;
export const QREC_USED = 16;
export const QREC_SIZE = 24;
export const QREC_FLAGS = 28;
export const QREC_LAST_AVAIL = 32;
export const QREC_USED_IDX = 36;
export const QREC_SIGNALLED = 40;
export const QREC_ERROR = 44;
export const CHAIN_BASE = QUEUE_BASE + 0x1000;
export const CHAIN_HEAD = CHAIN_BASE + 0;
export const CHAIN_COUNT = CHAIN_BASE + 4;
export const CHAIN_READABLE = CHAIN_BASE + 8;
export const CHAIN_WRITABLE = CHAIN_BASE + 16;
export const CHAIN_SEGMENTS = CHAIN_BASE + 24;
export const CHAIN_SEGMENT_BYTES = 16;
export const SEG_GPA = 0;
export const SEG_LEN = 8;
export const SEG_WRITABLE = 12;
export const MAX_CHAIN = 1024;

export const QERR_NONE = 0;
export const QERR_BAD_CONFIG = 1;
export const QERR_AVAIL_JUMP = 2;
export const QERR_BAD_HEAD = 3;
export const QERR_BAD_DESC_ADDR = 4;
export const QERR_BAD_NEXT = 5;
export const QERR_CHAIN_TOO_LONG = 6;
export const QERR_BAD_INDIRECT = 7;
export const QERR_WRITE_BEFORE_READ = 8;
export const QERR_BAD_USED = 9;
export const QERR_NOT_READY = 10;

export const SNAPSHOT_BASE = 0x7_c000;
export const SNAPSHOT_BYTES = 0x4000;
export const LOAD_OK = 0;
export const LOAD_BAD_VERSION = 1;
export const LOAD_BAD_LENGTH = 2;

export const CLINT_BASE = 0x0200_0000n;
export const CLINT_SIZE = 0x1_0000n;
export const PLIC_BASE = 0x0c00_0000n;
export const PLIC_SIZE = 0x0400_0000n;
export const PLIC_SOURCES = 64;

export const RAM_OFFSET = 0x0100_0000;
export const RAM_BASE = 0x8000_0000n;
export const RAM_MAX = 0xc000_0000n;

/** What `run()` returned: why the VCPU stopped (layout.ts EXIT_NONE..EXIT_INTERNAL_ERROR). */
export enum ExitKind {
  None = 0,
  MmioRead = 1,
  MmioWrite = 2,
  Sbi = 3,
  Wfi = 4,
  BudgetExhausted = 5,
  Halted = 6,
  Tohost = 7,
  InternalError = 8,
}

export const EXIT_KIND_NAMES: Record<ExitKind, string> = {
  [ExitKind.None]: "None",
  [ExitKind.MmioRead]: "MmioRead",
  [ExitKind.MmioWrite]: "MmioWrite",
  [ExitKind.Sbi]: "Sbi",
  [ExitKind.Wfi]: "Wfi",
  [ExitKind.BudgetExhausted]: "BudgetExhausted",
  [ExitKind.Halted]: "Halted",
  [ExitKind.Tohost]: "Tohost",
  [ExitKind.InternalError]: "InternalError",
};
