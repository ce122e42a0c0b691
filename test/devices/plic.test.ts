// plic.test.ts — the in-core PLIC under real guest code (test/devices/guests/src/plic.S), lines driven by the guest through irqctl.
//
// The guest checks every register value and trap itself and reports the failing sub-test
// through tohost; see plic.S for the list (claim/complete, priority order and ties, threshold,
// per-context enables, level re-pend, pending bits, MEIP taken in M, SEIP delegated to S).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEVICE_GUEST_DIR, runDeviceGuest } from "../support/device-guest.js";

const PLIC_ELF = join(DEVICE_GUEST_DIR, "plic.elf");
const MIP_SEIP = 1n << 9n;
const MIP_MEIP = 1n << 11n;

describe("PLIC (guest-driven)", () => {
  it("passes every sub-test of plic.S, with the lines raised by a host device", async () => {
    const run = await runDeviceGuest(PLIC_ELF);
    // A failing sub-test n shows as { kind: "tohost", code: n }.
    expect(run.result.reason).toEqual({ kind: "tohost", code: 0 });

    // The interrupts really came from the host side: every level change was an MMIO exit
    // handled by irqctl, and the guest left every line low again.
    const raised = run.irqctl.events.filter((e) => e.level).map((e) => e.line);
    const lowered = run.irqctl.events.filter((e) => !e.level).map((e) => e.line);
    expect(new Set(raised)).toEqual(new Set([12, 13, 40, 41, 45, 63]));
    expect(raised.length).toBe(lowered.length);
    expect([...raised].sort()).toEqual([...lowered].sort());
    expect(run.machine.vcpu.core.getMipLines() & (MIP_MEIP | MIP_SEIP)).toBe(0n);
  });

  it("fails (sub-test 3, pending bits) when the lines never reach the PLIC", async () => {
    const run = await runDeviceGuest(PLIC_ELF, { disconnectLines: true });
    expect(run.result.reason).toEqual({ kind: "tohost", code: 3 });
  });
});
