// server.ts — the worker side of a worker-hosted VM: builds the VM, runs it, and answers the client over messages (any platform).
//
// The Node thread entry (node-thread.ts) and the Web Worker entry (web-thread.ts) differ only in
// how messages travel and which createVm() they pass in; everything else lives here.
import type { WasmvisorVm } from "../create-vm.js";
import { BootError } from "../../boot/errors.js";
import { yieldToEventLoop } from "../../vmm/sched.js";
import type { RunLimits, VmResult } from "../../vmm/vm.js";
import { DEFAULT_SNAPSHOT_EVERY_MS, toWireError, type FromWorker, type LiveSnapshot, type ToWorker } from "./protocol.js";

/** How the worker talks to its client: postMessage with a transfer list, and a message listener. */
export interface WorkerEndpoint {
  post(message: FromWorker, transfer: ArrayBuffer[]): void;
  listen(receive: (message: ToWorker) => void): void;
}

/** Console output waiting to be posted: bytes arrive one at a time from the UART, and one message per byte would cost more than the byte. */
const CONSOLE_FLUSH_BYTES = 64 * 1024;
/** The run loop must give the worker's event loop a turn at least this often (messages, timers). */
const FAIR_YIELD_MS = 20;
/** Aim to look at the clock about this often, whatever the exit rate. */
const CLOCK_CHECK_MS = 1;
const MAX_CHECK_EVERY = 1 << 16;

/** Serve one VM: wait for "create", then obey the client until the worker is terminated. */
export function serveVm<O>(endpoint: WorkerEndpoint, create: (options: O) => Promise<WasmvisorVm>): void {
  let vm: WasmvisorVm | undefined;
  let running = false;
  let snapshotTimer: ReturnType<typeof setInterval> | undefined;
  let snapshotEveryMs = DEFAULT_SNAPSHOT_EVERY_MS;
  let gate: FairYield | undefined;
  let flushConsole = (): void => undefined;
  /** Input that arrives before the VM exists (typed while a big kernel is still being fetched). */
  const earlyInput: Uint8Array[] = [];

  const snapshot = (): LiveSnapshot => ({
    profile: vm?.profile(),
    instret: vm === undefined ? 0 : Number(vm.machine.vcpu.instret),
    atMs: performance.now(),
    running,
    paused: gate?.userPaused ?? false,
  });

  let lastPeriodicMs = 0;
  /**
   * Post a periodic snapshot when one is due. Called from a timer and from the run loop itself
   * (FairYield's clock checks): browsers may run the loop's one-turn yields ahead of due timers
   * for as long as the guest keeps exiting, so a timer alone could starve.
   */
  const periodic = (now: number): void => {
    if (!running || now - lastPeriodicMs < snapshotEveryMs * 0.9) return;
    lastPeriodicMs = now;
    flushConsole(); // output printed before the snapshot arrives before it
    endpoint.post({ type: "snapshot", snapshot: snapshot() }, []);
  };

  const startRun = (vm: WasmvisorVm, limits: RunLimits): void => {
    if (running) return;
    running = true;
    lastPeriodicMs = performance.now();
    snapshotTimer = setInterval(() => periodic(performance.now()), snapshotEveryMs);
    const finish = (result: VmResult): void => {
      running = false;
      clearInterval(snapshotTimer);
      flushConsole();
      endpoint.post({ type: "shutdown", result, snapshot: snapshot() }, []);
    };
    vm.run(limits).then(finish, (err: unknown) => {
      // A host-side bug (not a guest problem, which ends as a StopReason): report it as the run's end.
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      finish({ reason: { kind: "error", message }, insns: vm.machine.vcpu.instret, wallSeconds: 0, idleSeconds: 0 });
    });
  };

  endpoint.listen((message) => {
    switch (message.type) {
      case "create": {
        if (vm !== undefined) return;
        snapshotEveryMs = message.snapshotEveryMs;
        create(message.options as O).then(
          (created) => {
            vm = created;
            flushConsole = forwardConsole(created, endpoint);
            gate = new FairYield(created, periodic);
            for (const bytes of earlyInput.splice(0)) created.sendInput(bytes);
            endpoint.post({ type: "created" }, []);
          },
          (err: unknown) => endpoint.post({ type: "failed", error: toWireError(err, err instanceof BootError) }, []),
        );
        return;
      }
      case "input":
        if (vm === undefined) earlyInput.push(message.bytes);
        else vm.sendInput(message.bytes);
        return;
      case "snapshot":
        flushConsole(); // what the guest printed before this moment arrives before the answer
        endpoint.post({ type: "snapshot", snapshot: snapshot(), id: message.id }, []);
        return;
    }
    if (vm === undefined) return; // the client only sends these after "created"
    switch (message.type) {
      case "run":
        startRun(vm, message.limits);
        return;
      case "pause":
        gate!.pauseByUser();
        return;
      case "resume":
        gate!.resumeByUser();
        return;
      case "stop":
        vm.stop();
        return;
    }
  });
}

