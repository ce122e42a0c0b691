// profile.test.ts — the exit profiler: exact counts, sampled and exact timing, report order and shape, Chrome trace validity.
//
// Timing tests inject a fake clock (milliseconds, like performance.now) that advances by
// binary-exact steps, so every host time is an exact number of nanoseconds.
import { describe, expect, it } from "vitest";
import { ExitKind } from "../../host/core/abi.js";
import { measureProfilerOverhead } from "../../host/profile/overhead.js";
import { ExitProfiler, type ExitProfilerOptions } from "../../host/profile/profiler.js";
import { profileJson, profileTable } from "../../host/profile/report.js";
import { chromeTrace, chromeTraceJson, type TraceEvent } from "../../host/profile/trace.js";

/** A clock that advances by `stepMs` on every read. 1/1024 ms = 976.5625 ns exactly. */
function steppingClock(stepMs = 1 / 1024): () => number {
  let t = 1000;
  return () => {
    const now = t;
    t += stepMs;
    return now;
  };
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** The known sequence: 1000 rngboi reads, 3 uart0 writes, 2 WFIs, with fixed insns before each. */
function recordKnownSequence(p: ExitProfiler): void {
  for (let i = 0; i < 1000; i++) p.record(ExitKind.MmioRead, "rngboi", 0, 40, p.start());
  for (let i = 0; i < 3; i++) p.record(ExitKind.MmioWrite, "uart0", 0, 500, p.start());
  for (let i = 0; i < 2; i++) p.record(ExitKind.Wfi, undefined, -1, 10_000, p.start());
}

function rowOf(p: ExitProfiler, kind: ExitKind, device: string | undefined, offset: number) {
  const row = p.snapshot().rows.find((r) => r.kind === kind && r.device === device && r.offset === offset);
  if (!row) throw new Error(`no row for ${kind} ${device} ${offset}`);
  return row;
}

describe("ExitProfiler counts", () => {
  for (const timing of ["all", "sampled", "off"] as const) {
    it(`counts a known sequence exactly (timing ${timing})`, () => {
      const p = new ExitProfiler({ timing, now: steppingClock() });
      recordKnownSequence(p);
      const snap = p.snapshot();
      expect(snap.exits).toBe(1005);
      expect(p.exits).toBe(1005);
      expect(snap.rows).toHaveLength(3);
      expect(rowOf(p, ExitKind.MmioRead, "rngboi", 0).count).toBe(1000);
      expect(rowOf(p, ExitKind.MmioWrite, "uart0", 0).count).toBe(3);
      expect(rowOf(p, ExitKind.Wfi, undefined, -1).count).toBe(2);
      expect(rowOf(p, ExitKind.MmioRead, "rngboi", 0).insnsTotal).toBe(40_000);
      expect(rowOf(p, ExitKind.Wfi, undefined, -1).insnsTotal).toBe(20_000);
      expect(snap.guestInsns).toBe(40_000 + 1_500 + 20_000);
    });
  }

  it("keeps keys apart by kind, device and offset, also when they interleave", () => {
    const p = new ExitProfiler({ timing: "off" });
    for (let i = 0; i < 100; i++) {
      p.record(ExitKind.MmioRead, "uart0", 5, 1, p.start());
      p.record(ExitKind.MmioWrite, "uart0", 5, 1, p.start());
      p.record(ExitKind.MmioRead, "uart0", 0, 1, p.start());
      p.record(ExitKind.MmioRead, "virtio0", 5, 1, p.start());
      p.record(ExitKind.BudgetExhausted, undefined, -1, 1, p.start());
    }
    const rows = p.snapshot().rows;
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r.count).toBe(100);
  });

  it("rejects an exit kind that cannot index its slot", () => {
    const p = new ExitProfiler();
    expect(() => p.record(99 as ExitKind, "x", 0, 0, -1)).toThrow(RangeError);
  });

  it("grows past its initial row capacity", () => {
    const p = new ExitProfiler({ timing: "off" });
    for (let off = 0; off < 500; off++) p.record(ExitKind.MmioRead, "virtio0", off, off, -1);
    const rows = p.snapshot().rows;
    expect(rows).toHaveLength(500);
    expect(rows[499]).toMatchObject({ offset: 499, count: 1, insnsTotal: 499 });
  });

  it("reset() forgets everything", () => {
    const p = new ExitProfiler({ trace: true, now: steppingClock() });
    recordKnownSequence(p);
    p.reset();
    const snap = p.snapshot();
    expect(snap.exits).toBe(0);
    expect(snap.rows).toHaveLength(0);
    expect(snap.trace?.startTs.length).toBe(0);
  });
});

