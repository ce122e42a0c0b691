// profiler.ts — ExitProfiler: counts every VM exit by (kind, device, register offset), times its host handling, and optionally traces it.
//
// The run loop calls start() when run() returns and record() once the exit is handled, on every
// exit, so the hot path allocates nothing: statistics live in one growable Float64Array (a row of
// ROW_FIELDS numbers per key), keys are found through small-integer maps plus a one-entry cache
// (the common case is the same register read over and over, e.g. rngboi's rng0), and trace events
// go into preallocated typed arrays. Names, estimates and reports are built only in snapshot().
//
// Browser-safe: no Node imports; the default clock is performance.now().
import { EXIT_KIND_NAMES, ExitKind } from "../core/abi.js";

/** How host time per exit is measured. */
export type TimingMode = "all" | "sampled" | "off";

/** Names a register from its offset in the device's MMIO range (and the access kind: 16550 offset 0 is THR on write, RBR on read). */
export type RegisterNamer = (offset: number, kind: ExitKind) => string | undefined;

export interface ExitProfilerOptions {
  /**
   * "all": time every exit (two clock reads per exit). "sampled": time about one exit in
   * `sampleEvery` and scale each row's total by count / timedCount. "off": count only.
   * Default "all".
   */
  timing?: TimingMode;
  /** Mean gap between timed exits for "sampled" timing (default 64). 1 times every exit. */
  sampleEvery?: number;
  /** Keep one trace event per exit (plus the guest span before it) for chromeTrace(). Default false. */
  trace?: boolean;
  /** At most this many exits are traced; later ones are counted as dropped. Default 200000. */
  traceLimit?: number;
  /** Clock in milliseconds, like performance.now() (the default). Injectable for tests. */
  now?: () => number;
}

/** One aggregated key: all exits with the same kind, device and offset. */
export interface ProfileRow {
  kind: ExitKind;
  /** EXIT_KIND_NAMES[kind], or "Kind<n>" for a value abi.ts does not name. */
  kindName: string;
  /** Undefined for exits that involve no device (budget, WFI, ...). */
  device: string | undefined;
  /** Offset into the device's range; -1 for none. */
  offset: number;
  /** From the device's register namer, else the offset in hex; undefined when offset is -1. */
  register: string | undefined;
  count: number;
  /** Exits of this row whose host time was measured. */
  timedCount: number;
  /** Sum of the measured host times, ns (timedCount exits). */
  hostNsMeasured: number;
  /**
   * Host time of all `count` exits, ns: the measured sum when every exit was timed, else
   * hostNsMeasured * count / timedCount (an estimate). Null when no exit of the row was timed.
   */
  hostNsTotal: number | null;
  /** Null when no exit of the row was timed. */
  hostNsMin: number | null;
  hostNsMax: number | null;
  /** Guest instructions retired before the exits of this row (summed over the row). */
  insnsTotal: number;
}

/** The raw trace log: parallel arrays, one entry per traced exit, timestamps in clock milliseconds. */
export interface TraceLog {
  /** The first timestamp seen (begin() or the first traced exit); trace time 0. -1 if none. */
  originTs: number;
  /** The latest timestamp seen (for the end of the timeline). */
  lastTs: number;
  limit: number;
  /** Exits not traced because the log was full. */
  dropped: number;
  /** Start of the first dropped exit; -1 if nothing was dropped. */
  truncatedAtTs: number;
  /** Exit handling began (start()). */
  startTs: Float64Array;
  /** Exit handling ended (inside record()). */
  endTs: Float64Array;
  /** The guest resumed before this exit (end of the previous exit, or begin()); -1 if unknown. */
  guestFromTs: Float64Array;
  insnsBefore: Float64Array;
  /** Index into ProfileSnapshot.rows. */
  row: Int32Array;
  /** Guest physical base of each device given to setDeviceBase(), for addresses in the trace. */
  deviceBases: ReadonlyMap<string, bigint>;
}

