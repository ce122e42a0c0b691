// worker.test.ts — createVmWorker (Node): the embedding API with the VM in a worker thread: console, profile, snapshots, pause/resume/stop, input, errors.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { patchElfU64 } from "../../host/boot/elf-patch.js";
import { BootError } from "../../host/boot/errors.js";
import { demoGuestPath } from "../../host/node.js";
import type { WorkerVm } from "../../host/api/worker/worker-vm.js";
import { createVmWorker } from "../../host/api/worker/node-client.js";
import type { LiveSnapshot } from "../../host/api/worker/protocol.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const started: WorkerVm[] = [];

async function spawn(...args: Parameters<typeof createVmWorker>): Promise<WorkerVm> {
  const vm = await createVmWorker(...args);
  started.push(vm);
  return vm;
}

/** Collect console text and wait for a pattern in it. */
function consoleOf(vm: WorkerVm): { text: () => string; waitFor: (re: RegExp, ms?: number) => Promise<void> } {
  let text = "";
  vm.on("console", (bytes) => void (text += new TextDecoder().decode(bytes)));
  return {
    text: () => text,
    async waitFor(re, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!re.test(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; console:\n${text}`);
        await sleep(10);
      }
    },
  };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((vm) => vm.terminate()));
});

describe("createVmWorker (Node, worker_threads)", () => {
  it("boots rng-demo in a worker: console text, shutdown event and the exit profile cross over", async () => {
    const vm = await spawn({ elf: demoGuestPath("rng-demo"), rng: ["rngboi"] });
    const out = consoleOf(vm);
    const shutdowns: unknown[] = [];
    vm.on("shutdown", (r) => shutdowns.push(r));
    const result = await vm.run();
    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    expect(typeof result.insns).toBe("bigint");
    expect(out.text()).toContain("rng-demo: OK 69904 bytes in 17476 reads");
    expect(shutdowns).toEqual([result]);
    const profile = (await vm.profile())!;
    expect(profile.version).toBe(1);
    expect(profile.rows.filter((r) => r.device === "rngboi").map((r) => [r.register, r.count])).toEqual([["rng0", 17476]]);
    expect(vm.lastSnapshot?.running).toBe(false);
  });

  it("posts snapshots periodically while running, and pauses, resumes and stops the guest", async () => {
    const vm = await spawn({ elf: demoGuestPath("mips-bench"), snapshotEveryMs: 40 });
    const periodic: LiveSnapshot[] = [];
    vm.on("snapshot", (s) => periodic.push(s));
    const done = vm.run();
    await sleep(400);
    expect(periodic.length).toBeGreaterThanOrEqual(3);
    expect(periodic.at(-1)!.instret).toBeGreaterThan(periodic[0]!.instret);
    expect(periodic.every((s) => s.running)).toBe(true);

    vm.pause();
    expect(vm.paused).toBe(true);
    await sleep(60); // the loop stops at its next exit
    const at = await vm.snapshot();
    await sleep(100);
    const later = await vm.snapshot();
    expect(later.paused).toBe(true);
    expect(later.instret).toBe(at.instret);

    vm.resume();
    await sleep(100);
    expect((await vm.snapshot()).instret).toBeGreaterThan(at.instret);
    vm.stop();
    expect((await done).reason).toEqual({ kind: "stopped" });
  });

  it("stays responsive to pause and snapshots while a guest exits back to back", async () => {
    // rng-demo in benchmark mode takes one exit every few instructions for seconds; the worker
    // must still fire its snapshot timer and hear stop.
    let elf: Uint8Array = new Uint8Array(await readFile(demoGuestPath("rng-demo")));
    elf = patchElfU64(elf, "demo_buffer_bytes", 4096n);
    elf = patchElfU64(elf, "demo_rounds", 1_000_000n);
    const vm = await spawn({ elf, rng: ["rngboi"], snapshotEveryMs: 50 });
    const periodic: LiveSnapshot[] = [];
    vm.on("snapshot", (s) => periodic.push(s));
    const done = vm.run();
    await sleep(300);
    expect(periodic.length).toBeGreaterThanOrEqual(2);
    expect((await vm.profile())!.exits).toBeGreaterThan(10_000);
    vm.pause();
    await sleep(30);
    const at = await vm.snapshot();
    await sleep(50);
    expect((await vm.snapshot()).instret).toBe(at.instret);
    vm.stop();
    expect((await done).reason).toEqual({ kind: "stopped" });
  });

  it("carries typed input to the guest (echo-demo answers each line uppercased)", async () => {
    const vm = await spawn({ elf: demoGuestPath("echo-demo"), rng: [] });
    const out = consoleOf(vm);
    vm.sendInput("early\r"); // typed before the run starts: the UART holds it
    const done = vm.run({ timeoutMs: 30_000 });
    await out.waitFor(/EARLY \(5 bytes\)\n> $/);
    vm.sendInput("hello, worker\r");
    await out.waitFor(/HELLO, WORKER \(13 bytes\)\n> $/);
    vm.sendInput(new TextEncoder().encode("quit\r"));
    const result = await done;
    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    expect(out.text()).toContain("echo-demo: bye after 2 line(s)");
  });

  it("rejects a bad image with a BootError, as createVm does", async () => {
    const err = await createVmWorker({ elf: new Uint8Array(64) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootError);
    expect((err as Error).message).toMatch(/not an ELF/);
  });

  it("reports no profile when profiling is off, and terminate() stops a running guest cleanly", async () => {
    const vm = await spawn({ elf: demoGuestPath("mips-bench"), profile: false });
    const done = vm.run();
    await sleep(50);
    expect(await vm.profile()).toBeUndefined();
    await vm.terminate();
    expect((await done).reason).toEqual({ kind: "stopped" });
    expect((await vm.snapshot()).running).toBe(false); // the last snapshot, after the worker is gone
  });
});
