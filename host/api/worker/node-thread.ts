// node-thread.ts — the worker_threads entry of a worker-hosted VM in Node: createVm() from the Node entry, served over parentPort.
import { parentPort } from "node:worker_threads";
import { createVm, type NodeVmOptions } from "../../node.js";
import { serveVm } from "./server.js";

if (parentPort === null) throw new Error("node-thread.js is a worker_threads entry; use createVmWorker()");
const port = parentPort;
serveVm<NodeVmOptions>({ post: (message, transfer) => port.postMessage(message, transfer), listen: (receive) => port.on("message", receive) }, createVm);
