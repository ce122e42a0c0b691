// main.ts — the demo page: pick a guest, run it in a Web Worker, show its console in xterm.js and its VM exits live; run the RNG comparison.
import { Terminal } from "@xterm/xterm";
import type { ProfileJson } from "../../host/profile/report.js";
import type { VmResult } from "../../host/vmm/vm.js";
import type { WorkerVm } from "../../host/api/worker/worker-vm.js";
import type { LiveSnapshot } from "../../host/api/worker/protocol.js";
import { createVmWorker, type WebWorkerVmOptions } from "../../host/api/worker/web-client.js";
import { ExitRateChart } from "./exit-chart.js";
import { byteRate, bytes, count, short } from "./format.js";
import { drawRngChart, type RngSeries } from "./rng-chart.js";
import { fetchNodeResults, RNG_DEVICES, RNG_SIZES, runRngComparison, type NodeRngRow, type RngMeasurement } from "./rng-compare.js";

const WORKER_URL = "web-thread.js";
const RNG_WORKER_URL = "rng-worker.js";
const TERMINAL_FONT = 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';
const TERMINAL_FONT_SIZE = 13;

interface GuestChoice {
  id: string;
  label: string;
  note: string;
  kind: "elf" | "linux" | "file";
  url?: string;
  cmdline?: string;
}

const BUILT_IN: GuestChoice[] = [
  { id: "rng-demo", label: "rng-demo (bare metal)", kind: "elf", note: "Fills buffers from the rngboi register RNG: one MMIO exit per 4 bytes." },
  { id: "virtio-rng-demo", label: "virtio-rng-demo (bare metal)", kind: "elf", note: "Our own virtio-rng driver: one QueueNotify exit per buffer, whatever its size." },
  { id: "mips-bench", label: "mips-bench (bare metal)", kind: "elf", note: "CPU-bound integer kernels, about 2 G instructions: almost no exits. Stop it when you have seen enough." },
  { id: "echo-demo", label: "echo-demo (bare metal, interactive)", kind: "elf", note: "Type a line in the terminal and press Enter: the guest answers it uppercased. \"quit\" powers off." },
];
for (const g of BUILT_IN) g.url = `guests/${g.id}/${g.id}.elf`;
const FILE_CHOICE: GuestChoice = {
  id: "file", label: "Kernel file…", kind: "file",
  note: "A RISC-V Linux Image (with an optional initrd), booted with the built-in SBI; a bare-metal RV64 ELF also works.",
};

/** What tests (and curious people in the console) can read. */
interface DemoHandle {
  terminalText(): string;
  rngResults: RngMeasurement[] | undefined;
}

function $<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page is missing #${id}`);
  return el as T;
}

const ui = {
  guest: $<HTMLSelectElement>("guest"),
  controls: $<HTMLFormElement>("controls"),
  kernelRow: $("kernel-row"),
  kernelFile: $<HTMLInputElement>("kernel-file"),
  initrdRow: $("initrd-row"),
  initrdFile: $<HTMLInputElement>("initrd-file"),
  cmdlineRow: $("cmdline-row"),
  cmdline: $<HTMLInputElement>("cmdline"),
  start: $<HTMLButtonElement>("start"),
  pause: $<HTMLButtonElement>("pause"),
  stop: $<HTMLButtonElement>("stop"),
  state: $("state"),
  note: $("guest-note"),
  insns: $("c-insns"),
  mips: $("c-mips"),
  exits: $("c-exits"),
  rate: $("c-rate"),
  wall: $("c-wall"),
  exitTable: $<HTMLTableElement>("exit-table"),
  rngRun: $<HTMLButtonElement>("rng-run"),
  rngQuick: $<HTMLInputElement>("rng-quick"),
  rngStatus: $("rng-status"),
  rngChart: $<HTMLCanvasElement>("rng-chart"),
  rngTable: $<HTMLTableElement>("rng-table"),
};

// Compiled once; every VM (and every comparison run) gets the same module instead of refetching.
const core = WebAssembly.compileStreaming(fetch("build/wasmvisor.wasm"));
const term = new Terminal({
  convertEol: true, // bare-metal guests print "\n" alone
  cursorBlink: true,
  fontFamily: TERMINAL_FONT,
  fontSize: TERMINAL_FONT_SIZE,
  rows: 22,
  scrollback: 5000,
  theme: { background: "#11151c", foreground: "#d8dee9" },
});
const chart = new ExitRateChart($<HTMLCanvasElement>("exit-chart"));
const demo: DemoHandle = {
  terminalText: () => {
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n").trimEnd();
  },
  rngResults: undefined,
};
(window as unknown as { wasmvisorDemo: DemoHandle }).wasmvisorDemo = demo;