describe("ExitProfiler timing", () => {
  it("with a fake clock, records exact ns per exit", () => {
    const clock = manualClock();
    const p = new ExitProfiler({ timing: "all", now: clock.now });
    const durationsMs = [0.5, 0.25, 2]; // 500000, 250000, 2000000 ns
    for (const d of durationsMs) {
      const t = p.start();
      clock.advance(d);
      p.record(ExitKind.MmioRead, "rngboi", 0, 10, t);
      clock.advance(1); // guest time between exits is not host time
    }
    const row = rowOf(p, ExitKind.MmioRead, "rngboi", 0);
    expect(row.timedCount).toBe(3);
    expect(row.hostNsTotal).toBe(2_750_000);
    expect(row.hostNsMin).toBe(250_000);
    expect(row.hostNsMax).toBe(2_000_000);
    expect(p.snapshot().hostNsTotal).toBe(2_750_000);
  });

  it("timing off takes no clock reads and reports no host time", () => {
    let reads = 0;
    const p = new ExitProfiler({ timing: "off", now: () => ++reads });
    recordKnownSequence(p);
    expect(reads).toBe(0);
    const snap = p.snapshot();
    expect(snap.hostNsTotal).toBeNull();
    expect(snap.rows.every((r) => r.timedCount === 0 && r.hostNsTotal === null)).toBe(true);
    expect(profileJson(snap).hostSeconds).toBeNull();
  });

  it("sampled timing times about 1 in N exits and scales each row's total by count / timed", () => {
    const N = 64;
    const clock = manualClock();
    const p = new ExitProfiler({ timing: "sampled", sampleEvery: N, now: clock.now });
    const exits = 64_000;
    let clockReads = 0;
    for (let i = 0; i < exits; i++) {
      const t = p.start();
      if (t >= 0) clockReads++;
      clock.advance(1 / 1024); // every exit takes exactly 976.5625 ns of host time
      p.record(ExitKind.MmioRead, "rngboi", 0, 40, t);
    }
    const row = rowOf(p, ExitKind.MmioRead, "rngboi", 0);
    expect(row.timedCount).toBe(clockReads);
    expect(row.timedCount / exits).toBeGreaterThan(0.9 / N);
    expect(row.timedCount / exits).toBeLessThan(1.1 / N);
    expect(row.hostNsMeasured).toBe(row.timedCount * 976.5625);
    expect(row.hostNsTotal).toBeCloseTo(exits * 976.5625, 6);
    const snap = p.snapshot();
    expect(snap.timing).toBe("sampled");
    expect(snap.sampleEvery).toBe(N);
  });

  it("sampled timing does not alias with a period-2 exit pattern", () => {
    // With a fixed stride of 64, one of two alternating registers would never be timed.
    const p = new ExitProfiler({ timing: "sampled", sampleEvery: 64, now: steppingClock() });
    for (let i = 0; i < 20_000; i++) {
      p.record(ExitKind.MmioWrite, "virtio0", 0x30, 1, p.start());
      p.record(ExitKind.MmioRead, "virtio0", 0x34, 1, p.start());
    }
    expect(rowOf(p, ExitKind.MmioWrite, "virtio0", 0x30).timedCount).toBeGreaterThan(100);
    expect(rowOf(p, ExitKind.MmioRead, "virtio0", 0x34).timedCount).toBeGreaterThan(100);
  });

  it("sampleEvery 1 times every exit", () => {
    const p = new ExitProfiler({ timing: "sampled", sampleEvery: 1, now: steppingClock() });
    recordKnownSequence(p);
    expect(rowOf(p, ExitKind.MmioRead, "rngboi", 0).timedCount).toBe(1000);
  });

  it("wall time from begin()/end() and recordWallTime() gives the host-time share", () => {
    const clock = manualClock();
    const p = new ExitProfiler({ now: clock.now });
    p.begin();
    for (let i = 0; i < 4; i++) {
      clock.advance(1); // guest
      const t = p.start();
      clock.advance(0.25); // host
      p.record(ExitKind.Sbi, undefined, -1, 100, t);
    }
    p.end();
    clock.advance(100); // outside begin/end: not wall time
    p.recordWallTime(0.003);
    const snap = p.snapshot();
    expect(snap.wallSeconds).toBeCloseTo(0.008, 12);
    const json = profileJson(snap);
    expect(json.hostSeconds).toBeCloseTo(0.001, 12);
    expect(json.hostTimeShare).toBeCloseTo(0.125, 12);
  });

  it("rejects bad options", () => {
    expect(() => new ExitProfiler({ sampleEvery: 0 })).toThrow(RangeError);
    expect(() => new ExitProfiler({ traceLimit: -1 })).toThrow(RangeError);
    expect(() => new ExitProfiler({ timing: "some" as ExitProfilerOptions["timing"] })).toThrow(RangeError);
  });
});

