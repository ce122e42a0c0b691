// server.ts — the worker side of a worker-hosted VM: builds the VM, runs it, and answers the client over messages (any platform).
//
// The Node thread entry (node-thread.ts) and the Web Worker entry (web-thread.ts) differ only in
// how messages travel and which createVm() they pass in; everything else lives here.
import type { WasmvisorVm } from "../create-vm.js";
import { BootError } from "../../boot/errors.js";
import type { RunLimits, RunLoopHooks, VmResult } from "../../vmm/vm.js";
import { DEFAULT_SNAPSHOT_EVERY_MS, toWireError, type FromWorker, type LiveSnapshot, type ToWorker } from "./protocol.js";

/** How the worker talks to its client: postMessage with a transfer list, and a message listener. */
export interface WorkerEndpoint {
  post(message: FromWorker, transfer: ArrayBuffer[]): void;
  listen(receive: (message: ToWorker) => void): void;
}

/** Console output waiting to be posted: bytes arrive one at a time from the UART, and one message per byte would cost more than the byte. */
const CONSOLE_FLUSH_BYTES = 64 * 1024;

/**
 * Serve one VM: wait for "create", then obey the client until the worker is terminated.
 * `create` builds the VM from the client's options plus the run-loop hooks the server needs (the
 * loop itself gives the worker's event loop its turns, so messages and timers are served).
 */
export function serveVm<O extends object>(endpoint: WorkerEndpoint, create: (options: O & { hooks: RunLoopHooks }) => Promise<WasmvisorVm>): void {
  let vm: WasmvisorVm | undefined;
  let running = false;
  let snapshotTimer: ReturnType<typeof setInterval> | undefined;
  let snapshotEveryMs = DEFAULT_SNAPSHOT_EVERY_MS;
  let flushConsole = (): void => undefined;
  /** Input that arrives before the VM exists (typed while a big kernel is still being fetched). */
  const earlyInput: Uint8Array[] = [];

  const snapshot = (): LiveSnapshot => ({
    profile: vm?.profile(),
    instret: vm === undefined ? 0 : Number(vm.machine.vcpu.instret),
    atMs: performance.now(),
    running,
    paused: vm?.paused ?? false,
  });

  let lastPeriodicMs = 0;
  /**
   * Post a periodic snapshot when one is due. Called from a timer and from the run loop itself
   * (its clock-check hook): browsers may run the loop's one-turn yields ahead of due timers for
   * as long as the guest keeps exiting, so a timer alone could starve.
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
        create({ ...(message.options as O), hooks: { onClockCheck: periodic } }).then(
          (created) => {
            vm = created;
            flushConsole = forwardConsole(created, endpoint);
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
        vm.pause();
        return;
      case "resume":
        vm.resume();
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
