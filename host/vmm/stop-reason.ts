// stop-reason.ts — why a run ended, in the one vocabulary the run loop, the devices that stop it and every caller share.

/** How a guest asked the platform to stop (the syscon finisher or SBI SRST). */
export type ShutdownKind = "poweroff" | "reboot" | "fail";

export type StopReason =
  | { kind: "poweroff" }
  | { kind: "reboot" }
  | { kind: "fail"; code: number }
  | { kind: "tohost"; code: number }
  | { kind: "budget"; maxInsns: bigint }
  | { kind: "timeout"; ms: number }
  | { kind: "stopped" }
  | { kind: "error"; message: string };

/** The StopReason for a guest's shutdown request. */
export function shutdownReason(kind: ShutdownKind, code: number): StopReason {
  return kind === "fail" ? { kind, code } : { kind };
}
