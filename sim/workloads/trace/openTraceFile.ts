// Opening a trace file, with the reason in words when it cannot be (shared by every byte source).
import { openSync } from "node:fs";
import { traceError } from "./traceError.ts";

/** Opens a trace file for reading, or says in words why it cannot be (no such file, a directory, ...). */
export function openTraceFile(file: string): number {
  try {
    return openSync(file, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such trace file"
        : code === "EISDIR"
          ? "cannot read the trace: it is a directory, not a file"
          : code === "EACCES" || code === "EPERM"
            ? "cannot read the trace: permission denied"
            : `cannot read the trace: ${error instanceof Error ? error.message : String(error)}`;
    throw traceError(file, "", reason);
  }
}
