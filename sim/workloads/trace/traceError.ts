// A problem with a trace file: the file, the line (or record) and what was wrong, as a scenario error,
// so the command line prints it without a stack trace and exits 2, and the run writes nothing.
import { problemMessage, ScenarioError } from "../../spec/errors.ts";

/** `where` is "line 12" or "record 7" (1-based), or "" for the file as a whole. */
export function traceError(file: string, where: string, message: string): ScenarioError {
  return new ScenarioError([
    problemMessage(file, "", undefined, where === "" ? message : `${where}: ${message}`),
  ]);
}