let choices: GuestChoice[] = [...BUILT_IN, FILE_CHOICE];
let vm: WorkerVm | undefined;
let runStartedAt = 0;
let lastSnapshot: LiveSnapshot | undefined;

// ---------------------------------------------------------------- guest choice

function fillGuestList(): void {
  ui.guest.replaceChildren(...choices.map((c) => new Option(c.label, c.id)));
  onGuestChange();
}

function selected(): GuestChoice {
  return choices.find((c) => c.id === ui.guest.value) ?? choices[0]!;
}

function onGuestChange(): void {
  const g = selected();
  ui.kernelRow.hidden = ui.initrdRow.hidden = g.kind !== "file";
  ui.cmdlineRow.hidden = g.kind === "elf";
  if (g.cmdline !== undefined) ui.cmdline.value = g.cmdline;
  ui.note.textContent = g.note;
}

async function addLinuxImages(): Promise<void> {
  try {
    const res = await fetch("linux/index.json");
    const names = res.ok ? ((await res.json()) as string[]) : [];
    const linux = names.map<GuestChoice>((name) => ({
      id: `linux:${name}`,
      label: `Linux ${name} (reference guest)`,
      kind: "linux",
      url: `linux/${name}`,
      cmdline: name === "Image-nofpu" ? "console=ttyS0 rngbytes=65536" : "console=ttyS0",
      note: name === "Image-nofpu"
        ? "Linux 6.1 with a one-program initramfs: prints INIT OK, reads /dev/hwrng, runs a CPU workload, powers off."
        : "Linux 6.1 with busybox (needs the F and D extensions): a shell on the console.",
    }));
    // Order: Linux first among the rest, so the reference guest is easy to find.
    choices = [...BUILT_IN, ...linux, FILE_CHOICE];
    const keep = ui.guest.value;
    fillGuestList();
    if (choices.some((c) => c.id === keep)) ui.guest.value = keep;
    onGuestChange();
  } catch {
    // No Linux images served: the bare-metal demos remain.
  }
}

// ---------------------------------------------------------------- VM lifecycle

function setState(state: "idle" | "booting" | "running" | "paused" | "stopped" | "error", text: string = state): void {
  ui.state.dataset.state = state;
  ui.state.textContent = text;
  const live = state === "running" || state === "paused";
  ui.pause.disabled = !live;
  ui.stop.disabled = !live && state !== "booting";
  ui.pause.textContent = state === "paused" ? "Resume" : "Pause";
}

function describe(result: VmResult): string {
  const r = result.reason;
  const secs = `${result.wallSeconds.toFixed(2)} s`;
  switch (r.kind) {
    case "tohost": return r.code === 0 ? `finished (exit 0) in ${secs}` : `failed (exit ${r.code}) after ${secs}`;
    case "poweroff": return `powered off after ${secs}`;
    case "reboot": return `rebooted (stopped) after ${secs}`;
    case "fail": return `failed (code ${r.code}) after ${secs}`;
    case "budget": return "instruction limit reached";
    case "timeout": return "timed out";
    case "stopped": return `stopped after ${secs}`;
    case "error": return `error: ${r.message}`;
  }
}

async function readFile(input: HTMLInputElement): Promise<Uint8Array | undefined> {
  const file = input.files?.[0];
  return file === undefined ? undefined : new Uint8Array(await file.arrayBuffer());
}

