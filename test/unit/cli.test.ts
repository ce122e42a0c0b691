// cli.test.ts — the wasmvisor command: argument parsing in-process, exit statuses and output by spawning `node bin/wasmvisor.js`.
//
// The spawned CLI runs from dist/ (tsc -p tsconfig.build.json); beforeAll rebuilds it when any
// host source is newer, so running this file alone never tests stale code. The tests under
// "with the Wasm core" need build/wasmvisor.wasm (npm run build:wasm) and fail, saying so, without it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreModuleError, loadCoreModule } from "../../host/backends/node/core-file.js";
import { GLOBAL_OPTIONS, globalHelp, parseArgs, RUN_OPTIONS, UsageError } from "../../host/cli/args.js";
import { buildElf, EM_RISCV } from "../support/elf-builder.js";
import { consoleGuest, failGuest, noTohostGuest, passGuest, spinGuest, syscallGuest } from "../support/htif-guests.js";
import { ensureHostBuilt, runCli, type CliRun } from "../support/cli.js";

const wasmvisor = (...args: string[]): CliRun => runCli(args);

/** Bad input: status 2, nothing on stdout, exactly one line `wasmvisor: <problem>` on stderr. */
function expectBadInput(run: CliRun, problem: string | RegExp): void {
  expect(run.status, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  const lines = run.stderr.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^wasmvisor: /);
  if (typeof problem === "string") expect(lines[0]).toBe(`wasmvisor: ${problem}`);
  else expect(lines[0]).toMatch(problem);
}

