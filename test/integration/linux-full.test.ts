// linux-full.test.ts — the reference RV64GC guest (Image-full: FPU, busybox shell) as a person would use it, over the console.
//
// Boots to the shell, runs commands, writes a file onto an ext2 image on virtio-blk and checks
// it from the host with debugfs; then kills the host process right after the guest's sync
// returns and checks that the acknowledged data is in the image (crash consistency).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createVm, FileDisk } from "../../host/node.js";
import { findGuestImage, missingGuestMessage } from "../../guests/linux/images.js";
import { ConsoleSession } from "../../host/api/console-session.js";

const image = findGuestImage("Image-full");
const REPO = join(import.meta.dirname, "../..");

/** A fresh 16 MiB ext2 image (mke2fs and debugfs come from Debian's e2fsprogs). */
function ext2Image(): string {
  const dir = mkdtempSync(join(tmpdir(), "wasmvisor-disk-"));
  const path = join(dir, "disk.img");
  execFileSync("truncate", ["-s", "16M", path]);
  execFileSync("mke2fs", ["-q", "-t", "ext2", "-F", path]);
  return path;
}

function debugfsCat(disk: string, file: string): string {
  return execFileSync("debugfs", ["-R", `cat ${file}`, disk], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

// Prompts and markers are typed with '' inside so the terminal's echo of the command line
// cannot satisfy a wait meant for the command's output.
const PROMPT = /\n[^\n]*# $/;

describe.skipIf(image === undefined)(`Linux Image-full ${image === undefined ? `(skipped: ${missingGuestMessage("Image-full")})` : ""}`, () => {
  it("boots to a busybox shell and runs commands; a file written to virtio-blk is in the image", async () => {
    const disk = ext2Image();
    const fileDisk = FileDisk.open(disk);
    const vm = await createVm({ kernel: image!, cmdline: "console=ttyS0", disks: [fileDisk], rng: ["virtio-rng"] });
    const s = new ConsoleSession(vm, { timeoutMs: 300_000 });
    try {
      await s.waitFor(/anchor-full guest: Linux 6\.1/, 120_000);
      await s.waitFor(PROMPT, 60_000);
      expect(await s.run("mount -t ext2 /dev/vda /mnt && mount | grep v''da")).toContain("/dev/vda on /mnt type ext2");
      expect(await s.run("dd if=/dev/hwrng bs=4096 count=64 2>/dev/null | wc -c")).toMatch(/\n262144\r?\n/);
      expect(await s.run("echo hello-from-the-guest > /mnt/hello.txt && sync && echo SYN''CED")).toContain("SYNCED");
      expect(await s.run("cat /mnt/hello.txt")).toContain("hello-from-the-guest");
      await s.run("umount /mnt");
      vm.sendInput("poweroff -f\n");
      expect((await s.done).reason).toEqual({ kind: "poweroff" });
    } finally {
      vm.stop();
      fileDisk.close();
    }
    expect(debugfsCat(disk, "/hello.txt")).toBe("hello-from-the-guest\n");
  }, 400_000);

  it("runs its shell on the virtio console (hvc1) and on the SBI console (hvc0)", async () => {
    for (const [cmdline, virtioConsole] of [["console=hvc1", true], ["console=hvc0", false]] as const) {
      const vm = await createVm({ kernel: image!, cmdline, rng: ["virtio-rng"], virtioConsole });
      const s = new ConsoleSession(vm, { timeoutMs: 120_000 });
      try {
        await s.waitFor(PROMPT, 60_000);
        expect(await s.run("echo HVC-$((6*7))"), cmdline).toMatch(/\nHVC-42\r?\n/);
        if (virtioConsole) expect(vm.machine.virtioConsole!.stats.bytesOut).toBeGreaterThan(0);
      } finally {
        vm.stop();
        await s.done;
      }
    }
  }, 300_000);

  it("keeps a write the guest synced even when the host process is killed right after", async () => {
    const disk = ext2Image();
    const child = spawn(process.execPath, [join(REPO, "bin/wasmvisor.js"), "run", "--kernel", image!, "--disk", disk,
      "--rng", "virtio", "--append", "console=ttyS0"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const seen = (re: RegExp): Promise<void> => new Promise((resolve, reject) => {
      const check = (): void => {
        if (re.test(out)) resolve();
      };
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        check();
      });
      child.on("exit", () => reject(new Error(`wasmvisor exited before ${re}; output:\n${out.slice(-2000)}`)));
      check();
    });
    try {
      await seen(PROMPT);
      child.stdin.write("mount -t ext2 /dev/vda /mnt && echo durable-data > /mnt/keep.txt && sync && echo SYN''CED\n");
      await seen(/\nSYNCED\r?\n/);
    } finally {
      child.kill("SIGKILL"); // no unmount, no clean shutdown: only what reached the file counts
    }
    await new Promise((r) => child.on("exit", r));
    expect(debugfsCat(disk, "/keep.txt")).toBe("durable-data\n");
  }, 400_000);
});
