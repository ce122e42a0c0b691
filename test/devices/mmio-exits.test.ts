// mmio-exits.test.ts — FP loads and stores to MMIO, and the instruction count across exits (MMIO, SBI, host-faulted accesses, trap-only guests).
//
// FP accesses: test/devices/guests/src/fp-mmio.S against a host device, the in-core CLINT and
// PLIC. A scripted BusDevice (`fpdev`) holds 0x80 bytes of registers that read back as written
// and logs every access; anything at or above 0x80 is refused, which the bus turns into a guest
// access fault. The guest checks the values itself and reports them; this side checks the raw
// bits (NaN-boxing, FS), what the device received, and that the host's instruction count
// matches minstret (each completed MMIO instruction retires once, a faulted one never).
//
// Counts across exits: tiny hand-assembled guests on a bare VCPU check EXIT_INSNS against
// minstret exit by exit: an MMIO access retires in the run after its exit, a host-faulted one
// never, an SBI call (the ECALL the host handles) counts nothing, and a guest that does nothing
// but trap still spends its budget and returns.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitKind } from "../../host/core/abi.js";
import type { BusDevice } from "../../host/devices/bus.js";
import type { Vcpu } from "../../host/core/vcpu.js";
import { newVcpu } from "../support/core.js";
import { addi, code, jal, ZERO, T0, T1 } from "../support/rv64-asm.js";
import { DEVICE_GUEST_DIR, prepareDeviceGuest } from "../support/device-guest.js";

const FP_MMIO_ELF = join(DEVICE_GUEST_DIR, "fp-mmio.elf");
const FPDEV_BASE = 0x1004_0000n;
const FPDEV_SIZE = 0x1000n;
const FPDEV_REGS = 0x80;
const CSR_MINSTRET = 0xb02;
const FS_DIRTY = 0x6000n;
const FS_CLEAN = 0x4000n;
const CAUSE_LOAD_ACCESS = 5n;
const CAUSE_STORE_ACCESS = 7n;

interface Access {
  op: "read" | "write";
  offset: number;
  size: number;
  value: bigint;
}

/** Registers that read back as stored, preloaded with the values fp-mmio.S expects. */
class FpDev implements BusDevice {
  readonly name = "fpdev";
  readonly regs = new Uint8Array(FPDEV_REGS).fill(0x55);
  readonly log: Access[] = [];
  private readonly view = new DataView(this.regs.buffer);

  constructor() {
    this.view.setUint32(0x00, 0x3fc0_0000, true); // 1.5f
    this.view.setBigUint64(0x08, 0x4009_21fb_5444_2d18n, true); // pi
    this.view.setUint32(0x10, 0x7f80_0001, true); // a single signalling NaN
    this.view.setBigUint64(0x18, 0x7ff0_0000_0000_0001n, true); // a double signalling NaN
    this.view.setUint32(0x20, 0x0000_0001, true); // the smallest single subnormal
  }

  read(offset: number, data: Uint8Array): boolean {
    if (offset + data.length > FPDEV_REGS) return false;
    data.set(this.regs.subarray(offset, offset + data.length));
    this.log.push({ op: "read", offset, size: data.length, value: le(data) });
    return true;
  }

  write(offset: number, data: Uint8Array): boolean {
    if (offset + data.length > FPDEV_REGS) return false;
    this.regs.set(data, offset);
    this.log.push({ op: "write", offset, size: data.length, value: le(data) });
    return true;
  }
}

function le(data: Uint8Array): bigint {
  let v = 0n;
  for (let i = data.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i]!);
  return v;
}

async function runFpMmio() {
  const guest = await prepareDeviceGuest(FP_MMIO_ELF);
  const dev = new FpDev();
  guest.machine.bus.insert(dev, FPDEV_BASE, FPDEV_SIZE);
  const result = await guest.machine.vm.run({ maxInsns: 1_000_000n, timeoutMs: 10_000 });
  return { ...guest, dev, result };
}

