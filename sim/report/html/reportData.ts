// Reads a report folder for the HTML report: a run's summary.csv and timeseries.csv (and trace.csv when
// present), a sweep's sweep.csv (and sweep-stats.csv), or the mrc.csv of `cachesim mrc`. Cells stay
// text; charts pick numbers out.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type * as CsvParse from "csv-parse/sync";
import { onFirstUse } from "../../core/onFirstUse.ts";
import { METRIC_COLUMNS } from "../../metrics/columns.ts";

const csvParse = onFirstUse<typeof CsvParse>("csv-parse/sync");

export class ReportError extends Error {
  override readonly name = "ReportError";
}

export interface Table {
  header: string[];
  rows: Array<Record<string, string>>;
}

/** Rows read from one CSV at most: the charts of a larger file would be unreadable anyway. */
export const ROWS_MAX = 200_000;

export function readTable(file: string): Table {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ReportError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let records: string[][];
  try {
    records = csvParse().parse(text, { bom: true, skip_empty_lines: true, to: ROWS_MAX + 1 }) as string[][];
  } catch (error) {
    throw new ReportError(`${file}: not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (header === undefined) throw new ReportError(`${file}: empty file, expected a CSV header line`);
  return {
    header,
    rows: body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ""]))),
  };
}

/**
 * What a report folder says about the run that made it (run.json, written with report.html by
 * `run --html` and `sweep --html`): the page's header and the expectations' results.
 */
export interface RunInfo {
  name: string;
  description: string;
  file: string;
  seed: number;
  strategy: string;
  backend: string;
  /** The command line that makes the same report again. */
  command: string;
  expectations: Array<{ path: string; description: string; passed: boolean; found: string }>;
}

export const RUN_INFO_FILE = "run.json";

function readInfo(file: string): RunInfo | null {
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as RunInfo;
    if (typeof info.name !== "string" || !Array.isArray(info.expectations))
      throw new Error("not a run's description");
    return info;
  } catch (error) {
    throw new ReportError(`${file}: ${(error as Error).message}`);
  }
}

export interface RunData {
  kind: "run";
  summary: Table;
  timeseries: Table;
  trace: Table | null;
  /** sequence.csv: the messages of a run drawn as a sequence diagram (`run --html`). */
  sequence: Table | null;
  faults: Table | null;
  info: RunInfo | null;
}

export interface SweepData {
  kind: "sweep";
  /** The swept fields, in column order. */
  fields: string[];
  sweep: Table;
  stats: Table | null;
  info: RunInfo | null;
}

/** `cachesim mrc`'s miss-ratio curves: one row per (policy, size). */
export interface MrcData {
  kind: "mrc";
  mrc: Table;
}

const METRIC_NAMES = new Set(METRIC_COLUMNS.map((c) => c.name));

/** The leading columns of a sweep file that are not metrics, seed or stat: the swept fields. */
export function sweptFields(header: readonly string[]): string[] {
  const first = header.findIndex((name) => METRIC_NAMES.has(name));
  return header
    .slice(0, first < 0 ? header.length : first)
    .filter((name) => name !== "seed" && name !== "stat");
}

export function readReportFolder(folder: string): RunData | SweepData | MrcData {
  const at = (name: string) => path.join(folder, name);
  if (!existsSync(folder)) throw new ReportError(`no such folder: ${folder}`);
  if (existsSync(at("sweep.csv"))) {
    const sweep = readTable(at("sweep.csv"));
    const fields = sweptFields(sweep.header);
    if (fields.length === 0)
      throw new ReportError(`${at("sweep.csv")}: no swept-value columns before the metrics`);
    return {
      kind: "sweep",
      fields,
      sweep,
      stats: existsSync(at("sweep-stats.csv")) ? readTable(at("sweep-stats.csv")) : null,
      info: readInfo(at(RUN_INFO_FILE)),
    };
  }
  if (existsSync(at("mrc.csv"))) {
    const mrc = readTable(at("mrc.csv"));
    for (const column of ["policy", "size", "miss_ratio", "byte_miss_ratio"])
      if (!mrc.header.includes(column)) throw new ReportError(`${at("mrc.csv")}: no ${column} column`);
    return { kind: "mrc", mrc };
  }
  if (existsSync(at("summary.csv")) && existsSync(at("timeseries.csv"))) {
    return {
      kind: "run",
      summary: readTable(at("summary.csv")),
      timeseries: readTable(at("timeseries.csv")),
      trace: existsSync(at("trace.csv")) ? readTable(at("trace.csv")) : null,
      sequence: existsSync(at("sequence.csv")) ? readTable(at("sequence.csv")) : null,
      faults: existsSync(at("faults.csv")) ? readTable(at("faults.csv")) : null,
      info: readInfo(at(RUN_INFO_FILE)),
    };
  }
  throw new ReportError(
    `${folder} holds neither a run's reports (summary.csv, timeseries.csv), a sweep's (sweep.csv) nor miss-ratio curves (mrc.csv)`,
  );
}
