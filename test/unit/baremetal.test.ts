// baremetal.test.ts — the bare-metal run loop against a scripted fake VCPU, so every exit path is tested without the core.
//
// The fake plays back a list of exits the way the core would report them (kind, exit record
// fields, instructions retired); the loop's reactions (setData, tohost cleared, budgets asked
// for) are recorded and checked. test/unit/cli.test.ts runs the same paths on the real core.
import { describe, expect, it } from "vitest";
import { ExitKind, RAM_BASE, RAM_OFFSET } from "../../host/core/abi.js";
import { prepareBareMetal, runBareMetal, type BareMetalOptions } from "../../host/baremetal.js";
import { ElfError } from "../../host/boot/elf.js";
import { GuestMemory } from "../../host/core/guest-memory.js";
import type { Vcpu } from "../../host/core/vcpu.js";
import { buildElf } from "../support/elf-builder.js";
import { FROMHOST_GPA, passGuest, TOHOST_GPA } from "../support/htif-guests.js";

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
const HTIF = { tohostGpa: TOHOST_GPA, fromhostGpa: FROMHOST_GPA };
const putc = (ch: string): ScriptedExit => ({ kind: ExitKind.Tohost, data: (1n << 56n) | (1n << 48n) | BigInt(ch.charCodeAt(0)) });
const halt = (code: bigint): ScriptedExit => ({ kind: ExitKind.Halted, data: code });

class FakeVcpu {
  readonly guest: GuestMemory;
  readonly budgets: number[] = [];
  readonly dataSet: bigint[] = [];
  readonly tohostSet: Array<[bigint, bigint]> = [];
  resetPc: bigint | undefined;
  exitSize = 0;
  exitAddress = 0n;
  exitData = 0n;
  exitPc = 0x8000_0000n;
  exitInsns = 0;
  exitMessage = "";
  readonly faults: bigint[] = [];
  readonly core = {
    setTohost: (tohost: bigint, fromhost: bigint): void => void this.tohostSet.push([tohost, fromhost]),
    faultLastAccess: (): void => void this.faults.push(this.exitAddress),
    nextTimerDeadline: (): bigint => 0xffff_ffff_ffff_ffffn,
    getMtime: (): bigint => 0n,
    setMtime: (_v: bigint): void => undefined,
  };