/** The known sequence with fixed host times: rngboi 100 ns, uart 50000 ns, WFI 2000 ns each. */
function timedProfiler(options: ExitProfilerOptions = {}): ExitProfiler {
  const clock = manualClock();
  const p = new ExitProfiler({ ...options, now: clock.now });
  p.setRegisterNamer("rngboi", (off) => (off === 0 ? "rng0" : undefined));
  p.setRegisterNamer("uart0", (off, kind) => (off === 0 ? (kind === ExitKind.MmioWrite ? "THR" : "RBR") : undefined));
  p.setDeviceBase("uart0", 0x1000_0000n);
  p.setDeviceBase("rngboi", 0x1002_0000n);
  const one = (kind: ExitKind, device: string | undefined, offset: number, insns: number, hostMs: number): void => {
    clock.advance(insns / 2 ** 20); // the guest at ~1000 MIPS, in binary-exact steps
    const t = p.start();
    clock.advance(hostMs);
    p.record(kind, device, offset, insns, t);
  };
  p.begin();
  for (let i = 0; i < 1000; i++) one(ExitKind.MmioRead, "rngboi", 0, 40, 1 / 8192);
  for (let i = 0; i < 3; i++) one(ExitKind.MmioWrite, "uart0", 0, 500, 0.05);
  for (let i = 0; i < 2; i++) one(ExitKind.Wfi, undefined, -1, 10_000, 1 / 512);
  p.end();
  return p;
}