function isElf(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

async function start(): Promise<void> {
  const previous = vm;
  vm = undefined;
  await previous?.terminate();
  term.reset();
  chart.reset();
  resetCounters();
  setState("booting", "booting…");
  const g = selected();
  const options: WebWorkerVmOptions = { core: await core, workerUrl: WORKER_URL, snapshotEveryMs: 250 };
  try {
    if (g.kind === "elf") options.elf = g.url!;
    else if (g.kind === "linux") {
      options.kernel = g.url!;
      options.cmdline = ui.cmdline.value;
    } else {
      const kernel = await readFile(ui.kernelFile);
      if (kernel === undefined) throw new Error("choose a kernel file first");
      options.transfer = true; // our own copies: hand them over instead of copying again
      if (isElf(kernel)) options.elf = kernel;
      else {
        options.kernel = kernel;
        options.cmdline = ui.cmdline.value;
        const initrd = await readFile(ui.initrdFile);
        if (initrd !== undefined) options.initrd = initrd;
      }
    }
    const created = await createVmWorker(options);
    if (vm !== undefined || ui.state.dataset.state !== "booting") {
      await created.terminate(); // Start or Stop was pressed again while this one booted
      return;
    }
    vm = created;
  } catch (err) {
    term.write(`\x1b[31m${err instanceof Error ? err.message : String(err)}\x1b[0m\r\n`);
    setState("error", "could not start");
    return;
  }
  const mine = vm;
  mine.on("console", (b) => term.write(b));
  mine.on("snapshot", (s) => {
    if (vm === mine) showSnapshot(s);
  });
  mine.on("shutdown", (result) => {
    if (vm !== mine) return;
    ui.wall.textContent = `${result.wallSeconds.toFixed(2)} s`;
    setState(result.reason.kind === "error" ? "error" : "stopped", describe(result));
  });
  runStartedAt = performance.now();
  setState("running", "running");
  void mine.run();
  term.focus();
}

function resetCounters(): void {
  lastSnapshot = undefined;
  for (const el of [ui.insns, ui.mips, ui.exits, ui.rate, ui.wall]) el.textContent = "–";
  ui.exitTable.tBodies[0]!.replaceChildren();
}

function showSnapshot(s: LiveSnapshot): void {
  const exitRate = chart.push(s);
  ui.insns.textContent = count(s.instret);
  ui.exits.textContent = s.profile === undefined ? "off" : count(s.profile.exits);
  ui.rate.textContent = short(exitRate);
  if (lastSnapshot !== undefined && s.atMs > lastSnapshot.atMs) {
    ui.mips.textContent = ((s.instret - lastSnapshot.instret) / (s.atMs - lastSnapshot.atMs) / 1000).toFixed(1);
  } else if (s.profile !== undefined && s.profile.wallSeconds > 0) {
    ui.mips.textContent = (s.instret / s.profile.wallSeconds / 1e6).toFixed(1);
  }
  if (s.running) ui.wall.textContent = `${((performance.now() - runStartedAt) / 1000).toFixed(1)} s`;
  lastSnapshot = s;
  showProfileTable(s.profile);
}

function showProfileTable(profile: ProfileJson | undefined): void {
  const rows = (profile?.rows ?? []).slice(0, 8).map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.device = r.device ?? "";
    const cells: Array<[string, boolean]> = [
      [r.kind, false],
      [r.device ?? "–", false],
      [r.register ?? "–", false],
      [count(r.count), true],
      [r.hostNsMean === null ? "–" : count(r.hostNsMean), true],
      [r.insnsBetween < 100 ? r.insnsBetween.toFixed(1) : count(r.insnsBetween), true],
    ];
    for (const [text, num] of cells) {
      const td = tr.insertCell();
      td.textContent = text;
      if (num) td.className = "num";
    }
    return tr;
  });
  ui.exitTable.tBodies[0]!.replaceChildren(...rows);
}

// ---------------------------------------------------------------- RNG comparison

function rngSeries(results: RngMeasurement[], node: NodeRngRow[]): RngSeries[] {
  const series: RngSeries[] = RNG_DEVICES.map((device) => ({
    name: device,
    points: results.filter((r) => r.device === device).map((r) => [r.bufferBytes, r.bytesPerSec]),
  }));
  for (const device of RNG_DEVICES) {
    const points = node.filter((r) => r.device === device).map<[number, number]>((r) => [r.bufferBytes, r.bytesPerSec]);
    if (points.length > 0) series.push({ name: `${device} (Node, last run)`, color: device === "rngboi" ? "#f4a27a" : "#7fb0dc", dashed: true, points });
  }
  return series;
}

