// A table of measured latencies, as the `empirical` model replays them: every distinct latency (whole
// µs, ascending) with how many times it was measured. Read from a CSV file when the scenario is loaded,
// or built from a list a scenario writes inline. The file is CSV with a header line whose first column
// names the unit by its suffix, in one of two shapes:
//   latency_us          one measured latency a line (`_us`, `_ms` or `_s`; `latency_ms` with 0.25)
//   value_us,count      a histogram: a latency and how many times it was measured
// Values are exact decimals in the header's unit that come to whole microseconds (0.25 in ms is 250us;
// 0.2505 is refused, never rounded); counts are whole numbers (0 allowed, but not in every row). Blank
// lines are skipped; fields may be quoted. Only regular files are read, and never more than
// LIMITS.latencyFileBytes or LIMITS.latencyRows, counted as the file is parsed.
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import type * as CsvParse from "csv-parse/sync";
import { onFirstUse } from "../../core/onFirstUse.ts";
import { type FileLocation, scenarioPath, shownPath } from "../../plugin/scenarioFiles.ts";
import { formatDurationUs, parseDuration } from "../../spec/duration.ts";
import { formatCount, quote } from "../../spec/errors.ts";
import { LIMITS } from "../../spec/limits.ts";

const csvParse = onFirstUse<typeof CsvParse>("csv-parse/sync");

export interface LatencyTable {
  /** Distinct latencies, ascending, in whole microseconds. */
  valuesUs: number[];
  /** How many times each was measured; all positive, their sum at most 2^53 - 1. */
  counts: number[];
}

/** What went wrong: `at` is the place inside the file; without it, the field that names the file. */
export interface TableProblem {
  expected: string;
  at?: FileLocation;
}

export type TableResult = { ok: true; table: LatencyTable } | { ok: false; problem: TableProblem };

const UNITS = { us: "us", ms: "ms", s: "s" } as const;
type Unit = keyof typeof UNITS;
const HEADER = /^[A-Za-z][A-Za-z0-9_]*_(us|ms|s)$/;
const EXPECTED_HEADER = "a header naming the unit, such as latency_us, latency_ms or value_us,count";

/** Collapses (latency, count) pairs into a table: distinct values ascending, counts summed. */
export function tableOf(pairs: Iterable<readonly [number, number]>): LatencyTable {
  const byValue = new Map<number, number>();
  for (const [valueUs, count] of pairs) countInto(byValue, valueUs, count);
  return tableFrom(byValue);
}

function countInto(byValue: Map<number, number>, valueUs: number, count: number): void {
  if (count > 0) byValue.set(valueUs, (byValue.get(valueUs) ?? 0) + count);
}

function tableFrom(byValue: ReadonlyMap<number, number>): LatencyTable {
  const valuesUs = [...byValue.keys()].sort((a, b) => a - b);
  return { valuesUs, counts: valuesUs.map((v) => byValue.get(v) as number) };
}

/** A latency in `unit` as the file writes it ("250", "0.25"), exactly in µs; undefined if it is not one. */
function latencyUs(cell: string, unit: Unit): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(cell)) return undefined;
  const parsed = parseDuration(`${cell}${UNITS[unit]}`);
  return parsed.ok && parsed.us <= LIMITS.durationUs ? parsed.us : undefined;
}

class Refused extends Error {
  constructor(readonly problem: TableProblem) {
    super(problem.expected);
  }
}

/** Reads the file a scenario names (relative to the scenario's folder) into a table. */
export function readLatencyTable(name: string): TableResult {
  const resolved = scenarioPath(name);
  const file = shownPath(resolved);
  const text = readText(resolved, file);
  if (!text.ok) return text;
  try {
    return { ok: true, table: parseLatencyCsv(text.text, file) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problem: error.problem };
    throw error;
  }
}

