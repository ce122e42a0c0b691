// abi.ts — the host's mirror of assembly/layout.ts: linear-memory addresses and exit kinds.
//
// test/unit/abi.test.ts parses assembly/layout.ts and checks every constant here matches.

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
export const IRQ_BASE = 0x10000;
export const QUEUE_BASE = 0x20000;
export const QUEUE_TABLE = QUEUE_BASE;
export const QUEUE_RECORD = 64;
export const MAX_QUEUES = 64;
export const CHAIN_BASE = QUEUE_BASE + 0x1000;
export const CHAIN_SEGMENTS = CHAIN_BASE + 24;
export const MAX_CHAIN = 1024;
export const QUEUE_END = 0x80000;

export const RAM_OFFSET = 0x0100_0000;
export const RAM_BASE = 0x8000_0000n;
export const RAM_MAX = 0xc000_0000n;

/** What `run()` returned: why the VCPU stopped. */
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
