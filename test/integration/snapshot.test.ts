// snapshot.test.ts — snapshots carry everything the guest can observe: runs split by a snapshot end exactly as whole runs do, Linux resumes at its prompt, disks are checked.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConsoleSession } from "../../host/api/console-session.js";
import { SnapshotError } from "../../host/snapshot/format.js";
import { createVm } from "../../host/node.js";
import { findGuestImage, missingGuestMessage } from "../../guests/linux/images.js";
import { testVm } from "../support/core.js";

const ISA = join(import.meta.dirname, "../isa/elf");
const PROMPT = /\n[^\n]*# $/;

/** Run an ELF whole; then again, split by a snapshot at `at` instructions restored into a fresh VM. */
async function wholeAndSplit(elf: Uint8Array, at: bigint) {
  const whole = await testVm({ elf, rng: [], profile: false, memoryMiB: 4 });
  const wholeResult = await whole.run({ maxInsns: 200_000_000n });
  const first = await testVm({ elf, rng: [], profile: false, memoryMiB: 4 });
  const part = await first.run({ maxInsns: at });
  const snap = await first.snapshot();
  const second = await testVm({ restore: snap, profile: false });
  const rest = await second.run({ maxInsns: 200_000_000n });
  return { wholeResult, part, rest, whole: whole.machine.vcpu, restored: second.machine.vcpu };
}

describe("a run split by a snapshot ends as the whole run does", () => {
  const programs = readdirSync(ISA).filter((f) => /^(priv-|sv39-|rv64[fd]-|rv64a-)/.test(f)).sort();
  it("found the ISA programs", () => expect(programs.length).toBeGreaterThan(10));
  for (const name of programs) {
    it(name, async () => {
      const elf = new Uint8Array(readFileSync(join(ISA, name)));
      for (const at of [1_000n, 25_000n]) {
        const { wholeResult, part, rest, whole, restored } = await wholeAndSplit(elf, at);
        if (part.reason.kind !== "budget") continue; // it ended before the split point
        expect(rest.reason).toEqual(wholeResult.reason);
        expect(part.insns + rest.insns).toBe(wholeResult.insns);
        for (let r = 1; r < 32; r++) expect(restored.getReg(r), `x${r}`).toBe(whole.getReg(r));
        expect(restored.pc).toBe(whole.pc);
        expect(restored.instret).toBe(whole.instret);
      }
    });
  }
});

const nofpu = findGuestImage("Image-nofpu");
describe.skipIf(nofpu === undefined)(`Linux, exact replay ${nofpu === undefined ? `(skipped: ${missingGuestMessage("Image-nofpu")})` : ""}`, () => {
  it("a restored snapshot continues exactly as the original run did: same instructions, same output", async () => {
    const spec = {
      kernel: new Uint8Array(readFileSync(nofpu!)), cmdline: "console=ttyS0 rngbytes=8192 cpuwork=200000",
      rng: ["rngboi", "virtio-rng"] as const, clock: "deterministic" as const, entropySeed: 99n, profile: false as const,
    };
    const original = await testVm(spec);
    let before = "";
    original.on("console", (b) => (before += new TextDecoder().decode(b)));
    const first = await original.run({ maxInsns: 30_000_000n }); // in the middle of the boot
    expect(first.reason.kind).toBe("budget");
    const snap = await original.snapshot();
    let after = "";
    original.on("console", (b) => (after += new TextDecoder().decode(b)));
    const end = await original.run();
    const restored = await testVm({ restore: snap, profile: false });
    let replay = "";
    restored.on("console", (b) => (replay += new TextDecoder().decode(b)));
    const replayEnd = await restored.run();
    expect(end.reason).toEqual({ kind: "poweroff" });
    expect(replayEnd.reason).toEqual({ kind: "poweroff" });
    expect(replayEnd.insns).toBe(end.insns);
    expect(replay).toBe(after);
    expect(before + after).toContain("cpuwork: 200000 rounds");
  }, 120_000);
});

const full = findGuestImage("Image-full");
describe.skipIf(full === undefined)(`Linux Image-full at its prompt ${full === undefined ? `(skipped: ${missingGuestMessage("Image-full")})` : ""}`, () => {
  it("restores to a shell that answers, keeps an overlay's writes in the snapshot, and leaves the base image untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmvisor-snap-"));
    const image = join(dir, "disk.img");
    execFileSync("truncate", ["-s", "8M", image]);
    execFileSync("mke2fs", ["-q", "-t", "ext2", "-F", image]);
    const pristine = readFileSync(image);
    const vm = await createVm({ kernel: full!, cmdline: "console=ttyS0", rng: ["virtio-rng"], disks: [{ path: image, overlay: true }] });
    const s = new ConsoleSession(vm, { timeoutMs: 120_000 });
    await s.waitFor(PROMPT, 90_000);
    await s.run("mount -t ext2 /dev/vda /mnt && echo kept-in-overlay > /mnt/note && sync");
    const snap = await vm.snapshot();
    vm.sendInput("poweroff -f\n");
    await s.done;
    expect(readFileSync(image).equals(pristine)).toBe(true); // the base was never written

    for (let round = 0; round < 2; round++) { // one snapshot, restored twice
      const again = await createVm({ restore: snap, disks: [{ path: image, overlay: true }] });
      const s2 = new ConsoleSession(again, { timeoutMs: 60_000 });
      expect(await s2.run("cat /mnt/note; echo RESTORED-$((6*7))", /RESTORED-42\r?\n[^\n]*# $/)).toContain("kept-in-overlay");
      again.sendInput("poweroff -f\n");
      expect((await s2.done).reason).toEqual({ kind: "poweroff" });
    }
  }, 300_000);

  it("refuses a disk whose contents changed since the snapshot, unless told to accept it, and a machine that does not match", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmvisor-snap-"));
    const image = join(dir, "disk.img");
    writeFileSync(image, new Uint8Array(1 << 20));
    const vm = await createVm({ kernel: full!, cmdline: "console=ttyS0", rng: [], disks: [image] });
    const s = new ConsoleSession(vm, { timeoutMs: 120_000 });
    await s.waitFor(PROMPT, 90_000);
    const snap = await vm.snapshot();
    vm.stop();
    await s.done;
    writeFileSync(image, new Uint8Array(1 << 20).fill(1));
    await expect(createVm({ restore: snap, disks: [image] })).rejects.toThrow(/disk 0 has changed since the snapshot/);
    const accepted = await createVm({ restore: snap, disks: [image], acceptChangedDisks: true });
    expect(accepted.machine.blk).toHaveLength(1);
    await expect(createVm({ restore: snap })).rejects.toThrow(SnapshotError);
    await expect(createVm({ restore: snap, disks: [image], memoryMiB: 64 })).rejects.toThrow(/memory \(MiB\) 128; 64 was asked for/);
    await expect(createVm({ restore: snap, disks: [image], kernel: full! })).rejects.toThrow(/kernel cannot be given with a snapshot/);
  }, 300_000);
});