function rngTable(results: RngMeasurement[], node: NodeRngRow[]): void {
  const head = ["buffer", "rngboi", "virtio-rng", "virtio ÷ rngboi", "exits/KiB rngboi", "exits/KiB virtio"];
  if (node.length > 0) head.push("browser ÷ Node, rngboi", "browser ÷ Node, virtio");
  const tr = document.createElement("tr");
  head.forEach((h, i) => {
    const th = document.createElement("th");
    th.textContent = h;
    if (i > 0) th.className = "num";
    tr.append(th);
  });
  ui.rngTable.tHead!.replaceChildren(tr);
  const rows = RNG_SIZES.filter((size) => results.some((r) => r.bufferBytes === size)).map((size) => {
    const row = document.createElement("tr");
    row.dataset.bytes = String(size);
    const boi = results.find((r) => r.bufferBytes === size && r.device === "rngboi");
    const vio = results.find((r) => r.bufferBytes === size && r.device === "virtio-rng");
    const cell = (text: string, device?: string, bps?: number): void => {
      const td = row.insertCell();
      td.textContent = text;
      if (row.cells.length > 1) td.className = "num";
      if (device !== undefined) td.dataset.device = device;
      if (bps !== undefined) td.dataset.bps = String(Math.round(bps));
    };
    const ratio = (a?: number, b?: number): string => (a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(a / b < 10 ? 2 : 0)}×` : "…");
    cell(bytes(size));
    cell(boi === undefined ? "…" : byteRate(boi.bytesPerSec), "rngboi", boi?.bytesPerSec);
    cell(vio === undefined ? "…" : byteRate(vio.bytesPerSec), "virtio-rng", vio?.bytesPerSec);
    cell(ratio(vio?.bytesPerSec, boi?.bytesPerSec));
    cell(boi === undefined ? "…" : boi.exitsPerKiB.toFixed(2));
    cell(vio === undefined ? "…" : vio.exitsPerKiB.toFixed(2));
    if (node.length > 0) {
      const nodeOf = (device: string): number | undefined => node.find((r) => r.bufferBytes === size && r.device === device)?.bytesPerSec;
      cell(ratio(boi?.bytesPerSec, nodeOf("rngboi")));
      cell(ratio(vio?.bytesPerSec, nodeOf("virtio-rng")));
    }
    return row;
  });
  ui.rngTable.tBodies[0]!.replaceChildren(...rows);
}

async function runComparison(): Promise<void> {
  ui.rngRun.disabled = true;
  ui.rngStatus.dataset.state = "running";
  const node = await fetchNodeResults();
  const show = (results: RngMeasurement[]): void => {
    drawRngChart(ui.rngChart, rngSeries(results, node));
    rngTable(results, node);
  };
  try {
    const results = await runRngComparison({
      core: await core,
      workerUrl: RNG_WORKER_URL,
      quick: ui.rngQuick.checked,
      onProgress: (text, done) => {
        ui.rngStatus.textContent = `measuring: ${text}…`;
        show(done);
      },
    });
    demo.rngResults = results;
    show(results);
    const big = (d: string): number => results.find((r) => r.bufferBytes === 65536 && r.device === d)!.bytesPerSec;
    ui.rngStatus.textContent = `at 64 KiB virtio-rng delivers ${(big("virtio-rng") / big("rngboi")).toFixed(0)}× the bytes per second of rngboi` +
      (node.length > 0 ? "; dashed: Node's webcrypto rows from the last npm run bench:rng (quick or not: compare like with like)" : "");
    ui.rngStatus.dataset.state = "done";
  } catch (err) {
    ui.rngStatus.textContent = `failed: ${err instanceof Error ? err.message : String(err)}`;
    ui.rngStatus.dataset.state = "error";
  } finally {
    ui.rngRun.disabled = false;
  }
}

// ---------------------------------------------------------------- wiring

function fitTerminal(): void {
  // Columns from the container width and the font's advance, so no fit add-on is needed.
  const probe = document.createElement("canvas").getContext("2d")!;
  probe.font = `${TERMINAL_FONT_SIZE}px ${TERMINAL_FONT}`;
  const cell = probe.measureText("W").width || 8;
  const box = $("terminal");
  const cols = Math.max(40, Math.floor((box.clientWidth - 24) / cell) - 1);
  if (cols !== term.cols) term.resize(cols, term.rows);
}

term.open($("terminal"));
fitTerminal();
term.onData((data) => vm?.sendInput(data));
term.write("\x1b[90mChoose a guest and press Start.\x1b[0m\r\n");
ui.guest.addEventListener("change", onGuestChange);
ui.controls.addEventListener("submit", (e) => {
  e.preventDefault();
  void start();
});
ui.pause.addEventListener("click", () => {
  if (vm === undefined) return;
  if (vm.paused) {
    vm.resume();
    setState("running");
  } else {
    vm.pause();
    setState("paused");
  }
  term.focus();
});
ui.stop.addEventListener("click", () => {
  if (vm !== undefined) vm.stop();
  else setState("idle"); // still booting: start() drops the VM when it arrives
});
ui.rngRun.addEventListener("click", () => void runComparison());
window.addEventListener("resize", () => {
  fitTerminal();
  chart.draw();
  if (demo.rngResults !== undefined) drawRngChart(ui.rngChart, rngSeries(demo.rngResults, []));
});
fillGuestList();
drawRngChart(ui.rngChart, []);
setState("idle");
void addLinuxImages();
