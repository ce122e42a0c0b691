// api.test.ts — the embedding API (Node entry): build a VM from a file path, run it, watch the console, pause, resume, stop.
import { describe, expect, it } from "vitest";
import { createVm, demoGuestPath } from "../../host/node.js";

describe("createVm (Node entry)", () => {
  it("runs a bare-metal guest from a file path, streaming its console and recording its exit profile", async () => {
    const vm = await createVm({ elf: demoGuestPath("rng-demo"), rng: ["rngboi"] });
    let text = "";
    let shutdown = 0;
    vm.on("console", (bytes) => void (text += new TextDecoder().decode(bytes)));
    vm.on("shutdown", () => void shutdown++);
    const result = await vm.run();
    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    expect(text).toContain("rng-demo: OK 69904 bytes in 17476 reads");
    expect(shutdown).toBe(1);
    const rows = vm.profile()!.rows.filter((r) => r.device === "rngboi");
    expect(rows.map((r) => [r.register, r.count])).toEqual([["rng0", 17476]]);
  });

  it("pauses (no guest instructions retire), resumes and stops", async () => {
    const vm = await createVm({ elf: demoGuestPath("mips-bench"), profile: false });
    const done = vm.run();
    await new Promise((r) => setTimeout(r, 50));
    vm.pause();
    await new Promise((r) => setTimeout(r, 30)); // let the loop reach its next exit
    const at = vm.machine.vcpu.instret;
    await new Promise((r) => setTimeout(r, 60));
    expect(vm.paused).toBe(true);
    expect(vm.machine.vcpu.instret).toBe(at);
    vm.resume();
    await new Promise((r) => setTimeout(r, 50));
    expect(vm.machine.vcpu.instret).toBeGreaterThan(at);
    vm.stop();
    expect((await done).reason).toEqual({ kind: "stopped" });
    expect(vm.profile()).toBeUndefined();
  });

  it("refuses zero or two guests", async () => {
    await expect(createVm({})).rejects.toThrow("exactly one guest");
  });
});
