// reset.ts — power-on state: M-mode at a given pc, registers and CSRs cleared, TLB flushed.
import { REGS, FREGS } from "../layout";
import { MSTATUS_XLEN_FIELDS, PRIV_M } from "./csrs";
import {
  chunkLeft, chunkUnretired, instret, mcause, mcounteren, mcountinhibit, medeleg, menvcfg, mepc, mideleg, mie,
  mipLines, mipSoft, mscratch, mstatus, mtval, mtvec, pc, priv, reservation, satp, scause,
  scounteren, senvcfg, sepc, sscratch, stimecmp, stval, stvec,
} from "./state";
import { flushTlb, updateTlbBases } from "./mmu";
import { csrReset } from "./csr";
import { clintReset } from "../irq/clint";
import { plicReset } from "../irq/plic";
import { clearMmioInFlight } from "../exit";

export function resetCpu(entry: u64): void {
  memory.fill(REGS, 0, 32 * 8);
  memory.fill(FREGS, 0, 32 * 8);
  pc = entry;
  priv = PRIV_M;
  mstatus = MSTATUS_XLEN_FIELDS;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  mipSoft = 0;
  mipLines = 0;
  mtvec = 0;
  mscratch = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  mcounteren = 0;
  mcountinhibit = 0;
  menvcfg = 0;
  stvec = 0;
  sscratch = 0;
  sepc = 0;
  scause = 0;
  stval = 0;
  scounteren = 0;
  senvcfg = 0;
  satp = 0;
  stimecmp = -1;
  instret = 0;
  chunkLeft = 0;
  chunkUnretired = 0;
  reservation = -1;
  csrReset();
  clintReset();
  plicReset();
  clearMmioInFlight();
  flushTlb();
  updateTlbBases();
}
