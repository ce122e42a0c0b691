// input-file.ts — read a file the user named (a guest image, firmware): a one-line error naming the file when it cannot be read.
import { readFile } from "node:fs/promises";
import { BootError } from "../../boot/errors.js";

/** A file named by the user cannot be read (bad input: the CLI exits with status 2). */
export class InputFileError extends BootError {
  constructor(message: string) {
    super(message);
    this.name = "InputFileError";
  }
}

/** Why a file operation failed, in a few words ("no such file", "permission denied"). */
export function fileErrorText(err: unknown): string {
  const code = err instanceof Error && "code" in err ? String(err.code) : "";
  return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory"
    : code === "EACCES" ? "permission denied" : err instanceof Error ? err.message : String(err);
}

export async function readInputFile(path: string | URL): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new InputFileError(`cannot read ${path instanceof URL ? path.pathname : path}: ${fileErrorText(err)}`);
  }
}
