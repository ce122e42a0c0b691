// report.ts — exit profile reports: a fixed-width text table for the CLI and a versioned JSON object for tools.
//
// Both take a ProfileSnapshot, so they never touch the profiler's hot-path state, and both list
// rows in the same order: most host time first (the exits worth optimising), then most exits.
import type { ProfileRow, ProfileSnapshot, TimingMode } from "./profiler.js";

/**
 * The JSON form of an exit profile (`profileJson()`). Stable: fields are only ever added, and a
 * change of meaning bumps `version`.
 *
 * ```text
 * {
 *   version: 1,
 *   wallSeconds: number,          // wall time covered (begin()/end() + recordWallTime()); 0 if unknown
 *   guestInsns: number,           // guest instructions retired before the recorded exits
 *   exits: number,                // all recorded exits
 *   hostSeconds: number | null,   // host time in exit handling (estimated when timing is "sampled"); null when "off"
 *   hostTimeShare: number | null, // hostSeconds / wallSeconds (0..1); null when either is unknown
 *   timing: "all" | "sampled" | "off",
 *   sampleEvery: number,          // mean gap between timed exits: 1 for "all", N for "sampled", 0 for "off"
 *   untimedRowExits: number,      // exits in rows with no timed sample, so missing from hostSeconds
 *   rows: [{                      // one per (kind, device, offset); most host time first, then most exits
 *     kind: string,               // "MmioRead", "MmioWrite", "Sbi", "Wfi", "BudgetExhausted", ...
 *     device: string | null,      // bus name ("uart0", "rngboi"); null for exits with no device
 *     offset: number,             // byte offset in the device's range; -1 for none
 *     register: string | null,    // register name ("rng0", "THR"), else offset in hex; null when offset is -1
 *     count: number,              // exits
 *     timedCount: number,         // exits whose host time was measured
 *     hostNsTotal: number | null, // host ns for all `count` exits (sampled: measured * count / timedCount)
 *     hostNsMean: number | null,  // mean host ns per timed exit
 *     hostNsMin: number | null,
 *     hostNsMax: number | null,
 *     insnsBetween: number,       // mean guest instructions retired before each exit of this row
 *     insnsTotal: number          // sum of the same
 *   }]
 * }
 * ```
 * Every `null` means "not measured"; JSON has no NaN or Infinity.
 */
export interface ProfileJson {
  version: 1;
  wallSeconds: number;
  guestInsns: number;
  exits: number;
  hostSeconds: number | null;
  hostTimeShare: number | null;
  timing: TimingMode;
  sampleEvery: number;
  untimedRowExits: number;
  rows: ProfileJsonRow[];
}

/** One row of ProfileJson; see ProfileJson for the meaning of each field. */
export interface ProfileJsonRow {
  kind: string;
  device: string | null;
  offset: number;
  register: string | null;
  count: number;
  timedCount: number;
  hostNsTotal: number | null;
  hostNsMean: number | null;
  hostNsMin: number | null;
  hostNsMax: number | null;
  insnsBetween: number;
  insnsTotal: number;
}

/** Rows in report order: most host time first, then most exits, then by name for a stable order. */
export function sortRows(rows: readonly ProfileRow[]): ProfileRow[] {
  return [...rows].sort(
    (a, b) =>
      (b.hostNsTotal ?? -1) - (a.hostNsTotal ?? -1) ||
      b.count - a.count ||
      a.kindName.localeCompare(b.kindName) ||
      (a.device ?? "").localeCompare(b.device ?? "") ||
      a.offset - b.offset,
  );
}

function hostTimeShare(snap: ProfileSnapshot): number | null {
  if (snap.hostNsTotal === null || !(snap.wallSeconds > 0)) return null;
  return snap.hostNsTotal / 1e9 / snap.wallSeconds;
}

/** The profile as a plain JSON-serialisable object; the shape is documented on ProfileJson. */
export function profileJson(snap: ProfileSnapshot): ProfileJson {
  return {
    version: 1,
    wallSeconds: snap.wallSeconds,
    guestInsns: snap.guestInsns,
    exits: snap.exits,
    hostSeconds: snap.hostNsTotal === null ? null : snap.hostNsTotal / 1e9,
    hostTimeShare: hostTimeShare(snap),
    timing: snap.timing,
    sampleEvery: snap.sampleEvery,
    untimedRowExits: snap.untimedRowExits,
    rows: sortRows(snap.rows).map((r) => ({
      kind: r.kindName,
      device: r.device ?? null,
      offset: r.offset,
      register: r.register ?? null,
      count: r.count,
      timedCount: r.timedCount,
      hostNsTotal: r.hostNsTotal,
      hostNsMean: r.timedCount > 0 ? r.hostNsMeasured / r.timedCount : null,
      hostNsMin: r.hostNsMin,
      hostNsMax: r.hostNsMax,
      insnsBetween: r.count > 0 ? r.insnsTotal / r.count : 0,
      insnsTotal: r.insnsTotal,
    })),
  };
}

