// exit-profile.test.ts — the exit profiler's counts match what a real guest did, exactly, and its trace is valid trace-event JSON.
//
// guests/rng-demo fills 16 B, 256 B, 4 KiB and 64 KiB buffers from rngboi, one 32-bit read
// each 4 bytes: (16 + 256 + 4096 + 65536) / 4 = 17476 reads of rng0, each one MMIO exit.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { browserEntropy } from "../../host/backends/entropy.js";
import { ExitProfiler } from "../../host/profile/profiler.js";
import { profileJson } from "../../host/profile/report.js";
import { chromeTraceJson } from "../../host/profile/trace.js";
import { runElf } from "../support/core.js";

const RNG_DEMO_ELF = join(import.meta.dirname, "../../guests/rng-demo/rng-demo.elf");
const RNG_READS = 17476;

async function runRngDemo(profiler: ExitProfiler) {
  const run = await runElf(new Uint8Array(readFileSync(RNG_DEMO_ELF)), 500_000_000n, {
    memoryMiB: 16, clock: "deterministic", entropy: browserEntropy(), rng: ["rngboi"], profile: profiler,
  });
  return { machine: run.vm.machine, result: run.result, console: run.console };
}

/**
 * What is wrong with a trace-event list (first few problems): every event needs a string name
 * and ph, a finite ts >= 0 and integer pid/tid; complete (X) events a finite dur >= 0; timed
 * events must come in timestamp order (chromeTrace promises that).
 */
function traceProblems(events: Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  let lastTs = -Infinity;
  events.forEach((e, i) => {
    const what = `event ${i} ${JSON.stringify(e)}`;
    if (typeof e.name !== "string") problems.push(`${what}: name`);
    if (typeof e.ph !== "string" || !["X", "i", "C", "M", "B", "E"].includes(e.ph)) problems.push(`${what}: ph`);
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || e.ts < 0) problems.push(`${what}: ts`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) problems.push(`${what}: pid/tid`);
    if (e.ph === "X" && (typeof e.dur !== "number" || !Number.isFinite(e.dur) || e.dur < 0)) problems.push(`${what}: dur`);
    if (e.ph !== "M" && typeof e.ts === "number") {
      if (e.ts < lastTs) problems.push(`${what}: ts goes backwards from ${lastTs}`);
      lastTs = e.ts;
    }
  });
  return problems.slice(0, 5);
}

describe("exit profiler on guests/rng-demo", () => {
  it("counts exactly 17476 MmioRead rngboi rng0 exits, and every exit and instruction once", async () => {
    const profiler = new ExitProfiler({ timing: "all", trace: true });
    const { machine, result, console } = await runRngDemo(profiler);
    expect(result.reason).toEqual({ kind: "tohost", code: 0 });
    expect(console).toContain(`rng-demo: OK 69904 bytes in ${RNG_READS} reads`);
    expect(machine.rngboi?.reads).toBe(RNG_READS);

    const snap = profiler.snapshot();
    const rngRows = snap.rows.filter((r) => r.device === "rngboi");
    expect(rngRows.map((r) => [r.kindName, r.register, r.count, r.timedCount])).toEqual([
      ["MmioRead", "rng0", RNG_READS, RNG_READS],
    ]);
    const json = profileJson(snap);
    const jsonRow = json.rows.find((r) => r.device === "rngboi");
    expect(jsonRow).toMatchObject({ kind: "MmioRead", register: "rng0", offset: 0, count: RNG_READS });
    // Nothing is lost or double counted: rows add up to the exits, and the instructions
    // retired before each exit add up to the run's total.
    expect(snap.rows.reduce((n, r) => n + r.count, 0)).toBe(snap.exits);
    expect(snap.guestInsns).toBe(Number(result.insns));
    // The polled UART console: one THR write per byte printed.
    const thr = snap.rows.filter((r) => r.kindName === "MmioWrite" && r.device === "uart0" && r.offset === 0);
    expect(thr.reduce((n, r) => n + r.count, 0)).toBe(new TextEncoder().encode(console).length);
  });

  it("writes a trace that parses as valid trace-event JSON with one host event per exit", async () => {
    const profiler = new ExitProfiler({ timing: "off", trace: true });
    await runRngDemo(profiler);
    const snap = profiler.snapshot();
    const trace = JSON.parse(chromeTraceJson(snap)) as { traceEvents: unknown };
    expect(Array.isArray(trace.traceEvents)).toBe(true);
    const events = trace.traceEvents as Record<string, unknown>[];
    expect(events.length).toBeGreaterThan(2 * RNG_READS);
    expect(traceProblems(events)).toEqual([]);
    const exitEvents = events.filter((e) => e.ph === "X" && e.cat !== "guest");
    expect(exitEvents).toHaveLength(snap.exits);
    expect(exitEvents.filter((e) => e.name === "MmioRead rngboi.rng0")).toHaveLength(RNG_READS);
  });
});
