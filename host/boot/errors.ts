// errors.ts — BootError: the one error family for "this guest image cannot be loaded", so callers can tell it from bugs.
//
// The CLI maps every BootError to "bad input" (exit status 2) and prints its message as one line,
// so each message must name the problem on its own, without a stack trace to explain it.

/** A guest image (ELF, raw binary, ...) is malformed or does not fit the VM. */
export class BootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BootError";
  }
}