describe("profile reports", () => {
  it("the table lists rows by total host time, with register names and a totals line", () => {
    const table = profileTable(timedProfiler().snapshot());
    const lines = table.trimEnd().split("\n");
    const dataLines = lines.filter((l) => /^(MmioRead|MmioWrite|Wfi)\b/.test(l));
    // Totals: uart 3 x 50 us = 150 us, rngboi 1000 x 122 ns = 122 us, wfi 2 x 1953 ns = 3.9 us.
    expect(dataLines.map((l) => l.split(/\s+/).slice(0, 3).join(" "))).toEqual([
      "MmioWrite uart0 THR",
      "MmioRead rngboi rng0",
      "Wfi - -",
    ]);
    expect(lines.some((l) => l.startsWith("total") && l.includes("1,005"))).toBe(true);
    expect(lines[1]).toMatch(/kind\s+device\s+register\s+exits\s+exits\/s\s+host ms\s+host %\s+mean ns\s+insns\/exit/);
    expect(table).not.toMatch(/sampled/);
    // Fixed width: right-aligned columns end at the same place on every line.
    const header = lines[1];
    const exitsEnd = header.indexOf("exits") + "exits".length;
    for (const l of [...dataLines, lines.find((x) => x.startsWith("total")) ?? ""]) {
      expect(l.slice(0, exitsEnd)).toMatch(/\d$/);
      expect(l[exitsEnd]).toBe(" ");
    }
  });

  it("the table says when timing was sampled or off", () => {
    expect(profileTable(timedProfiler({ timing: "sampled", sampleEvery: 8 }).snapshot())).toMatch(
      /note: timing sampled, about 1 exit in 8 timed; .*estimates/,
    );
    const off = profileTable(timedProfiler({ timing: "off" }).snapshot());
    expect(off).toMatch(/timing off/);
    expect(off).not.toMatch(/host ms/);
  });

  it("profileJson has the documented shape", () => {
    const json = profileJson(timedProfiler().snapshot());
    expect(Object.keys(json).sort()).toEqual(
      [
        "version", "wallSeconds", "guestInsns", "exits", "hostSeconds", "hostTimeShare",
        "timing", "sampleEvery", "untimedRowExits", "rows",
      ].sort(),
    );
    expect(json.version).toBe(1);
    expect(json.exits).toBe(1005);
    expect(json.guestInsns).toBe(61_500);
    expect(json.timing).toBe("all");
    expect(json.sampleEvery).toBe(1);
    expect(json.hostSeconds).toBeCloseTo((150_000 + 1000 * 122.0703125 + 2 * 1953.125) / 1e9, 12);
    expect(json.hostTimeShare).toBeGreaterThan(0);
    expect(json.hostTimeShare).toBeLessThan(1);
    expect(json.rows.map((r) => r.kind)).toEqual(["MmioWrite", "MmioRead", "Wfi"]);
    expect(json.rows[1]).toEqual({
      kind: "MmioRead",
      device: "rngboi",
      offset: 0,
      register: "rng0",
      count: 1000,
      timedCount: 1000,
      hostNsTotal: 122_070.3125,
      hostNsMean: 122.0703125,
      hostNsMin: 122.0703125,
      hostNsMax: 122.0703125,
      insnsBetween: 40,
      insnsTotal: 40_000,
    });
    expect(json.rows[2]).toMatchObject({ kind: "Wfi", device: null, offset: -1, register: null, insnsBetween: 10_000 });
    // Plain data: survives a JSON round trip unchanged (no undefined, NaN or Infinity).
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe("Chrome trace", () => {
  function parse(text: string): { traceEvents: TraceEvent[]; displayTimeUnit: string; otherData: Record<string, unknown> } {
    return JSON.parse(text) as { traceEvents: TraceEvent[]; displayTimeUnit: string; otherData: Record<string, unknown> };
  }

  function checkEvents(events: TraceEvent[]): void {
    let lastTs = -Infinity;
    for (const e of events) {
      expect(typeof e.ph).toBe("string");
      expect(typeof e.ts).toBe("number");
      expect(typeof e.pid).toBe("number");
      expect(typeof e.tid).toBe("number");
      expect(typeof e.name).toBe("string");
      if (e.ph === "X") {
        expect(typeof e.dur).toBe("number");
        expect(e.dur).toBeGreaterThanOrEqual(0);
      }
      expect(e.ts).toBeGreaterThanOrEqual(lastTs);
      lastTs = e.ts;
    }
  }

  it("parses as JSON, with one exit event and one guest span per exit, in time order", () => {
    const p = timedProfiler({ trace: true });
    const text = chromeTraceJson(p.snapshot());
    const trace = parse(text);
    expect(trace.displayTimeUnit).toBe("ns");
    checkEvents(trace.traceEvents);
    const exits = trace.traceEvents.filter((e) => e.ph === "X" && e.cat !== "guest");
    const guest = trace.traceEvents.filter((e) => e.ph === "X" && e.cat === "guest");
    expect(exits).toHaveLength(1005);
    expect(guest).toHaveLength(1005);
    expect(new Set(exits.map((e) => e.tid)).size).toBe(1);
    expect(guest[0].tid).not.toBe(exits[0].tid);

    const write = exits.find((e) => e.cat === "MmioWrite");
    expect(write).toMatchObject({
      name: "MmioWrite uart0.THR",
      dur: 50,
      args: { device: "uart0", offset: 0, register: "THR", address: "0x10000000", insnsBefore: 500 },
    });
    expect(exits.find((e) => e.cat === "Wfi")?.name).toBe("Wfi");
    expect(exits[0].name).toBe("MmioRead rngboi.rng0");
    // The guest span before each exit ends where the exit starts and carries its insns.
    expect(guest[0].ts + (guest[0].dur ?? 0)).toBeCloseTo(exits[0].ts, 9);
    expect(guest[0].args?.insns).toBe(40);
    expect(trace.otherData.droppedExits).toBe(0);
  });

  it("traces every exit even when statistics are sampled or off", () => {
    for (const timing of ["sampled", "off"] as const) {
      const p = timedProfiler({ trace: true, timing });
      const events = chromeTrace(p.snapshot()).traceEvents;
      expect(events.filter((e) => e.ph === "X" && e.cat !== "guest")).toHaveLength(1005);
    }
  });

  it("stops at traceLimit, counts the dropped exits and marks the truncation", () => {
    const p = timedProfiler({ trace: true, traceLimit: 100 });
    const snap = p.snapshot();
    expect(snap.exits).toBe(1005); // statistics keep counting
    const trace = parse(chromeTraceJson(snap));
    checkEvents(trace.traceEvents);
    expect(trace.traceEvents.filter((e) => e.ph === "X" && e.cat !== "guest")).toHaveLength(100);
    const instant = trace.traceEvents.filter((e) => e.ph === "i");
    expect(instant).toHaveLength(1);
    expect(instant[0].name).toMatch(/truncated/);
    const counters = trace.traceEvents.filter((e) => e.ph === "C");
    expect(counters.at(-1)?.args?.dropped).toBe(905);
    expect(trace.otherData.droppedExits).toBe(905);
    expect(profileTable(snap)).toMatch(/dropped 905/);
  });

  it("without trace data, still a valid trace with only metadata", () => {
    const trace = parse(chromeTraceJson(timedProfiler().snapshot()));
    checkEvents(trace.traceEvents);
    expect(trace.traceEvents.every((e) => e.ph === "M")).toBe(true);
  });
});

describe("measureProfilerOverhead", () => {
  it("returns a finite, non-negative cost per record for every mode", () => {
    const o = measureProfilerOverhead(20_000);
    for (const v of [o.nsPerRecordOff, o.nsPerRecordSampled, o.nsPerRecordAll, o.nsPerRecordTrace]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
  });
});
