// `cachesim compare a.csv b.csv`: reads two reports, prints their differences and turns the outcome into
// an exit code a script or CI job can test. User mistakes print one line naming the file, never a stack.
import * as fsp from "node:fs/promises";
import { CompareError, compareCsv, formatCompare } from "./compare.ts";

export const COMPARE_EXIT_SAME = 0;
export const COMPARE_EXIT_DIFFERENT = 1;
export const COMPARE_EXIT_BAD_INPUT = 2;

export interface RunCompareOptions {
  tolerance: number;
  absTolerance: number;
  /** Where output goes; defaults to process.stdout / process.stderr. Tests pass their own. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** 0: nothing differs beyond tolerance; 1: something does; 2: bad input (missing file, not CSV, ...). */
export async function runCompare(aPath: string, bPath: string, opts: RunCompareOptions): Promise<number> {
  const stdout = opts.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = opts.stderr ?? ((text: string) => process.stderr.write(text));
  try {
    const aText = await readReport(aPath);
    const bText = await readReport(bPath);
    const result = compareCsv(aText, bText, {
      tolerance: opts.tolerance,
      absTolerance: opts.absTolerance,
      aName: aPath,
      bName: bPath,
    });
    stdout(`${formatCompare(result, aPath, bPath)}\n`);
    return result.withinTolerance ? COMPARE_EXIT_SAME : COMPARE_EXIT_DIFFERENT;
  } catch (error) {
    if (!(error instanceof CompareError)) throw error;
    stderr(`cachesim compare: ${error.message}\n`);
    return COMPARE_EXIT_BAD_INPUT;
  }
}

const READ_ERROR_REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "is a directory, expected a CSV file",
  EACCES: "permission denied",
};

async function readReport(filePath: string): Promise<string> {
  try {
    return await fsp.readFile(filePath, "utf8");
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    const reason = READ_ERROR_REASONS[code] ?? (error instanceof Error ? error.message : String(error));
    throw new CompareError(`cannot read ${filePath}: ${reason}`);
  }
}