let dir: string;
function fixture(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wasmvisor-cli-"));
  ensureHostBuilt();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("parseArgs", () => {
  it("parses run with every option, in both --flag VALUE and --flag=VALUE forms", () => {
    expect(parseArgs(["run", "--elf", "a.elf", "--max-insns=1_000", "--memory", "64"])).toEqual({
      kind: "run",
      elfPath: "a.elf",
      maxInsns: 1000n,
      memoryMiB: 64,
      sstc: true,
      profile: false,
      disks: [],
      virtioConsole: false,
    });
    expect(parseArgs(["run", "--elf=-odd-name.elf", "--max-insns", "0x10"])).toEqual({
      kind: "run",
      elfPath: "-odd-name.elf",
      maxInsns: 16n,
      memoryMiB: 128,
      sstc: true,
      profile: false,
      disks: [],
      virtioConsole: false,
    });
    expect(
      parseArgs(["run", "--kernel", "Image", "--initrd=i.cpio", "--append", "console=hvc0", "--rng", "virtio",
        "--clock", "realtime", "--sstc", "off", "--timeout", "2.5", "--profile", "--profile-json", "p.json",
        "--trace", "t.json", "--unmapped", "log", "--bios", "fw.bin", "--disk", "a.img", "--disk=b.img,ro",
        "--virtio-console"]),
    ).toEqual({
      kind: "run", kernelPath: "Image", initrdPath: "i.cpio", append: "console=hvc0", rng: "virtio",
      clock: "realtime", sstc: false, timeoutSeconds: 2.5, profile: true, profileJsonPath: "p.json",
      tracePath: "t.json", unmapped: "log", biosPath: "fw.bin", memoryMiB: 128,
      disks: [{ path: "a.img", readOnly: false }, { path: "b.img", readOnly: true }], virtioConsole: true,
    });
  });

  it("rejects kernel-only options without --kernel, both guests at once, and bad choices", () => {
    expect(() => parseArgs(["run", "--elf", "a", "--initrd", "i"])).toThrow("--initrd needs --kernel");
    expect(() => parseArgs(["run", "--elf", "a", "--kernel", "k"])).toThrow("give either --elf or --kernel, not both");
    expect(() => parseArgs(["run", "--rng", "dice"])).toThrow("--rng: 'dice' is not one of virtio, rngboi, both, none");
    expect(() => parseArgs(["run", "--timeout", "-1"])).toThrow("--timeout needs a value (SECONDS)");
    expect(() => parseArgs(["run", "--timeout", "soon"])).toThrow("--timeout: 'soon' is not a positive number of seconds");
  });

  it("leaves optional values out when not given", () => {
    expect(parseArgs(["run"])).toEqual({ kind: "run", memoryMiB: 128, sstc: true, profile: false, disks: [], virtioConsole: false });
  });

  it("answers --help and --version", () => {
    expect(parseArgs(["--help"])).toMatchObject({ kind: "help" });
    expect(parseArgs(["-h"])).toMatchObject({ kind: "help" });
    expect(parseArgs(["--version"])).toEqual({ kind: "version" });
    expect(parseArgs(["-V"])).toEqual({ kind: "version" });
    expect(parseArgs(["run", "--help"])).toMatchObject({ kind: "help" });
    expect(parseArgs(["run", "--elf", "x", "-h"])).toMatchObject({ kind: "help" });
  });

  it("generates help from the option tables", () => {
    const top = globalHelp();
    for (const spec of Object.values(GLOBAL_OPTIONS)) expect(top).toContain(spec.flag);
    const run = parseArgs(["run", "--help"]);
    if (run.kind !== "help") throw new Error("expected help");
    for (const spec of Object.values(RUN_OPTIONS)) {
      expect(run.text).toContain(spec.flag);
      expect(run.text).toContain(spec.help);
    }
    expect(run.text).toContain("exit status:");
  });

  it.each([
    [[], "no command given (try 'wasmvisor --help')"],
    [["frob"], "unknown command 'frob' (try 'wasmvisor --help')"],
    [["--frob"], "unknown option --frob (see 'wasmvisor --help')"],
    [["--help", "extra"], "unexpected argument 'extra' (see 'wasmvisor --help')"],
    [["--version=2"], "--version takes no value"],
    [["run", "--bogus"], "unknown option --bogus (see 'wasmvisor run --help')"],
    [["run", "-x"], "unknown option -x (see 'wasmvisor run --help')"],
    [["run", "file.elf"], "unexpected argument 'file.elf' (see 'wasmvisor run --help')"],
    [["run", "--elf"], "--elf needs a value (FILE)"],
    [["run", "--elf", "--max-insns", "5"], "--elf needs a value (FILE)"],
    [["run", "--elf="], "--elf needs a non-empty value"],
    [["run", "--elf", "a", "--elf", "b"], "--elf given more than once"],
    [["run", "--max-insns", "1e9"], "--max-insns: '1e9' is not a whole number"],
    [["run", "--max-insns", "-5"], "--max-insns needs a value (N)"],
    [["run", "--max-insns=-5"], "--max-insns: '-5' is not a whole number"],
    [["run", "--max-insns", "0"], "--max-insns: 0 is out of range (1 to 2^64-1)"],
    [["run", "--max-insns", "18446744073709551616"], "--max-insns: 18446744073709551616 is out of range (1 to 2^64-1)"],
    [["run", "--max-insns", "12abc"], "--max-insns: '12abc' is not a whole number"],
    [["run", "--memory", "0"], "--memory: 0 MiB is out of range (1 to 3072)"],
    [["run", "--memory", "4096"], "--memory: 4096 MiB is out of range (1 to 3072)"],
    [["run", "--memory", "1.5"], "--memory: '1.5' is not a whole number"],
    [["run", "--help=yes"], "--help takes no value"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });
});

describe("loadCoreModule", () => {
  it("says how to fix a missing core", async () => {
    const missing = join(dir, "missing.wasm");
    await expect(loadCoreModule(missing)).rejects.toThrow(
      new CoreModuleError(`Wasm core not built: run npm run build (missing ${missing})`),
    );
  });

  it("says how to fix a core that does not compile", async () => {
    const broken = fixture("broken.wasm", Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0)); // truncated header
    await expect(loadCoreModule(broken)).rejects.toThrow(/^Wasm core .*broken\.wasm does not compile \(.*\): run npm run build$/);
  });

  it("finds build/wasmvisor.wasm relative to itself, not the working directory", async () => {
    expect(await loadCoreModule()).toBeInstanceOf(WebAssembly.Module);
  });
});

describe("wasmvisor (spawned)", () => {
  it("prints help and exits 0", () => {
    const top = wasmvisor("--help");
    expect(top.status).toBe(0);
    expect(top.stdout).toContain("usage: wasmvisor <command>");
    const run = wasmvisor("run", "--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("usage: wasmvisor run [--elf FILE | --kernel IMAGE]");
    expect(run.stdout).toContain("--max-insns N");
  });

  it("prints the package version and exits 0", () => {
    const r = wasmvisor("--version");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wasmvisor \d+\.\d+\.\d+\n$/);
  });

  it("needs a command", () => {
    expectBadInput(wasmvisor(), "no command given (try 'wasmvisor --help')");
  });

  it("runs the built-in demo guests without --elf, with their exit profile", () => {
    const run = wasmvisor("run");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("rng-demo: OK");
    expect(run.stderr).toMatch(/MmioRead\s+rngboi\s+rng0\s+17,476/);
  });

  it("rejects an unknown flag, a flag missing its value and a bad number", () => {
    expectBadInput(wasmvisor("run", "--elf", "x.elf", "--turbo"), "unknown option --turbo (see 'wasmvisor run --help')");
    expectBadInput(wasmvisor("run", "--elf"), "--elf needs a value (FILE)");
    expectBadInput(wasmvisor("run", "--elf", "x.elf", "--max-insns", "lots"), "--max-insns: 'lots' is not a whole number");
  });

  it("reports a missing file", () => {
    expectBadInput(wasmvisor("run", "--elf", join(dir, "nope.elf")), `cannot read ${join(dir, "nope.elf")}: no such file`);
  });

  it("reports a directory given as the file", () => {
    expectBadInput(wasmvisor("run", "--elf", dir), `cannot read ${dir}: is a directory`);
  });

  it("reports a file that is not an ELF", () => {
    const path = fixture("notes.txt", new TextEncoder().encode("just text\n"));
    expectBadInput(wasmvisor("run", "--elf", path), "not an ELF file (bad magic)");
  });

  it("reports an ELF for another machine", () => {
    const path = fixture("x86.elf", buildElf({ machine: 62, segments: [{ vaddr: 0x40_0000n, data: new Uint8Array(4) }] }));
    expectBadInput(wasmvisor("run", "--elf", path), "ELF machine is 62 (x86-64), expected 243 (RISC-V)");
  });

  it("reports segments outside guest RAM, for the RAM size asked for", () => {
    const low = fixture("low.elf", buildElf({ machine: EM_RISCV, segments: [{ vaddr: 0x1000n, data: new Uint8Array(16) }] }));
    expectBadInput(
      wasmvisor("run", "--elf", low),
      "segment 0 at 0x1000 +0x10 lies outside guest RAM 0x80000000-0x88000000",
    );
    const high = fixture("high.elf", buildElf({ segments: [{ vaddr: 0x8020_0000n, data: new Uint8Array(16) }] }));
    expectBadInput(
      wasmvisor("run", "--elf", high, "--memory", "1"),
      "segment 0 at 0x80200000 +0x10 lies outside guest RAM 0x80000000-0x80100000",
    );
  });

  describe("with the Wasm core", () => {
    it("exits 0 when the guest passes", () => {
      const r = wasmvisor("run", "--elf", fixture("pass.elf", passGuest()));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^PASS\n\d+ instructions in \d+\.\d{3} s \(\d+\.\d MIPS\)\n$/);
    });

    it("prints FAIL test N and exits 1 when the guest fails", () => {
      const r = wasmvisor("run", "--elf", fixture("fail.elf", failGuest(3)));
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.split("\n")[0]).toBe("FAIL test 3");
    });

    it("--snapshot-on writes a snapshot when the console prints TEXT and stops with 0; --restore goes on from it", () => {
      const elf = fixture("snap-console.elf", consoleGuest("first half|second half\n"));
      const snap = join(dir, "half.snap");
      const taken = wasmvisor("run", "--elf", elf, "--snapshot-on", "half|", snap);
      expect(taken.status, taken.stderr).toBe(0);
      expect(taken.stderr).toContain(`wrote snapshot ${snap}`);
      expect(taken.stdout).toContain("first half|");
      expect(taken.stdout).not.toContain("second half");
      const resumed = wasmvisor("run", "--restore", snap);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stdout.startsWith("first half|")).toBe(false);
      expect(resumed.stdout).toContain("second half\n");
      expect(resumed.stderr.split("\n")[0]).toBe("PASS");
    });

    it("refuses a snapshot that is not one, a truncated one, a mismatched machine and an unwritable target, each in one line", () => {
      expectBadInput(wasmvisor("run", "--restore", fixture("not.snap", new TextEncoder().encode("hello"))), "not a wasmvisor snapshot: 5 bytes is too short");
      const snap = join(dir, "whole.snap");
      expect(wasmvisor("run", "--elf", fixture("snap2.elf", consoleGuest("abc\n")), "--snapshot-on", "abc", snap).status).toBe(0);
      const whole = readFileSync(snap);
      expectBadInput(wasmvisor("run", "--restore", fixture("cut.snap", whole.subarray(0, whole.length - 10))), "snapshot is truncated (section ram runs past the end of the file)");
      expectBadInput(wasmvisor("run", "--restore", snap, "--memory", "64"), "the snapshot is of a machine with memory (MiB) 128; 64 was asked for");
      expectBadInput(wasmvisor("run", "--restore", snap, "--kernel", "Image"), "--kernel cannot go with --restore: the guest comes from the snapshot");
      expectBadInput(wasmvisor("run", "--elf", snap, "--snapshot-on", "x", join(dir, "no/such/dir/s.snap")), `cannot write a snapshot to ${join(dir, "no/such/dir/s.snap")}: no such directory`);
    });

    it("copies the guest console to stdout", () => {
      const r = wasmvisor("run", "--elf", fixture("console.elf", consoleGuest("hello, wasmvisor\n")));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe("hello, wasmvisor\n");
    });

    it("stops at --max-insns and exits 1", () => {
      const r = wasmvisor("run", "--elf", fixture("spin.elf", spinGuest()), "--max-insns", "1000");
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^stopped: instruction budget of 1000 exhausted\n1000 instructions in /);
    });

    it("notes an ELF without tohost, and stops it at --max-insns", () => {
      const r = wasmvisor("run", "--elf", fixture("no-tohost.elf", noTohostGuest()), "--max-insns", "500");
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain("has no tohost symbol");
      expect(r.stderr).toContain("stopped: instruction budget of 500 exhausted");
    });

    it("ends with an error (exit 1) on an HTIF syscall request", () => {
      const r = wasmvisor("run", "--elf", fixture("syscall.elf", syscallGuest()));
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.split("\n")[0]).toMatch(/^error: unsupported HTIF syscall/);
    });

    it("runs with a chosen RAM size", () => {
      const r = wasmvisor("run", "--elf", fixture("pass-small.elf", passGuest()), "--memory", "1");
      expect(r.status, r.stderr).toBe(0);
    });
  });
});