/** The CSV text of a latency table (`file` names it in messages). Throws Refused. */
function parseLatencyCsv(text: string, file: string): LatencyTable {
  const at = (line: number, found: string, column = 1): FileLocation => ({ file, line, column, found });
  let unit: Unit = "us";
  let histogram = false;
  let rows = 0;
  let total = 0;
  // Memory follows the distinct latencies, not the rows.
  const byValue = new Map<number, number>();
  const onRecord = (record: string[], context: { lines: number }) => {
    const line = context.lines;
    if (rows === 0) {
      const header = HEADER.exec(record[0] ?? "");
      const second = record[1];
      if (header === null || record.length > 2 || (second !== undefined && second !== "count")) {
        throw new Refused({ expected: EXPECTED_HEADER, at: at(line, quote(record.join(","))) });
      }
      unit = header[1] as Unit;
      histogram = record.length === 2;
      rows = 1;
      return null;
    }
    rows += 1;
    if (rows - 1 > LIMITS.latencyRows) {
      const expected = `at most ${formatCount(LIMITS.latencyRows)} rows of latencies (a histogram of value_us,count rows holds any number of measurements in few rows)`;
      throw new Refused({ expected, at: at(line, "more") });
    }
    const width = histogram ? 2 : 1;
    if (record.length !== width) {
      const expected = histogram ? `two fields, a latency in ${unit} and a count` : `one latency in ${unit}`;
      throw new Refused({ expected, at: at(line, `${record.length} fields: ${quote(record.join(","))}`) });
    }
    const cell = record[0] as string;
    const us = latencyUs(cell, unit);
    if (us === undefined) {
      const example = unit === "us" ? "250" : unit === "ms" ? "0.25" : "0.00025";
      const expected = `a latency in ${unit} such as ${example} (whole microseconds, at most ${formatDurationUs(LIMITS.durationUs)})`;
      throw new Refused({ expected, at: at(line, quote(cell)) });
    }
    let count = 1;
    if (histogram) {
      const countCell = record[1] as string;
      count = /^\d+$/.test(countCell) ? Number(countCell) : Number.NaN;
      // The column is where the count begins: the latency, its comma, then the count (unquoted).
      const column = cell.length + 2;
      if (!Number.isSafeInteger(count)) {
        throw new Refused({
          expected: "a count, a whole number of at least 0",
          at: at(line, quote(countCell), column),
        });
      }
      if (total + count > Number.MAX_SAFE_INTEGER) {
        const expected = `counts that add up to at most ${formatCount(Number.MAX_SAFE_INTEGER)}`;
        throw new Refused({ expected, at: at(line, quote(countCell), column) });
      }
    }
    total += count;
    countInto(byValue, us, count);
    return null;
  };
  try {
    csvParse().parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      on_record: onRecord as never,
    });
  } catch (error) {
    if (error instanceof Refused) throw error;
    const e = error as { message?: string; lines?: number };
    const reason = (e.message ?? String(error)).replace(/^[A-Za-z ]+: /, "");
    throw new Refused({ expected: "CSV text", at: at(e.lines ?? 1, `invalid CSV (${reason})`) });
  }
  if (rows === 0) throw new Refused({ expected: EXPECTED_HEADER, at: at(1, "an empty file") });
  if (total === 0) {
    const expected = histogram ? "at least one latency with a count above 0" : "at least one latency";
    throw new Refused({ expected, at: at(1, "none") });
  }
  return tableFrom(byValue);
}

/** The file's text: a regular file only (a pipe would block), at most LIMITS.latencyFileBytes. */
function readText(
  resolved: string,
  file: string,
): { ok: true; text: string } | { ok: false; problem: TableProblem } {
  const refuse = (expected: string) => ({ ok: false as const, problem: { expected } });
  const maxBytes = LIMITS.latencyFileBytes;
  const tooBig = (found: string) =>
    refuse(`a file of latencies of at most ${formatCount(maxBytes)} bytes (${file} has ${found})`);
  let fd: number | undefined;
  try {
    // Checked before opening: opening a FIFO waits for a writer, and a device may never end.
    const stats = statSync(resolved);
    if (stats.isDirectory()) return refuse(`a file of latencies (${file} is a folder)`);
    if (!stats.isFile()) return refuse(`a regular file of latencies (${file} is a device, pipe or socket)`);
    if (stats.size > maxBytes) return tooBig(formatCount(stats.size));
    fd = openSync(resolved, "r");
    // Read at most one byte past the limit, so a file that grew since stat is refused, not read unbounded.
    let buffer = Buffer.allocUnsafe(Math.min(fstatSync(fd).size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return tooBig("more");
        const grown = Buffer.allocUnsafe(Math.min(length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return tooBig("more");
    return { ok: true, text: buffer.toString("utf8", 0, length) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return refuse(`a file of latencies (there is no ${file})`);
    if (code === "EACCES" || code === "EPERM")
      return refuse(`a file of latencies that can be read (${file}: permission denied)`);
    return refuse(`a file of latencies (${file}: ${error instanceof Error ? error.message : String(error)})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
