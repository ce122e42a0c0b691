// worker-vm.ts — WorkerVm: the WasmvisorVm API for a VM that runs in a worker, over messages (any platform).
//
// node-client.ts (worker_threads) and web-client.ts (Web Worker) supply the transport and turn
// their options into cloneable ones; the request/response bookkeeping is shared here.
import { BootError } from "../../boot/errors.js";
import type { ProfileJson } from "../../profile/report.js";
import type { RunLimits, VmResult } from "../../vmm/vm.js";
import type { FromWorker, LiveSnapshot, ToWorker, WireError } from "./protocol.js";

/** How the client reaches its worker. */
export interface WorkerTransport {
  post(message: ToWorker, transfer: ArrayBuffer[]): void;
  /** Start delivering messages; `onFatal` reports a worker that died (script error, crash, exit). */
  start(onMessage: (message: FromWorker) => void, onFatal: (error: Error) => void): void;
  terminate(): Promise<void>;
  /** Node: keep the process alive while `true` (a pending run or request), let it exit otherwise. */
  hold?(keepAlive: boolean): void;
}

export type WorkerVmEvent = "console" | "shutdown" | "snapshot";

export type WorkerVmListener<E extends WorkerVmEvent> = E extends "console"
  ? (bytes: Uint8Array) => void
  : E extends "shutdown"
    ? (result: VmResult) => void
    : (snapshot: LiveSnapshot) => void;

/** How long terminate() lets a running guest stop cleanly before the worker is killed. */
const STOP_GRACE_MS = 1000;

/** A VM running in a worker: the WasmvisorVm API, with profile() asynchronous since it crosses a message boundary. */
export class WorkerVm {
  private readonly consoleListeners: Array<(bytes: Uint8Array) => void> = [];
  private readonly shutdownListeners: Array<(result: VmResult) => void> = [];
  private readonly snapshotListeners: Array<(snapshot: LiveSnapshot) => void> = [];
  private readonly requests = new Map<number, { resolve: (s: LiveSnapshot) => void; reject: (e: Error) => void }>();
  private nextRequestId = 1;
  private running: { promise: Promise<VmResult>; resolve: (r: VmResult) => void; reject: (e: Error) => void } | undefined;
  private result: VmResult | undefined;
  private last: LiveSnapshot | undefined;
  private pausedState = false;
  private dead: Error | undefined;
  private created: { resolve: () => void; reject: (e: Error) => void } | undefined;

  /** @internal use createVmWorker() from the Node or browser entry */
  constructor(private readonly transport: WorkerTransport) {}

  /** @internal send the options and wait until the worker has built the VM (rejects as createVm would). */
  async create(options: unknown, snapshotEveryMs: number, transfer: ArrayBuffer[]): Promise<this> {
    const ready = new Promise<void>((resolve, reject) => (this.created = { resolve, reject }));
    this.transport.start((m) => this.receive(m), (e) => this.die(e));
    this.updateHold();
    this.transport.post({ type: "create", options, snapshotEveryMs }, transfer);
    try {
      await ready;
    } catch (err) {
      await this.transport.terminate();
      throw err;
    } finally {
      this.created = undefined;
      this.updateHold();
    }
    return this;
  }

  /** Subscribe to console output, the end of the run, or the periodic snapshots (exit profile, instructions). */
  on<E extends WorkerVmEvent>(event: E, listener: WorkerVmListener<E>): this {
    if (event === "console") this.consoleListeners.push(listener as (bytes: Uint8Array) => void);
    else if (event === "shutdown") this.shutdownListeners.push(listener as (result: VmResult) => void);
    else this.snapshotListeners.push(listener as (snapshot: LiveSnapshot) => void);
    return this;
  }

  /** Start the guest; resolves when it stops (power off, halt, limit, error or stop()). */
  run(limits: RunLimits = {}): Promise<VmResult> {
    if (this.running !== undefined) return this.running.promise;
    let resolve = (_: VmResult): void => undefined;
    let reject = (_: Error): void => undefined;
    const promise = new Promise<VmResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.running = { promise, resolve, reject };
    if (this.dead !== undefined) reject(this.dead);
    else this.transport.post({ type: "run", limits }, []);
    this.updateHold();
    return promise;
  }

