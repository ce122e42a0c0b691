// console-input.test.ts — input given before the guest reads its console is held, not lost: piped into the CLI for each console, and through sendInput.
//
// The commands are piped in all at once when the run starts, seconds before the shell exists,
// and stdin closes right after: the guest must still read every byte, and the end of stdin must
// not end the run. Each console holds input its own way (the UART until the guest raises DTR
// and RTS, the SBI console until getchar, the virtio console until the port is connected).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findGuestImage, missingGuestMessage } from "../../guests/linux/images.js";
import { ensureHostBuilt, runCli } from "../support/cli.js";
import { testVm } from "../support/core.js";

const image = findGuestImage("Image-full");
const SCRIPT = "echo SHELL-$((6*7))\npoweroff -f\n";

beforeAll(() => ensureHostBuilt());

describe.skipIf(image === undefined)(`piped input reaches the guest's shell ${image === undefined ? `(skipped: ${missingGuestMessage("Image-full")})` : ""}`, () => {
  it.each([
    ["the UART (ttyS0)", ["--append", "console=ttyS0"]],
    ["the SBI console (hvc0)", ["--append", "console=hvc0"]],
    ["the virtio console (hvc1)", ["--append", "console=hvc1", "--virtio-console"]],
  ])("on %s, and the run ends when the guest powers off", (_label, flags) => {
    const run = runCli(["run", "--kernel", image!, "--rng", "none", "--timeout", "90", ...flags], { input: SCRIPT, timeoutMs: 120_000 });
    expect(run.stdout).toMatch(/\nSHELL-42\r?\n/); // the command's output, not its echo
    expect(run.stderr).toContain("guest powered off");
    expect(run.status).toBe(0);
  }, 130_000);

  it("through the API's sendInput before the guest has booted", async () => {
    const vm = await testVm({ kernel: new Uint8Array(readFileSync(image!)), cmdline: "console=ttyS0", rng: [] });
    let out = "";
    vm.on("console", (b) => (out += new TextDecoder().decode(b)));
    vm.sendInput(SCRIPT);
    expect(vm.inputBacklogBytes).toBe(SCRIPT.length);
    const result = await vm.run({ timeoutMs: 90_000 });
    expect(result.reason).toEqual({ kind: "poweroff" });
    expect(out).toMatch(/\nSHELL-42\r?\n/);
    expect(vm.inputBacklogBytes).toBe(0);
  }, 120_000);
});

describe("piped input larger than what a console holds", () => {
  it("is held back at stdin, not dropped: 30,000 lines (1.5 MB) all reach a bare-metal echo guest", () => {
    const line = "the quick brown fox jumps over the lazy dog 012345\n"; // 51 bytes
    const lines = 30_000;
    const input = line.repeat(lines) + "quit\n";
    const elf = join(import.meta.dirname, "../../guests/echo-demo/echo-demo.elf");
    const run = runCli(["run", "--elf", elf, "--timeout", "90"], { input, timeoutMs: 120_000 });
    expect(run.stdout).toContain(`echo-demo: bye after ${lines} line(s)`);
    expect(run.stdout.split("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 012345 (50 bytes)").length - 1).toBe(lines);
    expect(run.status).toBe(0);
  }, 130_000);
});
