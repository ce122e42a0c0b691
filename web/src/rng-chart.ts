// rng-chart.ts — the RNG comparison as a log-log canvas chart (bytes/s against buffer size), like bench/rng.ts's SVG.
import { colorFor, GRID, MUTED, plotOn } from "./canvas.js";
import { axisRate, bytes } from "./format.js";

export interface RngSeries {
  name: string;
  color?: string;
  dashed?: boolean;
  points: Array<[number, number]>;
}

export function drawRngChart(canvas: HTMLCanvasElement, series: readonly RngSeries[]): void {
  const { ctx, width, height } = plotOn(canvas);
  canvas.dataset.series = series.filter((s) => s.points.length > 0).map((s) => s.name).join(",");
  canvas.dataset.points = JSON.stringify(Object.fromEntries(series.map((s) => [s.name, s.points])));
  const m = { left: 72, right: 190, top: 16, bottom: 34 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (all.length === 0) {
    ctx.fillStyle = MUTED;
    ctx.textAlign = "center";
    ctx.fillText("run the comparison to see bytes per second at 16 B … 64 KiB", width / 2, height / 2);
    return;
  }
  const lx = all.map(([x]) => Math.log10(x));
  const ly = all.map(([, y]) => Math.log10(y));
  const x0 = Math.floor(Math.min(...lx, Math.log10(16)));
  const x1 = Math.ceil(Math.max(...lx, Math.log10(65536)));
  const y0 = Math.floor(Math.min(...ly));
  const y1 = Math.max(y0 + 1, Math.ceil(Math.max(...ly)));
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const px = (v: number): number => m.left + ((Math.log10(v) - x0) / (x1 - x0)) * plotW;
  const py = (v: number): number => m.top + plotH - ((Math.log10(v) - y0) / (y1 - y0)) * plotH;

  ctx.strokeStyle = GRID;
  ctx.fillStyle = MUTED;
  ctx.textAlign = "right";
  for (let e = y0; e <= y1; e++) {
    ctx.beginPath();
    ctx.moveTo(m.left, py(10 ** e));
    ctx.lineTo(m.left + plotW, py(10 ** e));
    ctx.stroke();
    ctx.fillText(axisRate(10 ** e), m.left - 8, py(10 ** e));
  }
  ctx.textAlign = "center";
  for (const size of [16, 64, 256, 1024, 4096, 16384, 65536]) {
    if (Math.log10(size) < x0 || Math.log10(size) > x1) continue;
    ctx.beginPath();
    ctx.moveTo(px(size), m.top);
    ctx.lineTo(px(size), m.top + plotH);
    ctx.stroke();
    ctx.fillText(bytes(size), px(size), height - 14);
  }

  series.forEach((s, i) => {
    const color = s.color ?? colorFor(s.name);
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [6, 4] : []);
    ctx.beginPath();
    s.points.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
    ctx.stroke();
    ctx.setLineDash([]);
    for (const [x, y] of s.points) {
      ctx.beginPath();
      ctx.arc(px(x), py(y), s.dashed ? 2.5 : 4, 0, 2 * Math.PI);
      ctx.fill();
    }
    const ly = m.top + 8 + i * 20;
    ctx.fillRect(width - m.right + 14, ly - 1, 18, 3);
    ctx.fillStyle = "#1d2330";
    ctx.textAlign = "left";
    ctx.fillText(s.name, width - m.right + 38, ly);
  });
  ctx.lineWidth = 1;
}