describe("FP loads and stores to MMIO (guest-driven)", () => {
  it("passes every sub-test of fp-mmio.S", async () => {
    const run = await runFpMmio();
    // A failing sub-test n shows as { kind: "tohost", code: n }; 16 ends through an FSD to tohost.
    expect(run.result.reason).toEqual({ kind: "tohost", code: 0 });
  });

  it("FLW/FLD from a device: exact bits, NaN-boxed singles, no canonical NaNs, FS dirty", async () => {
    const { irqctl } = await runFpMmio();
    const r = irqctl.reports;
    expect(r).toHaveLength(20);
    // tests 1-5: (f bits, mstatus.FS) after loading from a Clean FS
    expect(r.slice(0, 10)).toEqual([
      0xffff_ffff_3fc0_0000n, FS_DIRTY, // FLW 1.5f
      0x4009_21fb_5444_2d18n, FS_DIRTY, // FLD pi
      0xffff_ffff_7f80_0001n, FS_DIRTY, // FLW sNaN: boxed, payload kept
      0x7ff0_0000_0000_0001n, FS_DIRTY, // FLD sNaN
      0xffff_ffff_0000_0001n, FS_DIRTY, // FLW of a word with bit 31 clear: boxed, not extended
    ]);
    // test 9: C.FLD and C.FLDSP
    expect(r.slice(10, 12)).toEqual([0x4009_21fb_5444_2d18n, 0x7ff0_0000_0000_0001n]);
  });

  it("FSW/FSD to a device send the raw register bits (FSW: the low 32)", async () => {
    const { dev } = await runFpMmio();
    const writes = dev.log.filter((a) => a.op === "write");
    expect(writes).toEqual([
      { op: "write", offset: 0x40, size: 4, value: 0x9abc_def0n }, // FSW of an unboxed 0x123456789abcdef0
      { op: "write", offset: 0x48, size: 8, value: 0xc009_21fb_5444_2d18n }, // FSD
      { op: "write", offset: 0x50, size: 8, value: 0xffff_ffff_3fc0_0000n }, // FSD of a boxed single
      { op: "write", offset: 0x58, size: 8, value: 0x0102_0304_0506_0708n }, // C.FSD
      { op: "write", offset: 0x60, size: 8, value: 0x4009_21fb_5444_2d18n }, // C.FSDSP
    ]);
    // The reads the device served, in order (the integer read-backs included).
    expect(dev.log.filter((a) => a.op === "read").map((a) => [a.offset, a.size])).toEqual([
      [0x00, 4], [0x08, 8], [0x10, 4], [0x18, 8], [0x20, 4], // tests 1-5
      [0x44, 4], [0x40, 4], [0x48, 8], [0x50, 8], // tests 6-8
      [0x08, 8], [0x18, 8], [0x58, 8], [0x60, 8], // test 9
    ]);
  });

  it("a refused FP access is an access fault that does not retire and leaves f and FS alone", async () => {
    const { irqctl } = await runFpMmio();
    const r = irqctl.reports;
    // test 10: FLW from a refused offset: minstret delta to the handler, mcause, mtval, FS, f bits
    expect(r.slice(12, 17)).toEqual([1n, CAUSE_LOAD_ACCESS, FPDEV_BASE + 0x100n, FS_CLEAN, 0x5555n]);
    // test 11: FSD to a refused offset
    expect(r.slice(17, 20)).toEqual([1n, CAUSE_STORE_ACCESS, FPDEV_BASE + 0x108n]);
  });

  it("the host's instruction count is minstret: every MMIO exit retired once, faulted ones never", async () => {
    const { machine, result } = await runFpMmio();
    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    // From reset (minstret = 0) the sum of the exits' instruction counts is the retired count.
    expect(machine.vcpu.getCsr(CSR_MINSTRET)).toBe(result.insns);
  });
});

const RAM_BASE = 0x8000_0000n;
const CSR_MTVEC = 0x305;
const CSR_MEPC = 0x341;
const CSR_MCAUSE = 0x342;
const CSR_MCOUNTEREN = 0x306;
const ECALL = 0x0000_0073;
/** lw t0, 0(t1) */
const LW_T0_T1 = 0x0003_2283;
const UNMAPPED = 0x4000_0000n;

