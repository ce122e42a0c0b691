// run-loop.test.ts — the one run loop (Vm) against a scripted fake VCPU, so every exit path is tested without the core.
//
// The fake plays back a list of exits the way the core reports them (kind, exit record fields,
// instructions retired); the loop's reactions (data completed, faults raised, tohost cleared,
// budgets asked for) are recorded and checked. test/unit/cli.test.ts runs the same paths on the
// real core, and test/unit/builder.test.ts checks how a machine is wired.
import { describe, expect, it } from "vitest";
import { ExitKind, RAM_OFFSET } from "../../host/core/abi.js";
import { GuestMemory } from "../../host/core/guest-memory.js";
import type { Vcpu } from "../../host/core/vcpu.js";
import { Bus, type BusDevice } from "../../host/devices/bus.js";
import { HtifDevice, type HtifAddresses } from "../../host/vmm/htif.js";
import { Vm, type RunLimits, type VmResult } from "../../host/vmm/vm.js";
import { FROMHOST_GPA, TOHOST_GPA } from "../support/htif-guests.js";

interface ScriptedExit {
  kind: number;
  /** Instructions retired by this run() call; default 1, or the whole budget for BudgetExhausted. */
  insns?: number;
  data?: bigint;
  addr?: bigint;
  size?: number;
  pc?: bigint;
  message?: string;
}

const RAM_BYTES = 1 << 20;
const HTIF: HtifAddresses = { tohostGpa: TOHOST_GPA, fromhostGpa: FROMHOST_GPA };
const putc = (ch: string): ScriptedExit => ({ kind: ExitKind.Tohost, data: (1n << 56n) | (1n << 48n) | BigInt(ch.charCodeAt(0)) });
const getc: ScriptedExit = { kind: ExitKind.Tohost, data: 1n << 56n };
const halt = (code: bigint): ScriptedExit => ({ kind: ExitKind.Halted, data: code });

/** The part of Vcpu the loop uses, played back from a script. */
class FakeVcpu {
  readonly guest: GuestMemory;
  readonly budgets: number[] = [];
  readonly dataSet: bigint[] = [];
  readonly faults: bigint[] = [];
  readonly tohostWatched: Array<[bigint, bigint | undefined]> = [];
  exitSize = 0;
  exitAddress = 0n;
  exitData = 0n;
  exitPc = 0x8000_0000n;
  exitInsns = 0;
  exitMessage = "";
  mtime = 0n;

  constructor(private readonly script: ScriptedExit[] = []) {
    const pages = (RAM_OFFSET + RAM_BYTES) / 65536;
    this.guest = new GuestMemory(new WebAssembly.Memory({ initial: pages, maximum: pages }), RAM_BYTES);
  }

