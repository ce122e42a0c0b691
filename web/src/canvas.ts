// canvas.ts — a canvas sized to its CSS box at the device's pixel ratio, so charts stay sharp on any screen.

export interface Plot {
  ctx: CanvasRenderingContext2D;
  /** CSS pixels. */
  width: number;
  height: number;
}

export function plotOn(canvas: HTMLCanvasElement): Plot {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 260;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = "12px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  return { ctx, width, height };
}

/** A round axis maximum at or above `v` (1, 2, 5 × 10^n). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export const MUTED = "#5f6b7a";
export const GRID = "#e9ecef";

/** A stable colour per device name, so a device keeps its colour across runs. */
const KNOWN: Record<string, string> = {
  rngboi: "#d9480f",
  "virtio-rng": "#1864ab",
  uart0: "#2b8a3e",
  sbi: "#7048e8",
  htif: "#868e96",
  WFI: "#adb5bd",
  budget: "#ced4da",
};
const PALETTE = ["#0c8599", "#c2255c", "#e67700", "#5c940d", "#364fc7", "#862e9c"];

export function colorFor(name: string): string {
  const known = KNOWN[name] ?? (name.startsWith("virtio") ? "#1864ab" : undefined);
  if (known !== undefined) return known;
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}
