// format.ts — numbers for people: counts with separators, rates with k/M, byte sizes; locale-independent so tests can read them.

/** 1234567 → "1,234,567". */
export function count(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 1234567 → "1.23M"; for axes and rates. */
export function short(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return a >= 10 || a === 0 ? String(Math.round(n)) : n.toPrecision(2);
}

/** 65536 → "64 KiB". */
export function bytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n >> 10} KiB`;
  return `${n} B`;
}

/** Bytes per second as bench/rng.ts prints them: "1.23 MB/s", "456.7 KB/s". */
export function byteRate(bps: number): string {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} MB/s` : `${(bps / 1e3).toFixed(1)} KB/s`;
}

/** A round rate for a log axis: 1e9 → "1 GB/s", 1e5 → "100 KB/s". */
export function axisRate(bps: number): string {
  if (bps >= 1e9) return `${short(bps / 1e9)} GB/s`;
  if (bps >= 1e6) return `${short(bps / 1e6)} MB/s`;
  if (bps >= 1e3) return `${short(bps / 1e3)} KB/s`;
  return `${short(bps)} B/s`;
}
