// hex.ts — how guest addresses and sizes are written in every message: 0x-prefixed lowercase hex, as readelf shows them.

export function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}