/** Everything the reports need, detached from the profiler. */
export interface ProfileSnapshot {
  timing: TimingMode;
  /** Mean gap between timed exits (1 for "all", 0 for "off"). */
  sampleEvery: number;
  /** Wall time covered by begin()/end() plus recordWallTime(); 0 if neither was used. */
  wallSeconds: number;
  exits: number;
  /** Guest instructions retired before recorded exits (the sum of insnsBefore). */
  guestInsns: number;
  /** Sum of the rows' hostNsTotal (estimated when sampled); null when timing is "off". */
  hostNsTotal: number | null;
  /** Exits in rows that had no timed exit, so are missing from hostNsTotal (sampled timing). */
  untimedRowExits: number;
  /** In first-seen order; TraceLog.row indexes this array. */
  rows: ProfileRow[];
  /** Present when tracing was on. */
  trace?: TraceLog;
}

// Row layout in the stats array.
const F_COUNT = 0;
const F_TIMED = 1;
const F_NS_SUM = 2;
const F_NS_MIN = 3;
const F_NS_MAX = 4;
const F_INSNS = 5;
const ROW_FIELDS = 6;

/** Exit kinds per device slot; abi.ts has 9, and a kind must stay below this to index its slot. */
const KIND_SLOTS = 16;

const TIMING_OFF = 0;
const TIMING_SAMPLED = 1;
const TIMING_ALL = 2;

const NS_PER_MS = 1e6;

export class ExitProfiler {
  readonly timing: TimingMode;
  readonly sampleEvery: number;
  readonly traceLimit: number;
  private readonly now: () => number;
  private readonly timingCode: number;
  private readonly traceOn: boolean;

  // ---- aggregation ----
  private stats = new Float64Array(ROW_FIELDS * 64);
  private rowCount = 0;
  private readonly rowKind: number[] = [];
  private readonly rowDevice: (string | undefined)[] = [];
  private readonly rowOffset: number[] = [];
  /** Device name → id; id 0 is "no device". */
  private readonly deviceIds = new Map<string, number>();
  /** Indexed by deviceId * KIND_SLOTS + kind: offset → row. */
  private readonly slots: (Map<number, number> | undefined)[] = [];
  private lastKind = -1;
  private lastDevice: string | undefined = undefined;
  private lastOffset = -2;
  private lastRow = -1;
  private exitCount = 0;
  private insnsTotal = 0;

  // ---- timing ----
  /** start() chose this exit for the statistics (as opposed to timing it only for the trace). */
  private timedNow = false;
  private countdown = 1;
  private rng = 0x9e3779b9;

  // ---- wall time ----
  private wallMs = 0;
  private wallExtraSeconds = 0;
  private beginTs = -1;

  // ---- trace ----
  private traceActive: boolean;
  private traceCount = 0;
  private traceDropped = 0;
  private truncatedAtTs = -1;
  private originTs = -1;
  private lastTs = -1;
  private guestFromTs = -1;
  private tStart: Float64Array;
  private tEnd: Float64Array;
  private tGuest: Float64Array;
  private tInsns: Float64Array;
  private tRow: Int32Array;

  private readonly namers = new Map<string, RegisterNamer>();
  private readonly deviceBases = new Map<string, bigint>();

