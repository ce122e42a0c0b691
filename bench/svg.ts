// svg.ts — a small log-log line chart as SVG text, for benchmark results (no dependencies).

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Both axes logarithmic: throughput against sizes spanning orders of magnitude. */
export function logLogChart(series: Series[], opts: ChartOptions): string {
  const w = opts.width ?? 720;
  const h = opts.height ?? 420;
  const m = { left: 80, right: 200, top: 40, bottom: 56 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  const lx = all.map(([x]) => Math.log10(x));
  const ly = all.map(([, y]) => Math.log10(y));
  const x0 = Math.floor(Math.min(...lx));
  const x1 = Math.ceil(Math.max(...lx));
  const y0 = Math.floor(Math.min(...ly));
  const y1 = Math.ceil(Math.max(...ly));
  const px = (x: number): number => m.left + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * (w - m.left - m.right);
  const py = (y: number): number => h - m.bottom - ((Math.log10(y) - y0) / Math.max(1, y1 - y0)) * (h - m.top - m.bottom);
  const fx = opts.formatX ?? ((v: number) => String(v));
  const fy = opts.formatY ?? ((v: number) => String(v));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`,
  ];
  for (let e = x0; e <= x1; e++) {
    const x = px(10 ** e);
    parts.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${h - m.bottom}" stroke="#ddd"/>`,
      `<text x="${x}" y="${h - m.bottom + 18}" text-anchor="middle">${esc(fx(10 ** e))}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    parts.push(`<line x1="${m.left}" y1="${y}" x2="${w - m.right}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${m.left - 8}" y="${y + 4}" text-anchor="end">${esc(fy(10 ** e))}</text>`);
  }
  parts.push(`<text x="${(m.left + w - m.right) / 2}" y="${h - 14}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text transform="translate(18 ${(m.top + h - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${pts.map(([x, y]) => `${px(x)},${py(y)}`).join(" ")}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${px(x)}" cy="${py(y)}" r="4" fill="${s.color}"/>`);
    const ly2 = m.top + 10 + i * 22;
    parts.push(`<line x1="${w - m.right + 14}" y1="${ly2}" x2="${w - m.right + 40}" y2="${ly2}" stroke="${s.color}" stroke-width="2.5"/>`,
      `<text x="${w - m.right + 46}" y="${ly2 + 4}">${esc(s.name)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** Bytes as B / KiB / MiB. */
export function formatBytes(v: number): string {
  if (v >= 1 << 20) return `${+(v / (1 << 20)).toPrecision(3)} MiB`;
  if (v >= 1024) return `${+(v / 1024).toPrecision(3)} KiB`;
  return `${+v.toPrecision(3)} B`;
}