/** Batch console output into one message per event-loop turn (or per 64 KiB). */
function forwardConsole(vm: WasmvisorVm, endpoint: WorkerEndpoint): () => void {
  let buf = new Uint8Array(4096);
  let len = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (len === 0) return;
    const bytes = buf.slice(0, len);
    len = 0;
    endpoint.post({ type: "console", bytes }, [bytes.buffer]);
  };
  vm.on("console", (bytes) => {
    if (len + bytes.length > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, len + bytes.length));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    buf.set(bytes, len);
    len += bytes.length;
    if (len >= CONSOLE_FLUSH_BYTES) flush();
    else if (!scheduled) {
      // A microtask runs at the run loop's next await: the soonest the worker could post anyway
      // without one message per byte.
      scheduled = true;
      queueMicrotask(flush);
    }
  });
  return flush;
}

/**
 * Makes sure the run loop gives the worker's event loop a turn every FAIR_YIELD_MS.
 *
 * Vm.run() yields only when an instruction budget runs out or the guest sleeps in WFI; a guest
 * that exits back to back (rngboi reads, UART polling) keeps it busy for its whole run, and the
 * worker would then neither see pause/stop/input messages nor fire its snapshot timer. This
 * wraps the VCPU's run() and, when the loop has not yielded for FAIR_YIELD_MS, pauses the VM
 * for one event-loop turn. The clock is read only every `checkEvery` exits, adapted so that a
 * check happens about every millisecond: one decrement per exit otherwise.
 */
class FairYield {
  /** The client asked for a pause (as opposed to our one-turn pauses). */
  userPaused = false;
  private autoPaused = false;

  constructor(
    private readonly vm: WasmvisorVm,
    /** Called at every clock check (about every millisecond of running) with the time. */
    onCheck: (nowMs: number) => void,
  ) {
    const vcpu = vm.machine.vcpu;
    const run = vcpu.run.bind(vcpu);
    let countdown = 1;
    let checkEvery = 1;
    let lastCheck = performance.now();
    let lastYield = lastCheck;
    vcpu.run = (budgetInsns: number) => {
      if (--countdown <= 0) {
        const now = performance.now();
        const gap = now - lastCheck;
        checkEvery = gap > 0 ? Math.min(MAX_CHECK_EVERY, Math.max(1, Math.round((checkEvery * CLOCK_CHECK_MS) / gap))) : Math.min(MAX_CHECK_EVERY, checkEvery * 2);
        countdown = checkEvery;
        lastCheck = now;
        onCheck(now);
        if (now - lastYield >= FAIR_YIELD_MS) {
          lastYield = now;
          this.yieldOnce();
        }
      }
      return run(budgetInsns);
    };
  }

  pauseByUser(): void {
    this.userPaused = true;
    this.autoPaused = false;
    this.vm.pause();
  }

  resumeByUser(): void {
    this.userPaused = false;
    this.autoPaused = false;
    this.vm.resume();
  }

  private yieldOnce(): void {
    if (this.vm.paused) return;
    this.autoPaused = true;
    this.vm.pause(); // the loop waits at its next turn, after the exit in hand is handled
    void yieldToEventLoop().then(() => {
      if (!this.autoPaused) return; // the client paused or resumed meanwhile: its word stands
      this.autoPaused = false;
      this.vm.resume();
    });
  }
}