  constructor(options: ExitProfilerOptions = {}) {
    this.timing = options.timing ?? "all";
    if (this.timing !== "all" && this.timing !== "sampled" && this.timing !== "off") {
      throw new RangeError(`unknown timing mode "${String(this.timing)}"`);
    }
    this.timingCode = this.timing === "all" ? TIMING_ALL : this.timing === "sampled" ? TIMING_SAMPLED : TIMING_OFF;
    const every = options.sampleEvery ?? 64;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`sampleEvery must be an integer >= 1, got ${every}`);
    this.sampleEvery = this.timing === "sampled" ? every : this.timing === "all" ? 1 : 0;
    const limit = options.traceLimit ?? 200_000;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`traceLimit must be an integer >= 0, got ${limit}`);
    this.traceLimit = limit;
    this.traceOn = options.trace ?? false;
    this.traceActive = this.traceOn;
    // performance.now must be called on `performance` (browsers throw "Illegal invocation" otherwise).
    this.now = options.now ?? (() => performance.now());
    if (this.timingCode === TIMING_SAMPLED) this.countdown = this.nextGap();
    const cap = this.traceOn ? Math.min(limit, 4096) : 0;
    this.tStart = new Float64Array(cap);
    this.tEnd = new Float64Array(cap);
    this.tGuest = new Float64Array(cap);
    this.tInsns = new Float64Array(cap);
    this.tRow = new Int32Array(cap);
    this.slots.length = KIND_SLOTS;
  }

  // ---------------------------------------------------------------- hot path

  /**
   * Call when run() returns, before handling the exit. Returns a timestamp to pass to record(),
   * or -1 when this exit is not timed. start() and record() must be called in pairs.
   */
  start(): number {
    const mode = this.timingCode;
    if (mode === TIMING_ALL) {
      this.timedNow = true;
      return this.now();
    }
    if (mode === TIMING_SAMPLED && --this.countdown <= 0) {
      this.countdown = this.nextGap();
      this.timedNow = true;
      return this.now();
    }
    this.timedNow = false;
    // The trace needs both ends of every traced exit, whatever the statistics sample.
    return this.traceActive ? this.now() : -1;
  }

  /**
   * Call after the exit was handled. `device` is undefined for exits that involve none (budget,
   * WFI); `offset` is -1 for none. `insnsBefore` is the guest instructions retired since the
   * previous exit (vcpu.exitInsns). Takes the end timestamp itself when `startTs >= 0`.
   */
  record(kind: ExitKind, device: string | undefined, offset: number, insnsBefore: number, startTs: number): void {
    const endTs = startTs >= 0 ? this.now() : -1;
    const row =
      kind === this.lastKind && device === this.lastDevice && offset === this.lastOffset
        ? this.lastRow
        : this.findRow(kind, device, offset);
    const s = this.stats;
    const b = row * ROW_FIELDS;
    s[b + F_COUNT] += 1;
    s[b + F_INSNS] += insnsBefore;
    this.exitCount++;
    this.insnsTotal += insnsBefore;
    if (startTs >= 0 && this.timedNow) {
      const ns = (endTs - startTs) * NS_PER_MS;
      s[b + F_TIMED] += 1;
      s[b + F_NS_SUM] += ns;
      if (ns < s[b + F_NS_MIN]) s[b + F_NS_MIN] = ns;
      if (ns > s[b + F_NS_MAX]) s[b + F_NS_MAX] = ns;
    }
    if (this.traceOn) {
      if (!this.traceActive) this.traceDropped++;
      else if (startTs >= 0) this.pushTrace(row, startTs, endTs, insnsBefore);
      else this.guestFromTs = -1; // not timed by the caller: the next guest span has no known start
    }
  }

  // ---------------------------------------------------------------- wall time

  /** Start a wall-clock interval (e.g. entering the run loop). Nested begin() calls are ignored. */
  begin(): void {
    if (this.beginTs >= 0) return;
    const t = this.now();
    this.beginTs = t;
    if (this.originTs < 0) this.originTs = t;
    this.lastTs = t;
    this.guestFromTs = t;
  }

  /** End the interval begin() started; the time between them adds to the wall time. */
  end(): void {
    if (this.beginTs < 0) return;
    const t = this.now();
    this.wallMs += t - this.beginTs;
    this.beginTs = -1;
    if (t > this.lastTs) this.lastTs = t;
    this.guestFromTs = -1;
  }

  /** Add wall time measured elsewhere (instead of, or besides, begin()/end()). */
  recordWallTime(seconds: number): void {
    this.wallExtraSeconds += seconds;
  }

  // ---------------------------------------------------------------- naming

  /** Name `device`'s registers in reports ("rng0" instead of "0x0"). */
  setRegisterNamer(device: string, fn: RegisterNamer): void {
    this.namers.set(device, fn);
  }

  /** The device's guest physical base, so the trace can show the full address of each access. */
  setDeviceBase(device: string, baseGpa: bigint): void {
    this.deviceBases.set(device, baseGpa);
  }

  // ---------------------------------------------------------------- reading

  /** Exits recorded so far (cheap; for progress lines). */
  get exits(): number {
    return this.exitCount;
  }

  /** A detached copy of everything recorded so far, with names and estimates filled in. */
  snapshot(): ProfileSnapshot {
    const rows: ProfileRow[] = [];
    const s = this.stats;
    const estimate = this.timingCode === TIMING_SAMPLED;
    let hostNs = 0;
    let untimedRowExits = 0;
    for (let r = 0; r < this.rowCount; r++) {
      const b = r * ROW_FIELDS;
      const kind = this.rowKind[r] as ExitKind;
      const device = this.rowDevice[r];
      const offset = this.rowOffset[r];
      const count = s[b + F_COUNT];
      const timed = s[b + F_TIMED];
      const measured = s[b + F_NS_SUM];
      let total: number | null = null;
      if (timed > 0) total = estimate ? (measured * count) / timed : measured;
      if (total !== null) hostNs += total;
      else untimedRowExits += count;
      rows.push({
        kind,
        kindName: kindName(kind),
        device,
        offset,
        register: this.registerName(kind, device, offset),
        count,
        timedCount: timed,
        hostNsMeasured: measured,
        hostNsTotal: total,
        hostNsMin: timed > 0 ? s[b + F_NS_MIN] : null,
        hostNsMax: timed > 0 ? s[b + F_NS_MAX] : null,
        insnsTotal: s[b + F_INSNS],
      });
    }
    let wallMs = this.wallMs;
    if (this.beginTs >= 0) wallMs += this.now() - this.beginTs;
    const snap: ProfileSnapshot = {
      timing: this.timing,
      sampleEvery: this.sampleEvery,
      wallSeconds: wallMs / 1000 + this.wallExtraSeconds,
      exits: this.exitCount,
      guestInsns: this.insnsTotal,
      hostNsTotal: this.timingCode === TIMING_OFF ? null : hostNs,
      untimedRowExits: this.timingCode === TIMING_OFF ? 0 : untimedRowExits,
      rows,
    };
    if (this.traceOn) {
      const n = this.traceCount;
      snap.trace = {
        originTs: this.originTs,
        lastTs: this.lastTs,
        limit: this.traceLimit,
        dropped: this.traceDropped,
        truncatedAtTs: this.truncatedAtTs,
        startTs: this.tStart.slice(0, n),
        endTs: this.tEnd.slice(0, n),
        guestFromTs: this.tGuest.slice(0, n),
        insnsBefore: this.tInsns.slice(0, n),
        row: this.tRow.slice(0, n),
        deviceBases: new Map(this.deviceBases),
      };
    }
    return snap;
  }

  /** Forget all exits, wall time and trace events; keeps options, namers and device bases. */
  reset(): void {
    this.stats = new Float64Array(ROW_FIELDS * 64);
    this.rowCount = 0;
    this.rowKind.length = 0;
    this.rowDevice.length = 0;
    this.rowOffset.length = 0;
    this.deviceIds.clear();
    this.slots.length = 0;
    this.slots.length = KIND_SLOTS;
    this.lastKind = -1;
    this.lastDevice = undefined;
    this.lastOffset = -2;
    this.lastRow = -1;
    this.exitCount = 0;
    this.insnsTotal = 0;
    this.timedNow = false;
    this.rng = 0x9e3779b9;
    this.countdown = this.timingCode === TIMING_SAMPLED ? this.nextGap() : 1;
    this.wallMs = 0;
    this.wallExtraSeconds = 0;
    this.beginTs = -1;
    this.traceActive = this.traceOn;
    this.traceCount = 0;
    this.traceDropped = 0;
    this.truncatedAtTs = -1;
    this.originTs = -1;
    this.lastTs = -1;
    this.guestFromTs = -1;
  }

  // ---------------------------------------------------------------- internals

  /**
   * Gap to the next timed exit, uniform in [1, 2N-1] (mean N). A fixed stride would alias with
   * periodic exit patterns: with N = 64 and a driver alternating write-index/read-data, only one
   * of the two registers would ever be timed. The generator is seeded, so runs reproduce.
   */
  private nextGap(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.rng = x;
    return 1 + (x % (2 * this.sampleEvery - 1));
  }

  /** The cache-miss path: look the key up, creating its row on first sight. */
  private findRow(kind: ExitKind, device: string | undefined, offset: number): number {
    if (!(kind >= 0 && kind < KIND_SLOTS && Number.isInteger(kind))) {
      throw new RangeError(`exit kind ${kind} is outside 0..${KIND_SLOTS - 1}`);
    }
    let deviceId = 0;
    if (device !== undefined) {
      const id = this.deviceIds.get(device);
      if (id !== undefined) deviceId = id;
      else {
        deviceId = this.deviceIds.size + 1;
        this.deviceIds.set(device, deviceId);
        this.slots.length = (deviceId + 1) * KIND_SLOTS;
      }
    }
    const slot = deviceId * KIND_SLOTS + kind;
    let map = this.slots[slot];
    if (map === undefined) {
      map = new Map();
      this.slots[slot] = map;
    }
    let row = map.get(offset);
    if (row === undefined) {
      row = this.addRow(kind, device, offset);
      map.set(offset, row);
    }
    this.lastKind = kind;
    this.lastDevice = device;
    this.lastOffset = offset;
    this.lastRow = row;
    return row;
  }

  private addRow(kind: ExitKind, device: string | undefined, offset: number): number {
    const row = this.rowCount++;
    if (this.rowCount * ROW_FIELDS > this.stats.length) {
      const grown = new Float64Array(this.stats.length * 2);
      grown.set(this.stats);
      this.stats = grown;
    }
    const b = row * ROW_FIELDS;
    this.stats[b + F_NS_MIN] = Infinity;
    this.stats[b + F_NS_MAX] = -Infinity;
    this.rowKind.push(kind);
    this.rowDevice.push(device);
    this.rowOffset.push(offset);
    return row;
  }

  private pushTrace(row: number, startTs: number, endTs: number, insnsBefore: number): void {
    const n = this.traceCount;
    if (n >= this.traceLimit) {
      this.traceActive = false;
      this.truncatedAtTs = startTs;
      this.traceDropped++;
      this.guestFromTs = -1;
      return;
    }
    if (n === this.tStart.length) this.growTrace();
    if (this.originTs < 0) this.originTs = this.guestFromTs >= 0 ? this.guestFromTs : startTs;
    this.tStart[n] = startTs;
    this.tEnd[n] = endTs;
    this.tGuest[n] = this.guestFromTs;
    this.tInsns[n] = insnsBefore;
    this.tRow[n] = row;
    this.traceCount = n + 1;
    this.guestFromTs = endTs;
    if (endTs > this.lastTs) this.lastTs = endTs;
  }

  private growTrace(): void {
    const cap = Math.min(this.traceLimit, Math.max(1024, this.tStart.length * 2));
    const grow64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.tStart = grow64(this.tStart);
    this.tEnd = grow64(this.tEnd);
    this.tGuest = grow64(this.tGuest);
    this.tInsns = grow64(this.tInsns);
    const rows = new Int32Array(cap);
    rows.set(this.tRow);
    this.tRow = rows;
  }

  private registerName(kind: ExitKind, device: string | undefined, offset: number): string | undefined {
    if (offset < 0) return undefined;
    const namer = device === undefined ? undefined : this.namers.get(device);
    return namer?.(offset, kind) ?? `0x${offset.toString(16)}`;
  }
}

/** The exit kind's name from abi.ts, or "Kind<n>" for a value it does not name. */
export function kindName(kind: ExitKind): string {
  return (EXIT_KIND_NAMES as Record<number, string | undefined>)[kind] ?? `Kind${kind}`;
}