/** A VCPU at RAM_BASE in `priv` running `words`; the rest of RAM is zeros (illegal instructions). */
async function bareGuest(words: number[], priv = 3): Promise<Vcpu> {
  const vcpu = await newVcpu(1 << 20);
  vcpu.guest.write(RAM_BASE, code(words));
  vcpu.reset(RAM_BASE);
  vcpu.priv = priv;
  return vcpu;
}

const minstret = (vcpu: Vcpu): bigint => vcpu.getCsr(CSR_MINSTRET);

describe("instruction counts across exits (bare VCPU)", () => {
  it("an MMIO read retires once, in the run after its exit", async () => {
    const vcpu = await bareGuest([addi(T0, ZERO, 0), LW_T0_T1, jal(ZERO, 0)]);
    vcpu.setReg(T1, UNMAPPED);
    expect(vcpu.run(100)).toBe(ExitKind.MmioRead);
    expect(vcpu.exitInsns).toBe(1); // the addi; the load is still in flight
    expect(minstret(vcpu)).toBe(1n);
    vcpu.setDataParts(0x1234, 0);
    expect(vcpu.run(5)).toBe(ExitKind.BudgetExhausted);
    expect(vcpu.exitInsns).toBe(5); // the load completing, then four jumps
    expect(minstret(vcpu)).toBe(6n);
    expect(vcpu.getReg(T0)).toBe(0x1234n);
  });

  it("a host-faulted MMIO access never retires (and faulting twice takes one trap)", async () => {
    const vcpu = await bareGuest([addi(T0, ZERO, 7), LW_T0_T1, jal(ZERO, 0)]);
    vcpu.setCsr(CSR_MTVEC, RAM_BASE + 8n); // the handler is the spin loop
    vcpu.setReg(T1, UNMAPPED);
    expect(vcpu.run(100)).toBe(ExitKind.MmioRead);
    expect(vcpu.exitInsns).toBe(1);
    vcpu.faultLastAccess();
    vcpu.faultLastAccess(); // no access in flight any more: nothing happens
    expect(vcpu.pc).toBe(RAM_BASE + 8n);
    expect(vcpu.getCsr(CSR_MCAUSE)).toBe(5n);
    expect(vcpu.getCsr(CSR_MEPC)).toBe(RAM_BASE + 4n);
    expect(vcpu.run(3)).toBe(ExitKind.BudgetExhausted);
    expect(vcpu.exitInsns).toBe(3); // three jumps; the load never counted
    expect(minstret(vcpu)).toBe(4n);
    expect(vcpu.getReg(T0)).toBe(7n);
  });

  it("an SBI call counts no instruction: the ECALL does not retire and the host retires nothing", async () => {
    const vcpu = await bareGuest([addi(T0, ZERO, 1), ECALL, addi(T0, T0, 1), jal(ZERO, 0)], 1);
    vcpu.enableSbiExits(true);
    vcpu.setCsr(CSR_MCOUNTEREN, -1n);
    expect(vcpu.run(100)).toBe(ExitKind.Sbi);
    expect(vcpu.exitInsns).toBe(1);
    expect(vcpu.pc).toBe(RAM_BASE + 8n); // resumes after the ECALL, as after a trap return
    expect(vcpu.run(3)).toBe(ExitKind.BudgetExhausted);
    expect(vcpu.exitInsns).toBe(3);
    expect(minstret(vcpu)).toBe(4n);
    expect(vcpu.getReg(T0)).toBe(2n);
  });

  it("a guest that only traps spends its budget and returns, having retired nothing", async () => {
    const vcpu = await bareGuest([]); // all zeros: every fetch is an illegal instruction
    vcpu.setCsr(CSR_MTVEC, RAM_BASE);
    expect(vcpu.run(10_000)).toBe(ExitKind.BudgetExhausted);
    expect(vcpu.exitInsns).toBe(0);
    expect(minstret(vcpu)).toBe(0n);
    expect(vcpu.getCsr(CSR_MCAUSE)).toBe(2n);
  });
});
