// protocol.ts — the messages between a VM running in a worker (Node worker_threads or a Web Worker) and its client.
//
// Everything here must survive structured clone: plain objects, Uint8Array, bigint,
// WebAssembly.Module. No functions, no class instances (an Error crosses as WireError).
import type { ExitProfilerOptions } from "../../profile/profiler.js";
import type { ProfileJson } from "../../profile/report.js";
import type { RunLimits, VmResult } from "../../vmm/vm.js";

/** Profiler options that can cross a message boundary (an injected clock cannot). */
export type WireProfilerOptions = Omit<ExitProfilerOptions, "now">;

/** Where the VM is at one moment, as the worker posts it every snapshotEveryMs and on request. */
export interface LiveSnapshot {
  /** The exit profile so far; undefined when profiling is off. */
  profile: ProfileJson | undefined;
  /** Guest instructions retired since reset (exact, unlike profile.guestInsns which stops at the last exit). */
  instret: number;
  /** Worker clock (performance.now(), ms) when the snapshot was taken: only differences mean anything. */
  atMs: number;
  running: boolean;
  paused: boolean;
}

/** An Error flattened for the trip; `boot` marks a BootError (a bad guest image, not a bug). */
export interface WireError {
  name: string;
  message: string;
  boot: boolean;
}

/** First message to the worker: what createVm() gets there, and how often to report. */
export interface CreateRequest<O> {
  type: "create";
  options: O;
  snapshotEveryMs: number;
}

export type ToWorker<O = unknown> =
  | CreateRequest<O>
  | { type: "run"; limits: RunLimits }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" }
  | { type: "input"; bytes: Uint8Array }
  | { type: "snapshot"; id: number };

export type FromWorker =
  | { type: "created" }
  | { type: "failed"; error: WireError }
  | { type: "console"; bytes: Uint8Array }
  /** `id` answers a snapshot request; periodic snapshots have none. */
  | { type: "snapshot"; snapshot: LiveSnapshot; id?: number }
  | { type: "shutdown"; result: VmResult; snapshot: LiveSnapshot };

/** Default period of the worker's unsolicited snapshots. */
export const DEFAULT_SNAPSHOT_EVERY_MS = 250;

export function toWireError(err: unknown, boot: boolean): WireError {
  if (err instanceof Error) return { name: err.name, message: err.message, boot };
  return { name: "Error", message: String(err), boot };
}