  constructor(private readonly script: ScriptedExit[] = []) {
    const pages = (RAM_OFFSET + RAM_BYTES) / 65536;
    this.guest = new GuestMemory(new WebAssembly.Memory({ initial: pages, maximum: pages }), RAM_BYTES);
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
  setData(value: bigint): void {
    this.dataSet.push(value);
  }
  reset(pc: bigint): void {
    this.resetPc = pc;
  }
  asVcpu(): Vcpu {
    return this as unknown as Vcpu;
  }
}

function runScript(script: ScriptedExit[], opts: BareMetalOptions = { htif: HTIF }) {
  const vcpu = new FakeVcpu(script);
  const result = runBareMetal(vcpu.asVcpu(), opts);
  return { vcpu, result };
}

describe("runBareMetal", () => {
  it("passes when the guest halts with code 0, counting instructions over all run() calls", () => {
    const { result } = runScript([{ kind: ExitKind.BudgetExhausted, insns: 1000 }, { ...halt(0n), insns: 7 }], {
      htif: HTIF,
      chunkInsns: 1000,
    });
    expect(result.outcome).toBe("pass");
    expect(result.insns).toBe(1007n);
    expect(result.testNumber).toBeUndefined();
    expect(result.seconds).toBeGreaterThanOrEqual(0);
  });

  it("fails with the test number when the guest halts with a non-zero code", () => {
    const { result } = runScript([halt(5n)]);
    expect(result).toMatchObject({ outcome: "fail", testNumber: 5, message: "FAIL test 5" });
  });

  it("writes console bytes, decodes UTF-8, and clears tohost after each command", () => {
    const seen: number[] = [];
    const text = "hé\n";
    const bytes = Array.from(new TextEncoder().encode(text));
    const script: ScriptedExit[] = bytes.map((b) => ({
      kind: ExitKind.Tohost,
      data: (1n << 56n) | (1n << 48n) | BigInt(b),
    }));
    const vcpu = new FakeVcpu([...script, halt(0n)]);
    const result = runBareMetal(vcpu.asVcpu(), { htif: HTIF, onConsoleByte: (b) => seen.push(b) });
    expect(result.outcome).toBe("pass");
    expect(result.console).toBe(text);
    expect(seen).toEqual(bytes);
    expect(vcpu.guest.readU64(TOHOST_GPA)).toBe(0n);
    // Acknowledged as QEMU does: device and command echoed, 0x100 | byte (here the last one, '\n').
    expect(vcpu.guest.readU64(FROMHOST_GPA)).toBe((1n << 56n) | (1n << 48n) | 0x10an);
  });

  it("does not acknowledge console writes when the ELF has no fromhost", () => {
    const { vcpu, result } = runScript([putc("x"), halt(0n)], { htif: { tohostGpa: TOHOST_GPA } });
    expect(result.console).toBe("x");
    expect(vcpu.guest.readU64(FROMHOST_GPA)).toBe(0n);
  });

  it("keeps at most consoleLimitBytes of console output but passes every byte to the callback", () => {
    let count = 0;
    const { result } = runScript([putc("a"), putc("b"), putc("c"), halt(0n)], {
      htif: HTIF,
      consoleLimitBytes: 2,
      onConsoleByte: () => count++,
    });
    expect(result.console).toBe("ab");
    expect(count).toBe(3);
  });

  it("leaves a console read pending (no input) and goes on", () => {
    const { vcpu, result } = runScript([{ kind: ExitKind.Tohost, data: 1n << 56n }, halt(0n)]);
    expect(result.outcome).toBe("pass");
    expect(vcpu.guest.readU64(TOHOST_GPA)).toBe(0n);
    expect(vcpu.guest.readU64(FROMHOST_GPA)).toBe(0n); // no answer: there is no input
  });

  it("treats a device-0 command with the low bit set as the exit code, as spike does", () => {
    expect(runScript([{ kind: ExitKind.Tohost, data: 1n }]).result.outcome).toBe("pass");
    expect(runScript([{ kind: ExitKind.Tohost, data: 7n }]).result).toMatchObject({ outcome: "fail", testNumber: 3 });
  });

  it("ends with an error on an HTIF syscall request", () => {
    const { result } = runScript([{ kind: ExitKind.Tohost, data: 0x8000_1040n, pc: 0x8000_0008n }]);
    expect(result.outcome).toBe("error");
    expect(result.message).toBe("unsupported HTIF syscall (tohost=0x80001040 at pc 0x80000008)");
  });

  it("ends with an error on an unknown HTIF device or command", () => {
    const { result } = runScript([{ kind: ExitKind.Tohost, data: (2n << 56n) | 5n }]);
    expect(result.outcome).toBe("error");
    expect(result.message).toBe("unsupported HTIF command: device 2 cmd 0 (tohost=0x200000000000005)");
  });

  it("ends with an error when a console command arrives but no tohost address is known", () => {
    const { result } = runScript([putc("x")], {});
    expect(result.outcome).toBe("error");
    expect(result.message).toContain("no tohost address");
  });

  it("turns MMIO accesses into guest access faults when there is no handler, counting both", () => {
    const { vcpu, result } = runScript([
      { kind: ExitKind.MmioRead, addr: 0x1000_0000n, size: 1 },
      { kind: ExitKind.MmioRead, addr: 0x1000_0005n, size: 1 },
      { kind: ExitKind.MmioWrite, addr: 0x1000_0000n, size: 4, data: 0x41n },
      halt(0n),
    ]);
    expect(result.outcome).toBe("pass");
    expect(vcpu.dataSet).toEqual([]);
    expect(vcpu.faults).toEqual([0x1000_0000n, 0x1000_0005n, 0x1000_0000n]);
    expect(result.unhandledMmioReads).toBe(2);
    expect(result.unhandledMmioWrites).toBe(1);
  });

  it("passes MMIO exits to the handler", () => {
    const writes: Array<[bigint, number, bigint]> = [];
    const { vcpu, result } = runScript(
      [
        { kind: ExitKind.MmioRead, addr: 0x1002_0000n, size: 4 },
        { kind: ExitKind.MmioWrite, addr: 0x1000_0000n, size: 1, data: 0x41n },
        halt(0n),
      ],
      {
        htif: HTIF,
        mmio: {
          read: (gpa, size) => (gpa === 0x1002_0000n && size === 4 ? -1n : 0n),
          write: (gpa, size, value) => void writes.push([gpa, size, value]),
        },
      },
    );
    expect(result.outcome).toBe("pass");
    expect(vcpu.dataSet).toEqual([0xffff_ffff_ffff_ffffn]); // truncated to 64 bits
    expect(writes).toEqual([[0x1000_0000n, 1, 0x41n]]);
    expect(result.unhandledMmioReads).toBe(0);
  });

  it("ends with an error when the MMIO handler throws", () => {
    const { result } = runScript([{ kind: ExitKind.MmioWrite, addr: 0x1000_0000n, size: 1 }], {
      mmio: {
        read: () => 0n,
        write: () => {
          throw new Error("device on fire");
        },
      },
    });
    expect(result.outcome).toBe("error");
    expect(result.message).toBe("MMIO write of 1 bytes at 0x10000000 failed: device on fire");
  });

  it("resumes after WFI", () => {
    expect(runScript([{ kind: ExitKind.Wfi }, { kind: ExitKind.Wfi }, halt(0n)]).result.outcome).toBe("pass");
  });

  it.each([
    [{ kind: ExitKind.Sbi, pc: 0x8000_0010n }, "guest made an SBI call at pc 0x80000010, but bare-metal runs have no SBI"],
    [{ kind: ExitKind.InternalError, message: "illegal state" }, "illegal state"],
    [{ kind: ExitKind.InternalError, pc: 0x8000_0004n }, "core internal error at pc 0x80000004"],
    [{ kind: ExitKind.None }, "core returned unexpected exit kind 0 at pc 0x80000000"],
    [{ kind: 99 }, "core returned unexpected exit kind 99 at pc 0x80000000"],
  ])("ends with an error on exit %o", (exit, message) => {
    const { result } = runScript([exit]);
    expect(result.outcome).toBe("error");
    expect(result.message).toBe(message);
  });

  it("splits maxInsns into chunks and stops exactly at it", () => {
    const { vcpu, result } = runScript([], { htif: HTIF, maxInsns: 100n, chunkInsns: 30 });
    expect(vcpu.budgets).toEqual([30, 30, 30, 10]);
    expect(result.outcome).toBe("budget");
    expect(result.insns).toBe(100n);
    expect(result.message).toBe("instruction budget of 100 exhausted");
  });

  it("counts instructions retired before other exits against maxInsns", () => {
    const { vcpu, result } = runScript([{ kind: ExitKind.Wfi, insns: 25 }], { maxInsns: 40n, chunkInsns: 30 });
    expect(vcpu.budgets).toEqual([30, 15]);
    expect(result.outcome).toBe("budget");
    expect(result.insns).toBe(40n);
  });

  it("ends with an error when the core spends a budget without retiring anything", () => {
    const { result } = runScript([{ kind: ExitKind.BudgetExhausted, insns: 0 }]);
    expect(result.outcome).toBe("error");
    expect(result.message).toContain("no progress");
  });

  it("rejects nonsense options", () => {
    const vcpu = new FakeVcpu().asVcpu();
    expect(() => runBareMetal(vcpu, { chunkInsns: 0 })).toThrow(RangeError);
    expect(() => runBareMetal(vcpu, { chunkInsns: 2 ** 31 })).toThrow(RangeError);
    expect(() => runBareMetal(vcpu, { maxInsns: 0n })).toThrow(RangeError);
  });
});

describe("prepareBareMetal", () => {
  it("loads the ELF, resets at its entry and tells the core where tohost and fromhost are", () => {
    const vcpu = new FakeVcpu();
    const setup = prepareBareMetal(vcpu.asVcpu(), passGuest());
    expect(setup.entry).toBe(0x8000_0000n);
    expect(vcpu.resetPc).toBe(0x8000_0000n);
    expect(setup.htif).toEqual({ tohostGpa: TOHOST_GPA, fromhostGpa: FROMHOST_GPA });
    expect(vcpu.tohostSet).toEqual([[TOHOST_GPA, FROMHOST_GPA]]);
    expect(vcpu.guest.readU32(RAM_BASE)).toBe(0x0000_1297); // auipc t0, 1
    expect(setup.image.symbols.get("tohost")).toBe(TOHOST_GPA);
  });

  it("leaves HTIF off for an ELF without tohost", () => {
    const vcpu = new FakeVcpu();
    const setup = prepareBareMetal(vcpu.asVcpu(), buildElf({ segments: [{ vaddr: RAM_BASE, data: new Uint8Array(8) }] }));
    expect(setup.htif).toBeUndefined();
    expect(vcpu.tohostSet).toEqual([]);
  });

  it("passes 0 for fromhost when the ELF has only tohost", () => {
    const vcpu = new FakeVcpu();
    const elf = buildElf({
      segments: [{ vaddr: RAM_BASE, data: new Uint8Array(16) }],
      symbols: [{ name: "tohost", value: RAM_BASE + 8n }],
    });
    expect(prepareBareMetal(vcpu.asVcpu(), elf).htif).toEqual({ tohostGpa: RAM_BASE + 8n });
    expect(vcpu.tohostSet).toEqual([[RAM_BASE + 8n, 0n]]);
  });

  it("refuses a tohost symbol outside guest RAM", () => {
    const vcpu = new FakeVcpu();
    const elf = buildElf({
      segments: [{ vaddr: RAM_BASE, data: new Uint8Array(16) }],
      symbols: [{ name: "tohost", value: 0x1000n }],
    });
    expect(() => prepareBareMetal(vcpu.asVcpu(), elf)).toThrow(
      new ElfError("symbol tohost at 0x1000 lies outside guest RAM 0x80000000-0x80100000"),
    );
  });
});
