// Files a scenario names (an empirical latency table) are found relative to the scenario file's own
// folder, as a trace's are, or where an absolute name says. Option schemas are built once, before any
// file is known, so the loader runs its parse inside `inScenarioFolder(file, ...)` and a schema that
// reads a file resolves the name with `scenarioPath`; a schema used on its own (a test, a tool) resolves
// against the working folder. A problem found inside such a file is reported at its own file:line:col:
// the schema raises it with `inFileIssue` and the loader reads the location back with `inFileOf`.
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";

const folder = new AsyncLocalStorage<string>();

/** Runs `parse` with names in the scenario resolved against the folder of `scenarioFile`. */
export function inScenarioFolder<T>(scenarioFile: string, parse: () => T): T {
  return folder.run(path.dirname(scenarioFile), parse);
}

/** Where a file named in the scenario is: as written when absolute, else in the scenario's folder. */
export function scenarioPath(name: string): string {
  return path.resolve(folder.getStore() ?? ".", name);
}

/** How messages name such a file: relative to the working folder when below it, as a user would type it. */
export function shownPath(resolved: string): string {
  const shown = path.relative(process.cwd(), resolved);
  return shown === "" || shown.startsWith("..") ? resolved : shown;
}

/** A place in a file a scenario names, and the text found there. */
export interface FileLocation {
  file: string;
  line: number;
  column: number;
  found: string;
}

/**
 * A zod issue about a file the field names: its path is the field's, its message `expected ...`, and
 * the location is that of the mistake inside the file.
 */
export function inFileIssue(expected: string, at: FileLocation) {
  return {
    code: "custom" as const,
    message: `expected ${expected}`,
    params: { inFile: at },
    input: at.found,
  };
}

/** The location an issue raised by inFileIssue carries; undefined for every other issue. */
export function inFileOf(issue: { code: string; params?: unknown }): FileLocation | undefined {
  if (issue.code !== "custom") return undefined;
  return (issue.params as { inFile?: FileLocation } | undefined)?.inFile;
}
