// vcpu.ts — Vcpu: the KVM-style handle on the Wasm core. `run()` returns an exit; the host handles it and resumes.
//
// Exit details are read from the exit record in linear memory through one DataView (no call
// per field), as KVM's `kvm_run` page is read after KVM_RUN returns.
import {
  EXIT_ADDR,
  EXIT_DATA,
  EXIT_INSNS,
  EXIT_MSG,
  EXIT_MSG_LEN,
  EXIT_MSG_MAX,
  EXIT_PC,
  EXIT_SIZE,
  ExitKind,
  LOAD_BAD_LENGTH,
  REGS,
  SNAPSHOT_BASE,
  SNAPSHOT_BYTES,
} from "./abi.js";
import { instantiateCore, type CoreExports } from "./wasm-core.js";
import { GuestMemory } from "./guest-memory.js";

const NO_DEADLINE = 0xffff_ffff_ffff_ffffn;

/** Privilege modes as encoded in mstatus.MPP. */
export enum Priv {
  User = 0,
  Supervisor = 1,
  Machine = 3,
}

export class Vcpu {
  readonly guest: GuestMemory;
  private readonly state: DataView;

  private constructor(
    readonly core: CoreExports,
    readonly memory: WebAssembly.Memory,
    ramBytes: number,
  ) {
    this.guest = new GuestMemory(memory, ramBytes);
    this.state = new DataView(memory.buffer);
  }

  /** Create a VCPU with `ramBytes` of guest RAM from a compiled core module. */
  static async create(module: WebAssembly.Module, ramBytes: number): Promise<Vcpu> {
    const { exports, memory } = await instantiateCore(module, ramBytes);
    return new Vcpu(exports, memory, ramBytes);
  }

  /** Reset to M-mode at `pc` with all registers and CSRs at their reset values. */
  reset(pc: bigint): void {
    this.core.resetCpu(pc);
  }

  /** Run until an exit or until `budgetInsns` instructions have run (retired or trapped; at most 2^31-1). exitInsns says how many retired. */
  run(budgetInsns: number): ExitKind {
    return this.core.run(budgetInsns) as ExitKind;
  }

  /** Complete an MmioRead exit: the loaded value lands in the destination register on re-entry. */
  setData(value: bigint): void {
    this.core.setData(value);
  }

  /** setData from 32-bit halves (no BigInt). */
  setDataParts(lo: number, hi: number): void {
    this.core.setDataParts(lo, hi);
  }

  // ---- the exit record ----
  get exitSize(): number {
    return this.state.getUint32(EXIT_SIZE, true);
  }
  get exitAddress(): bigint {
    return this.state.getBigUint64(EXIT_ADDR, true);
  }
  /**
   * The exit's guest physical address as a number, without a BigInt (the MMIO fast path).
   * Exact below 2^53, which covers every device address of the memory map.
   */
  get exitAddressNumber(): number {
    return this.state.getUint32(EXIT_ADDR, true) + this.state.getUint32(EXIT_ADDR + 4, true) * 0x1_0000_0000;
  }
  /** Low and high 32 bits of the exit's store data (MmioWrite), without a BigInt. */
  get exitDataLow(): number {
    return this.state.getUint32(EXIT_DATA, true);
  }
  get exitDataHigh(): number {
    return this.state.getUint32(EXIT_DATA + 4, true);
  }
  get exitData(): bigint {
    return this.state.getBigUint64(EXIT_DATA, true);
  }
  get exitPc(): bigint {
    return this.state.getBigUint64(EXIT_PC, true);
  }
  /** Instructions retired by the last run() call. */
  get exitInsns(): number {
    // run()'s budget is below 2^31, so the count fits the low word.
    return this.state.getUint32(EXIT_INSNS, true);
  }
  get exitMessage(): string {
    const len = Math.min(this.state.getUint32(EXIT_MSG_LEN, true), EXIT_MSG_MAX);
    return new TextDecoder().decode(new Uint8Array(this.memory.buffer, EXIT_MSG, len));
  }

  /** Turn the MMIO exit just returned into a guest load/store access fault (nothing at that address). */
  faultLastAccess(): void {
    this.core.faultLastAccess();
  }

  // ---- platform wiring (the run loop and the builder set these once) ----
  /** Guest instructions per mtime tick (the clock's divider). */
  setInsnsPerTick(insns: number): void {
    this.core.setClockDivider(insns);
  }
  /** When on, an ecall from S-mode becomes an Sbi exit instead of a trap to M-mode. */
  enableSbiExits(on: boolean): void {
    this.core.setSbiEnabled(on ? 1 : 0);
  }
  /** Watch the HTIF tohost word (stores to it become exits); fromhost 0 means none. */
  watchTohost(tohostGpa: bigint, fromhostGpa: bigint | undefined): void {
    this.core.setTohost(tohostGpa, fromhostGpa ?? 0n);
  }
  /** Drive a PLIC input line of the in-core interrupt controller. */
  setIrq(line: number, level: boolean): void {
    this.core.setIrq(line, level ? 1 : 0);
  }
  flushTlb(): void {
    this.core.flushTlb();
  }

  // ---- snapshots ----
  /** The core's state record (registers, CSRs, CLINT, PLIC), copied out of the snapshot area. */
  saveCoreState(): Uint8Array {
    const length = this.core.saveState();
    if (length === 0) throw new Error("the core's state record does not fit its area");
    return new Uint8Array(this.memory.buffer, SNAPSHOT_BASE, length).slice();
  }
  /** The first RAM page (4 KiB) at or after `page` holding a nonzero byte; the page count when none does. */
  nextUsedPage(page: number): number {
    return this.core.nextUsedPage(page);
  }
  /** Install a state record; returns LOAD_OK or why the core refused it (layout.ts LOAD_*). */
  loadCoreState(record: Uint8Array): number {
    if (record.length > SNAPSHOT_BYTES) return LOAD_BAD_LENGTH;
    new Uint8Array(this.memory.buffer, SNAPSHOT_BASE, record.length).set(record);
    return this.core.loadState(record.length);
  }

  // ---- the in-core CLINT timer ----
  get mtime(): bigint {
    return this.core.getMtime();
  }
  set mtime(ticks: bigint) {
    this.core.setMtime(ticks);
  }
  /** The earliest mtime at which a timer interrupt can fire, or undefined when none is armed. */
  nextTimerDeadline(): bigint | undefined {
    const deadline = BigInt.asUintN(64, this.core.nextTimerDeadline()); // an i64 export: "none" arrives as -1n
    return deadline === NO_DEADLINE ? undefined : deadline;
  }

  // ---- architectural state ----
  get pc(): bigint {
    return this.core.getPc();
  }
  set pc(v: bigint) {
    this.core.setPc(v);
  }
  get priv(): Priv {
    return this.core.getPriv() as Priv;
  }
  set priv(p: Priv) {
    this.core.setPriv(p);
  }
  get instret(): bigint {
    return this.core.getInstret();
  }
  getReg(i: number): bigint {
    return i === 0 ? 0n : this.state.getBigUint64(REGS + i * 8, true);
  }
  setReg(i: number, v: bigint): void {
    if (i !== 0) this.state.setBigUint64(REGS + i * 8, BigInt.asUintN(64, v), true);
  }
  getCsr(csr: number): bigint {
    return this.core.getCsr(csr);
  }
  setCsr(csr: number, v: bigint): void {
    this.core.setCsr(csr, BigInt.asUintN(64, v));
  }
}
