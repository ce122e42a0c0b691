// exit-chart.ts — exits per second by device over time, drawn on a canvas from the worker's profile snapshots.
//
// Rates come from differences between consecutive snapshots (counts and the worker's clock),
// so the chart needs nothing the snapshots do not already carry.
import type { ProfileJson } from "../../host/profile/report.js";
import type { LiveSnapshot } from "../../host/api/worker/protocol.js";
import { colorFor, GRID, MUTED, niceMax, plotOn } from "./canvas.js";
import { short } from "./format.js";

const WINDOW_MS = 30_000;

/** The series a profile row belongs to: its device, or for deviceless exits a short kind name. */
export function seriesOf(row: ProfileJson["rows"][number]): string {
  if (row.device !== null) return row.device;
  if (row.kind === "Wfi") return "WFI";
  if (row.kind === "BudgetExhausted") return "budget";
  return row.kind;
}

function countsBySeries(profile: ProfileJson | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of profile?.rows ?? []) counts.set(seriesOf(row), (counts.get(seriesOf(row)) ?? 0) + row.count);
  return counts;
}

interface Sample {
  atMs: number;
  rates: Map<string, number>;
}

export class ExitRateChart {
  private samples: Sample[] = [];
  private prev: { atMs: number; counts: Map<string, number> } | undefined;
  /** Every series seen this run, in first-seen order (legend order stays put). */
  private readonly names: string[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.draw();
  }

  reset(): void {
    this.samples = [];
    this.prev = undefined;
    this.names.length = 0;
    this.draw();
  }

  /** Add a snapshot; returns the total exits per second since the previous one. */
  push(snapshot: LiveSnapshot): number {
    const counts = countsBySeries(snapshot.profile);
    // The first snapshot of a run covers the time since the run began.
    const sinceMs = this.prev === undefined ? (snapshot.profile?.wallSeconds ?? 0) * 1000 : snapshot.atMs - this.prev.atMs;
    const rates = new Map<string, number>();
    let total = 0;
    if (sinceMs > 0) {
      for (const [name, n] of counts) {
        const rate = ((n - (this.prev?.counts.get(name) ?? 0)) * 1000) / sinceMs;
        rates.set(name, rate);
        total += rate;
        if (!this.names.includes(name)) this.names.push(name);
      }
      this.samples.push({ atMs: snapshot.atMs, rates });
      while (this.samples.length > 2 && snapshot.atMs - this.samples[0]!.atMs > WINDOW_MS) this.samples.shift();
    }
    this.prev = { atMs: snapshot.atMs, counts };
    this.draw();
    return total;
  }

  draw(): void {
    const { ctx, width, height } = plotOn(this.canvas);
    this.canvas.dataset.devices = this.names.join(",");
    const m = { left: 52, right: 132, top: 14, bottom: 24 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const last = this.samples.at(-1);
    const t1 = last?.atMs ?? 0;
    const t0 = t1 - WINDOW_MS;
    let max = 0;
    for (const s of this.samples) for (const v of s.rates.values()) max = Math.max(max, v);
    const yMax = niceMax(max);
    const x = (t: number): number => m.left + ((t - t0) / WINDOW_MS) * plotW;
    const y = (v: number): number => m.top + plotH - (v / yMax) * plotH;

    ctx.strokeStyle = GRID;
    ctx.fillStyle = MUTED;
    ctx.textAlign = "right";
    for (let i = 0; i <= 4; i++) {
      const v = (yMax * i) / 4;
      ctx.beginPath();
      ctx.moveTo(m.left, y(v));
      ctx.lineTo(m.left + plotW, y(v));
      ctx.stroke();
      ctx.fillText(short(v), m.left - 6, y(v));
    }
    ctx.textAlign = "center";
    for (let s = 0; s <= 30; s += 10) ctx.fillText(s === 0 ? "now" : `-${s} s`, x(t1 - s * 1000), height - 10);
    if (this.samples.length === 0) {
      ctx.fillText("start a guest to see its exits", m.left + plotW / 2, m.top + plotH / 2);
      return;
    }

    ctx.lineWidth = 2;
    ctx.lineJoin = "round";
    this.names.forEach((name, i) => {
      ctx.strokeStyle = colorFor(name);
      ctx.beginPath();
      this.samples.forEach((s, j) => {
        const px = x(s.atMs);
        const py = y(s.rates.get(name) ?? 0);
        if (j === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      });
      if (this.samples.length === 1) ctx.arc(x(t1), y(last!.rates.get(name) ?? 0), 2, 0, 2 * Math.PI);
      ctx.stroke();
      // Legend: name and current rate.
      const ly = m.top + 8 + i * 18;
      ctx.fillStyle = colorFor(name);
      ctx.fillRect(width - m.right + 12, ly - 5, 10, 10);
      ctx.fillStyle = "#1d2330";
      ctx.textAlign = "left";
      ctx.fillText(`${name}  ${short(last!.rates.get(name) ?? 0)}/s`, width - m.right + 28, ly);
    });
    ctx.lineWidth = 1;
  }
}
