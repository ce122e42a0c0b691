// exit.ts — the exit record: how run() tells the host why it stopped, without a call per field.
import {
  EXIT_ADDR, EXIT_DATA, EXIT_KIND, EXIT_MSG, EXIT_MSG_LEN, EXIT_MSG_MAX, EXIT_PC, EXIT_SIZE,
  EXIT_INTERNAL_ERROR, EXIT_NONE,
} from "./layout";
import { endChunk } from "./cpu/state";
import { put, take } from "./state-io";

/** Why the current instruction stopped early: nothing, a trap was taken, or the VCPU must exit. */
export const STOP_NONE: i32 = 0;
export const STOP_TRAP: i32 = 1;
export const STOP_EXIT: i32 = 2;
export let stop: i32 = STOP_NONE;
export let exitKind: i32 = EXIT_NONE;

/**
 * An MMIO read waiting for setData(): the destination register, whether it is an f register
 * (an FP load) or an x register, and the load's funct3 (width and, for integer loads, sign).
 */
export let pendingRd: u32 = 0;
export let pendingFunct3: u32 = 0;
export let pendingFp: bool = false;
export let pendingRead: bool = false;

export function requestExit(kind: i32, gpa: u64, size: u32, data: u64, atPc: u64): void {
  store<u32>(EXIT_KIND, kind);
  store<u32>(EXIT_SIZE, size);
  store<u64>(EXIT_ADDR, gpa);
  store<u64>(EXIT_DATA, data);
  store<u64>(EXIT_PC, atPc);
  exitKind = kind;
  stop = STOP_EXIT;
}

/**
 * The instruction that made the last MMIO exit (read or write) has not retired yet: it left the
 * count when it exited, and retires when run() resumes the VCPU, or never if faultLastAccess
 * turns it into an access fault. So EXIT_INSNS and minstret count a completed MMIO access once
 * (in the run after its exit) and a faulted one never.
 */
export let mmioInFlight: bool = false;

export function setPendingRead(rd: u32, funct3: u32, fp: bool): void {
  pendingRd = rd;
  pendingFunct3 = funct3;
  pendingFp = fp;
  pendingRead = true;
}

export function clearPendingRead(): void {
  pendingRead = false;
}

/** The MMIO exit's instruction is settled (retired, faulted, or the VCPU reset). */
export function clearMmioInFlight(): void {
  mmioInFlight = false;
  pendingRead = false;
}

/** Stop with an internal error; the message is copied into the exit record as ASCII. */
export function internalError(msg: string, atPc: u64): void {
  const n = min(<u32>msg.length, EXIT_MSG_MAX);
  for (let i: u32 = 0; i < n; i++) store<u8>(EXIT_MSG + i, <u8>msg.charCodeAt(i));
  store<u32>(EXIT_MSG_LEN, n);
  requestExit(EXIT_INTERNAL_ERROR, 0, 0, 0, atPc);
  endChunk(); // end the chunk now: run() returns the exit
}

/** Snapshot: an MMIO access between its exit and the next run (its read value pending, or waiting to retire). */
export function saveExitState(): void {
  put((pendingRead ? 1 : 0) | (pendingFp ? 2 : 0) | (mmioInFlight ? 4 : 0));
  put(<u64>pendingRd);
  put(<u64>pendingFunct3);
}

export function loadExitState(length: u32): void {
  const flags = take(length);
  pendingRead = (flags & 1) != 0;
  pendingFp = (flags & 2) != 0;
  mmioInFlight = (flags & 4) != 0;
  pendingRd = <u32>take(length) & 31;
  pendingFunct3 = <u32>take(length) & 7;
}