  pause(): void {
    this.pausedState = true;
    this.send({ type: "pause" });
  }

  resume(): void {
    this.pausedState = false;
    this.send({ type: "resume" });
  }

  get paused(): boolean {
    return this.pausedState;
  }

  /** Stop at the next exit; run() resolves with reason "stopped". */
  stop(): void {
    this.send({ type: "stop" });
  }

  /** Type into the guest's console. */
  sendInput(data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data.slice();
    if (this.dead === undefined) this.transport.post({ type: "input", bytes }, [bytes.buffer as ArrayBuffer]);
  }

  /** The exit profile so far (undefined when profiling is off), fetched from the worker. */
  async profile(): Promise<ProfileJson | undefined> {
    return (await this.snapshot()).profile;
  }

  /** A fresh snapshot (profile, instructions, state); after the worker is gone, the last one it sent. */
  snapshot(): Promise<LiveSnapshot> {
    if (this.dead !== undefined) {
      return this.last !== undefined ? Promise.resolve(this.last) : Promise.reject(this.dead);
    }
    const id = this.nextRequestId++;
    const answer = new Promise<LiveSnapshot>((resolve, reject) => this.requests.set(id, { resolve, reject }));
    this.transport.post({ type: "snapshot", id }, []);
    this.updateHold();
    return answer;
  }

  /** The most recent snapshot the worker posted (periodic, requested or final). */
  get lastSnapshot(): LiveSnapshot | undefined {
    return this.last;
  }

  /** End the worker. A running guest is asked to stop first, so run() still resolves normally. */
  async terminate(): Promise<void> {
    if (this.dead !== undefined) return;
    if (this.running !== undefined && this.result === undefined) {
      this.stop();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS));
      await Promise.race([this.running.promise.then(() => undefined, () => undefined), grace]);
    }
    this.die(new Error("the VM worker was terminated"));
    await this.transport.terminate();
  }

  private send(message: ToWorker): void {
    if (this.dead === undefined) this.transport.post(message, []);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "created":
        this.created?.resolve();
        return;
      case "failed":
        this.created?.reject(fromWireError(message.error));
        return;
      case "console":
        for (const l of this.consoleListeners) l(message.bytes);
        return;
      case "snapshot": {
        this.last = message.snapshot;
        if (message.id !== undefined) {
          this.requests.get(message.id)?.resolve(message.snapshot);
          this.requests.delete(message.id);
          this.updateHold();
        } else {
          for (const l of this.snapshotListeners) l(message.snapshot);
        }
        return;
      }
      case "shutdown":
        this.last = message.snapshot;
        this.result = message.result;
        for (const l of this.snapshotListeners) l(message.snapshot);
        for (const l of this.shutdownListeners) l(message.result);
        this.running?.resolve(message.result);
        this.updateHold();
        return;
    }
  }

  /** The worker is gone: fail whatever still waits for it. */
  private die(error: Error): void {
    if (this.dead !== undefined) return;
    this.dead = error;
    this.created?.reject(error);
    for (const r of this.requests.values()) r.reject(error);
    this.requests.clear();
    if (this.result === undefined) this.running?.reject(error);
    this.updateHold();
  }

  private updateHold(): void {
    const busy = this.dead === undefined &&
      (this.created !== undefined || this.requests.size > 0 || (this.running !== undefined && this.result === undefined));
    this.transport.hold?.(busy);
  }
}

function fromWireError(wire: WireError): Error {
  const error = wire.boot ? new BootError(wire.message) : new Error(wire.message);
  error.name = wire.name;
  return error;
}

/**
 * Prepare guest images for posting: `transfer` hands their buffers over (the caller's arrays are
 * detached); otherwise they are copied, and a view into a larger buffer is sliced first so the
 * clone does not carry the whole buffer along.
 */
export function imageForPost(bytes: Uint8Array, transfer: boolean, list: ArrayBuffer[]): Uint8Array {
  if (transfer && bytes.buffer instanceof ArrayBuffer) {
    if (!list.includes(bytes.buffer)) list.push(bytes.buffer);
    return bytes;
  }
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
