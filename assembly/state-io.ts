// state-io.ts — a cursor over the snapshot area: put()/take() 64-bit fields, so each module saves and loads its own private state.
import { SNAPSHOT_BASE, SNAPSHOT_BYTES } from "./layout";

let cursor: u32 = SNAPSHOT_BASE;
let overrun: bool = false;

/** Start writing (or reading) at the beginning of the snapshot area. */
export function rewind(): void {
  cursor = SNAPSHOT_BASE;
  overrun = false;
}

/** Bytes written or read since rewind(). */
export function used(): u32 {
  return cursor - SNAPSHOT_BASE;
}

/** A field did not fit (or was missing): the record is unusable. */
export function overran(): bool {
  return overrun;
}

export function put(v: u64): void {
  if (cursor + 8 > SNAPSHOT_BASE + SNAPSHOT_BYTES) {
    overrun = true;
    return;
  }
  store<u64>(cursor, v);
  cursor += 8;
}

/** The next field; 0 (and overran()) past the end of what `length` bytes hold. */
export function take(length: u32): u64 {
  if (cursor + 8 > SNAPSHOT_BASE + min(length, SNAPSHOT_BYTES)) {
    overrun = true;
    return 0;
  }
  const v = load<u64>(cursor);
  cursor += 8;
  return v;
}
