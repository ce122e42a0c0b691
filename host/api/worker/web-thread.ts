// web-thread.ts — the Web Worker entry of a worker-hosted VM in a browser: createVm() from the browser entry, served over postMessage.
//
// Load it as a module worker (`new Worker(url, { type: "module" })`); web-client.ts does.
// Imports nothing from Node.
import { createVm, type BrowserVmOptions } from "../../browser.js";
import { serveVm } from "./server.js";
import type { ToWorker } from "./protocol.js";

/** The part of DedicatedWorkerGlobalScope we use (the project compiles against the DOM lib, not WebWorker). */
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<ToWorker>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
serveVm<BrowserVmOptions>(
  {
    post: (message, transfer) => scope.postMessage(message, transfer),
    listen: (receive) => scope.addEventListener("message", (event) => receive(event.data)),
  },
  createVm,
);