  get exitAddressNumber(): number {
    return Number(this.exitAddress);
  }
  get exitDataLow(): number {
    return Number(this.exitData & 0xffff_ffffn);
  }
  get exitDataHigh(): number {
    return Number(this.exitData >> 32n);
  }
  run(budget: number): ExitKind {
    this.budgets.push(budget);
    const exit = this.script.shift() ?? { kind: ExitKind.BudgetExhausted };
    this.exitInsns = exit.insns ?? (exit.kind === ExitKind.BudgetExhausted ? budget : 1);
    this.exitData = exit.data ?? 0n;
    this.exitAddress = exit.addr ?? 0n;
    this.exitSize = exit.size ?? 0;
    this.exitPc = exit.pc ?? 0x8000_0000n;
    this.exitMessage = exit.message ?? "";
    // Like the core, a tohost command is a store that has reached memory when the exit happens.
    if (exit.kind === ExitKind.Tohost) this.guest.writeU64(TOHOST_GPA, this.exitData);
    return exit.kind as ExitKind;
  }
  setDataParts(lo: number, hi: number): void {
    this.dataSet.push((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  }
  faultLastAccess(): void {
    this.faults.push(this.exitAddress);
  }
  nextTimerDeadline(): bigint | undefined {
    return undefined;
  }
  setInsnsPerTick(): void {}
  enableSbiExits(): void {}
  watchTohost(tohost: bigint, fromhost: bigint | undefined): void {
    this.tohostWatched.push([tohost, fromhost]);
  }
  asVcpu(): Vcpu {
    return this as unknown as Vcpu;
  }
}

interface ScriptRun {
  vcpu: FakeVcpu;
  result: VmResult;
  console: string;
}

async function runScript(
  script: ScriptedExit[],
  opts: { htif?: HtifAddresses | null; bus?: Bus; limits?: RunLimits; input?: number[] } = {},
): Promise<ScriptRun> {
  const vcpu = new FakeVcpu(script);
  let text = "";
  const input = opts.input ?? [];
  const addresses = opts.htif === undefined ? HTIF : opts.htif;
  const htif = addresses === null ? undefined : new HtifDevice(addresses, vcpu.guest, {
    write: (byte) => (text += String.fromCharCode(byte)),
    readByte: () => input.shift() ?? -1,
  });
  const vm = new Vm(vcpu.asVcpu(), opts.bus ?? new Bus("fault", { logger: () => {} }), htif === undefined ? {} : { htif });
  const result = await vm.run(opts.limits ?? { timeoutMs: 10_000 });
  return { vcpu, result, console: text };
}

describe("Vm run loop", () => {
  it("ends with the tohost code, counting instructions over all run() calls", async () => {
    const { result } = await runScript([{ kind: ExitKind.BudgetExhausted, insns: 1000 }, { ...halt(0n), insns: 7 }]);
    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    expect(result.insns).toBe(1007n);
    expect(result.wallSeconds).toBeGreaterThanOrEqual(0);
    expect((await runScript([halt(5n)])).result.reason).toEqual({ kind: "tohost", code: 5 });
  });

  it("tells the core where tohost and fromhost are", async () => {
    expect((await runScript([halt(0n)])).vcpu.tohostWatched).toEqual([[TOHOST_GPA, FROMHOST_GPA]]);
    expect((await runScript([halt(0n)], { htif: null })).vcpu.tohostWatched).toEqual([]);
  });

  it("writes HTIF console bytes, clears tohost after each command and acknowledges in fromhost", async () => {
    const text = "hé\n";
    const bytes = Array.from(new TextEncoder().encode(text));
    const script: ScriptedExit[] = bytes.map((b) => ({ kind: ExitKind.Tohost, data: (1n << 56n) | (1n << 48n) | BigInt(b) }));
    const { vcpu, result, console } = await runScript([...script, halt(0n)]);
    expect(result.reason.kind).toBe("tohost");
    expect(console).toBe(String.fromCharCode(...bytes));
    expect(vcpu.guest.readU64(TOHOST_GPA)).toBe(0n);
    // Acknowledged as QEMU does: device and command echoed, 0x100 | byte (here the last one, '\n').
    expect(vcpu.guest.readU64(FROMHOST_GPA)).toBe((1n << 56n) | (1n << 48n) | 0x10an);
  });

  it("does not acknowledge console writes when the ELF has no fromhost", async () => {
    const { vcpu, console } = await runScript([putc("x"), halt(0n)], { htif: { tohostGpa: TOHOST_GPA } });
    expect(console).toBe("x");
    expect(vcpu.guest.readU64(FROMHOST_GPA)).toBe(0n);
  });

  it("answers an HTIF console read with 0x100 | byte when input is waiting", async () => {
    const { vcpu, result } = await runScript([getc, halt(0n)], { input: [0x41] });
    expect(result.reason.kind).toBe("tohost");
    expect(vcpu.guest.readU64(TOHOST_GPA)).toBe(0n);
    expect(vcpu.guest.readU64(FROMHOST_GPA)).toBe((1n << 56n) | 0x141n);
  });

  it("leaves an HTIF console read pending while there is no input, and answers it when input comes", async () => {
    const { vcpu } = await runScript([getc, halt(0n)]);
    expect(vcpu.guest.readU64(TOHOST_GPA)).toBe(0n);
    expect(vcpu.guest.readU64(FROMHOST_GPA)).toBe(0n); // no answer: there is no input

    const input: number[] = [];
    const late = new FakeVcpu();
    const htif = new HtifDevice(HTIF, late.guest, { write: () => {}, readByte: () => input.shift() ?? -1 });
    expect(htif.handle(1n << 56n)).toBeUndefined();
    htif.poll();
    expect(late.guest.readU64(FROMHOST_GPA)).toBe(0n);
    input.push(0x7a);
    htif.poll();
    expect(late.guest.readU64(FROMHOST_GPA)).toBe((1n << 56n) | 0x17an);
  });

  it("ends with an error on an HTIF syscall request or an unknown device", async () => {
    expect((await runScript([{ kind: ExitKind.Tohost, data: 0x8000_1040n }])).result.reason).toEqual({
      kind: "error", message: "unsupported HTIF syscall (tohost=0x80001040): only exit and console are implemented",
    });
    expect((await runScript([{ kind: ExitKind.Tohost, data: (2n << 56n) | 5n }])).result.reason).toEqual({
      kind: "error", message: "unsupported HTIF command: device 2 cmd 0",
    });
  });

  it("ends with an error when tohost is written but no HTIF is configured", async () => {
    const { result } = await runScript([putc("x")], { htif: null });
    expect(result.reason).toEqual({ kind: "error", message: "guest wrote tohost but no HTIF is configured" });
  });

  it("turns MMIO accesses to nothing into guest access faults, counting both", async () => {
    const bus = new Bus("fault", { logger: () => {} });
    const { vcpu, result } = await runScript([
      { kind: ExitKind.MmioRead, addr: 0x1000_0000n, size: 1 },
      { kind: ExitKind.MmioRead, addr: 0x1000_0005n, size: 1 },
      { kind: ExitKind.MmioWrite, addr: 0x1000_0000n, size: 4, data: 0x41n },
      halt(0n),
    ], { bus });
    expect(result.reason.kind).toBe("tohost");
    expect(vcpu.dataSet).toEqual([]);
    expect(vcpu.faults).toEqual([0x1000_0000n, 0x1000_0005n, 0x1000_0000n]);
    expect(bus.unmappedReads).toBe(2);
    expect(bus.unmappedWrites).toBe(1);
  });

  it("passes MMIO exits to the device at the address and completes reads", async () => {
    const writes: Array<[number, number[]]> = [];
    const device: BusDevice = {
      name: "probe",
      read: (offset, data) => void data.fill(offset === 0 ? 0xff : 0),
      write: (offset, data) => void writes.push([offset, Array.from(data)]),
    };
    const bus = new Bus("fault");
    bus.insert(device, 0x1002_0000n, 0x1000n);
    const { vcpu } = await runScript([
      { kind: ExitKind.MmioRead, addr: 0x1002_0000n, size: 8 },
      { kind: ExitKind.MmioWrite, addr: 0x1002_0004n, size: 1, data: 0x41n },
      halt(0n),
    ], { bus });
    expect(vcpu.dataSet).toEqual([0xffff_ffff_ffff_ffffn]);
    expect(writes).toEqual([[4, [0x41]]]);
  });

  it("ends with an error naming the device when a device throws", async () => {
    const bus = new Bus("fault");
    bus.insert({ name: "fire", read: () => true, write: () => { throw new Error("device on fire"); } }, 0x1000_0000n, 0x100n);
    const { result } = await runScript([{ kind: ExitKind.MmioWrite, addr: 0x1000_0000n, size: 1 }], { bus });
    expect(result.reason).toEqual({ kind: "error", message: "MMIO write of 1 bytes at 0x10000000 (fire) failed: device on fire" });
  });

  it("resumes after WFI", async () => {
    expect((await runScript([{ kind: ExitKind.Wfi }, halt(0n)])).result.reason.kind).toBe("tohost");
  });

  it.each([
    [{ kind: ExitKind.Sbi, pc: 0x8000_0010n }, "ecall to SBI from S-mode, but no SBI is configured"],
    [{ kind: ExitKind.InternalError, message: "illegal state", pc: 0x8000_0004n }, "core internal error at pc 0x80000004: illegal state"],
    [{ kind: ExitKind.None }, "core returned unexpected exit kind 0"],
    [{ kind: 99 }, "core returned unexpected exit kind 99"],
  ])("ends with an error on exit %o", async (exit, message) => {
    expect((await runScript([exit])).result.reason).toEqual({ kind: "error", message });
  });

  it("asks for no more than maxInsns and stops exactly at it", async () => {
    const { vcpu, result } = await runScript([], { limits: { maxInsns: 100n } });
    expect(vcpu.budgets).toEqual([100]);
    expect(result.reason).toEqual({ kind: "budget", maxInsns: 100n });
    expect(result.insns).toBe(100n);
  });

  it("counts instructions retired before other exits against maxInsns", async () => {
    const { vcpu, result } = await runScript([{ kind: ExitKind.Wfi, insns: 25 }], { limits: { maxInsns: 40n } });
    expect(vcpu.budgets).toEqual([40, 15]);
    expect(result.reason.kind).toBe("budget");
    expect(result.insns).toBe(40n);
  });

  it("ends with an error when the core spends a slice without retiring anything", async () => {
    const { result } = await runScript([{ kind: ExitKind.BudgetExhausted, insns: 0, pc: 0x8000_0100n }]);
    expect(result.reason).toMatchObject({ kind: "error" });
    expect(result.reason.kind === "error" && result.reason.message).toContain("no instruction retired in a slice");
  });

  it("calls the clock-check hook while running", async () => {
    const vcpu = new FakeVcpu([{ kind: ExitKind.BudgetExhausted, insns: 10 }, halt(0n)]);
    const seen: number[] = [];
    const vm = new Vm(vcpu.asVcpu(), new Bus("fault"), { hooks: { onClockCheck: (now) => seen.push(now) } });
    await vm.run();
    expect(seen.length).toBeGreaterThan(0);
  });
});