/** Integer or fixed-point with thousands separators; done by hand so output does not depend on the locale. */
function num(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return "-";
  const [int, frac] = Math.abs(x).toFixed(digits).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (x < 0 ? "-" : "") + grouped + (frac === undefined ? "" : "." + frac);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.001 ? 3 : x < 0.1 ? 2 : 1)}%`;
}

/** Mean insns with a decimal only where it matters (small means). */
function insnsMean(total: number, count: number): string {
  if (count === 0) return "-";
  const m = total / count;
  return num(m, m < 100 ? 1 : 0);
}

/**
 * The profile as a fixed-width text table, most host time first:
 * kind, device, register, exits, exits/s (when wall time is known), total host ms, share of host
 * time, mean host ns, mean guest insns between exits; then a totals line and notes.
 */
export function profileTable(snap: ProfileSnapshot): string {
  const rows = sortRows(snap.rows);
  const wall = snap.wallSeconds > 0 ? snap.wallSeconds : 0;
  const hostNs = snap.hostNsTotal;
  const timed = hostNs !== null;

  const header = ["kind", "device", "register", "exits"];
  if (wall) header.push("exits/s");
  if (timed) header.push("host ms", "host %", "mean ns");
  header.push("insns/exit");
  const leftCols = 3;

  const body: string[][] = [];
  for (const r of rows) {
    const line = [r.kindName, r.device ?? "-", r.register ?? "-", num(r.count)];
    if (wall) line.push(num(r.count / wall));
    if (timed) {
      line.push(
        r.hostNsTotal === null ? "-" : num(r.hostNsTotal / 1e6, 3),
        r.hostNsTotal === null || hostNs === 0 ? "-" : pct(r.hostNsTotal / hostNs),
        r.timedCount > 0 ? num(r.hostNsMeasured / r.timedCount) : "-",
      );
    }
    line.push(insnsMean(r.insnsTotal, r.count));
    body.push(line);
  }

  const total = ["total", "", "", num(snap.exits)];
  if (wall) total.push(num(snap.exits / wall));
  if (timed) {
    // Mean over the exits whose rows have an estimate, so untimed rows do not dilute it.
    const counted = snap.exits - snap.untimedRowExits;
    total.push(num(hostNs / 1e6, 3), hostNs > 0 ? "100%" : "-", counted > 0 ? num(hostNs / counted) : "-");
  }
  total.push(insnsMean(snap.guestInsns, snap.exits));

  const all = [header, ...body, total];
  const widths = header.map((_, c) => Math.max(...all.map((l) => l[c].length)));
  const fmt = (l: string[]): string =>
    l
      .map((cell, c) => (c < leftCols ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");

  const out: string[] = [];
  const summary = [`exits ${num(snap.exits)}`, `guest insns ${num(snap.guestInsns)}`];
  if (wall) summary.push(`wall ${wall.toFixed(3)} s`);
  if (timed) {
    const share = hostTimeShare(snap);
    summary.push(`host ${num(hostNs / 1e6, 3)} ms in exit handling` + (share === null ? "" : ` (${pct(share)} of wall)`));
  }
  out.push(`exit profile: ${summary.join(", ")}`);
  out.push(fmt(header), rule, ...body.map(fmt), rule, fmt(total));

  if (snap.timing === "sampled") {
    out.push(
      `note: timing sampled, about 1 exit in ${snap.sampleEvery} timed; host ms and host totals are estimates ` +
        `(each row's measured time scaled by exits / timed exits); mean ns is over timed exits only.`,
    );
    if (snap.untimedRowExits > 0) {
      const n = snap.untimedRowExits;
      out.push(`note: ${num(n)} exit${n === 1 ? " is" : "s are"} in rows with no timed exit, so not in the host total.`);
    }
  } else if (snap.timing === "off") {
    out.push("note: timing off; counts only.");
  }
  if (snap.trace && snap.trace.dropped > 0) {
    out.push(`note: trace kept ${num(snap.trace.limit)} exits and dropped ${num(snap.trace.dropped)} (traceLimit).`);
  }
  return out.join("\n") + "\n";
}
