// device-state.ts — a device's guest-visible state as plain data, for snapshots: saveState() / loadState(), checked field by field.
//
// Values are JSON-like (numbers, strings, booleans, arrays, objects) plus byte arrays, which
// the snapshot writer encodes. loadState() reads through StateReader, which refuses a missing or
// out-of-range field with DeviceStateError: a snapshot may be crafted, so a device never trusts
// one more than it trusts the guest.

export type StateValue = number | string | boolean | null | Uint8Array | StateValue[] | { [key: string]: StateValue };
export type DeviceState = { [key: string]: StateValue };

/** A device whose state a snapshot saves and restores. */
export interface StatefulDevice {
  saveState(): DeviceState;
  /** Install a saved state; throws DeviceStateError for a malformed one. */
  loadState(state: DeviceState): void;
}

export class DeviceStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeviceStateError";
  }
}

/** Typed, checked access to the fields of a saved state. */
export class StateReader {
  constructor(
    private readonly state: DeviceState,
    private readonly what: string,
  ) {}

  int(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.state[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw this.bad(key);
    return v;
  }
  bool(key: string): boolean {
    const v = this.state[key];
    if (typeof v !== "boolean") throw this.bad(key);
    return v;
  }
  bytes(key: string, maxLength = Number.MAX_SAFE_INTEGER): Uint8Array {
    const v = this.state[key];
    if (!(v instanceof Uint8Array) || v.length > maxLength) throw this.bad(key);
    return v;
  }
  /** A bigint saved as a decimal string (64-bit values do not fit a JSON number). */
  big(key: string, bits = 64): bigint {
    const v = this.state[key];
    if (typeof v !== "string" || !/^[0-9]+$/.test(v)) throw this.bad(key);
    const n = BigInt(v);
    if (n >= 1n << BigInt(bits)) throw this.bad(key);
    return n;
  }
  list(key: string, maxLength: number): StateValue[] {
    const v = this.state[key];
    if (!Array.isArray(v) || v.length > maxLength) throw this.bad(key);
    return v;
  }
  object(key: string): StateReader {
    return new StateReader(this.record(key), `${this.what}.${key}`);
  }
  /** A nested state as it is (for handing to another device's loadState). */
  record(key: string): DeviceState {
    const v = this.state[key];
    if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) throw this.bad(key);
    return v;
  }
  private bad(key: string): DeviceStateError {
    return new DeviceStateError(`${this.what}: field ${key} is missing or out of range`);
  }
}

/** A reader over a list element (an object). */
export function readerOf(value: StateValue, what: string): StateReader {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new DeviceStateError(`${what} is not an object`);
  }
  return new StateReader(value, what);
}
