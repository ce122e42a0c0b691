// trace.ts — the exit trace as Chrome trace-event JSON (JSON Object Format), for Perfetto and chrome://tracing.
//
// Two rows on the timeline: "guest" spans (the VCPU running guest code between exits) and one
// complete event per exit (the host handling it), so guest vs host time is visible at a glance.
// Timestamps are microseconds from the first recorded moment, rounded to the nanosecond; each
// duration is the difference of rounded ends, so rounding can never make events overlap or go
// backwards. Events are emitted in timestamp order.
import type { ProfileSnapshot } from "./profiler.js";

export type TraceArgValue = string | number | boolean | null;

/** One trace event; the fields used here from the Trace Event Format. */
export interface TraceEvent {
  name: string;
  /** Category: the exit kind for exits, "guest" for guest spans, "profiler" for notes. */
  cat: string;
  /** X = complete (ts + dur), i = instant, C = counter, M = metadata. */
  ph: "X" | "i" | "C" | "M";
  /** Microseconds. */
  ts: number;
  /** Microseconds; X events only. */
  dur?: number;
  pid: number;
  tid: number;
  /** Instant event scope: g = global (drawn across the whole timeline). */
  s?: "g" | "p" | "t";
  args?: Record<string, TraceArgValue>;
}

/** The Trace Event Format's JSON Object Format. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ms" | "ns";
  otherData: Record<string, TraceArgValue>;
}

export interface ChromeTraceOptions {
  /** Process id and name on the timeline (default 1, "wasmvisor"). */
  pid?: number;
  processName?: string;
  /** Names the thread rows ("vcpu0" → "vcpu0 guest", "vcpu0 exits"). Default "vcpu0". */
  vcpuName?: string;
}

/** Thread ids: the guest row above the host row. */
const TID_GUEST = 1;
const TID_HOST = 2;

/** ms clock → µs trace time, rounded to 1 ns. */
function toUs(ms: number, originMs: number): number {
  return Math.round((ms - originMs) * 1e6) / 1e3;
}

/** b - a for two toUs() values, without the float noise of the subtraction (never negative). */
function spanUs(a: number, b: number): number {
  return Math.max(0, Math.round((b - a) * 1e3) / 1e3);
}

/**
 * Build the Chrome trace of a snapshot taken from a profiler created with `trace: true`.
 * Without trace data the result has only the metadata events.
 */
export function chromeTrace(snap: ProfileSnapshot, options: ChromeTraceOptions = {}): ChromeTrace {
  const pid = options.pid ?? 1;
  const vcpu = options.vcpuName ?? "vcpu0";
  const events: TraceEvent[] = [
    { name: "process_name", cat: "__metadata", ph: "M", ts: 0, pid, tid: 0, args: { name: options.processName ?? "wasmvisor" } },
    { name: "thread_name", cat: "__metadata", ph: "M", ts: 0, pid, tid: TID_GUEST, args: { name: `${vcpu} guest` } },
    { name: "thread_sort_index", cat: "__metadata", ph: "M", ts: 0, pid, tid: TID_GUEST, args: { sort_index: 0 } },
    { name: "thread_name", cat: "__metadata", ph: "M", ts: 0, pid, tid: TID_HOST, args: { name: `${vcpu} exits (host)` } },
    { name: "thread_sort_index", cat: "__metadata", ph: "M", ts: 0, pid, tid: TID_HOST, args: { sort_index: 1 } },
  ];
  const trace = snap.trace;
  const otherData: Record<string, TraceArgValue> = {
    source: "wasmvisor exit profiler",
    timing: snap.timing,
    exits: snap.exits,
    tracedExits: trace ? trace.startTs.length : 0,
    droppedExits: trace ? trace.dropped : 0,
    traceLimit: trace ? trace.limit : 0,
  };
  if (!trace) return { traceEvents: events, displayTimeUnit: "ns", otherData };

  // Per-row strings, built once rather than per event.
  const rowNames = snap.rows.map((r) => {
    if (r.device === undefined) return r.kindName;
    return r.register === undefined ? `${r.kindName} ${r.device}` : `${r.kindName} ${r.device}.${r.register}`;
  });
  const rowAddress = snap.rows.map((r): string | null => {
    const base = r.device === undefined ? undefined : trace.deviceBases.get(r.device);
    if (base === undefined || r.offset < 0) return null;
    return `0x${(base + BigInt(r.offset)).toString(16)}`;
  });

  const origin = trace.originTs;
  let lastUs = 0;
  const n = trace.startTs.length;
  for (let i = 0; i < n; i++) {
    const startUs = toUs(trace.startTs[i], origin);
    const endUs = Math.max(startUs, toUs(trace.endTs[i], origin));
    const guestFrom = trace.guestFromTs[i];
    const insns = trace.insnsBefore[i];
    if (guestFrom >= 0) {
      const fromUs = Math.min(toUs(guestFrom, origin), startUs);
      events.push({ name: "guest", cat: "guest", ph: "X", ts: fromUs, dur: spanUs(fromUs, startUs), pid, tid: TID_GUEST, args: { insns } });
    }
    const row = snap.rows[trace.row[i]];
    const args: Record<string, TraceArgValue> = { device: row.device ?? null, offset: row.offset, insnsBefore: insns };
    if (row.register !== undefined) args.register = row.register;
    const address = rowAddress[trace.row[i]];
    if (address !== null) args.address = address;
    events.push({ name: rowNames[trace.row[i]], cat: row.kindName, ph: "X", ts: startUs, dur: spanUs(startUs, endUs), pid, tid: TID_HOST, args });
    lastUs = endUs;
  }

  if (trace.dropped > 0) {
    const atUs = Math.max(lastUs, toUs(trace.truncatedAtTs, origin));
    const endUs = Math.max(atUs, toUs(trace.lastTs, origin));
    events.push(
      {
        name: `trace truncated: traceLimit ${trace.limit} reached, later exits not traced`,
        cat: "profiler",
        ph: "i",
        s: "g",
        ts: atUs,
        pid,
        tid: TID_HOST,
        args: { traceLimit: trace.limit, dropped: trace.dropped },
      },
      // A counter track: 0 at truncation, the final count at the end of the run.
      { name: "dropped exits", cat: "profiler", ph: "C", ts: atUs, pid, tid: TID_HOST, args: { dropped: 0 } },
      { name: "dropped exits", cat: "profiler", ph: "C", ts: endUs, pid, tid: TID_HOST, args: { dropped: trace.dropped } },
    );
  }
  return { traceEvents: events, displayTimeUnit: "ns", otherData };
}

/** chromeTrace() serialised, one event per line (diff- and grep-friendly, still one JSON object). */
export function chromeTraceJson(snap: ProfileSnapshot, options: ChromeTraceOptions = {}): string {
  const t = chromeTrace(snap, options);
  const lines = t.traceEvents.map((e) => JSON.stringify(e));
  return (
    `{"displayTimeUnit":${JSON.stringify(t.displayTimeUnit)},"otherData":${JSON.stringify(t.otherData)},` +
    `"traceEvents":[\n${lines.join(",\n")}\n]}\n`
  );
}
