// The library's typed rows, read from the very CSV text the command line writes, so a number in a
// test is the number in summary.csv: a count as it is, a ratio with its six decimals, null where the
// CSV cell is empty (nothing was measured: a hit rate with no reads, a percentile with no samples).
import { parse } from "csv-parse/sync";
import { type MetricName, metricColumnNames } from "../metrics/columns.ts";
import { TRACE_HEADER } from "../metrics/traceColumns.ts";
import { TOTAL_NODE } from "../scenario/frame.ts";
import type { ServedFrom } from "../spec/types.ts";

/** Every metric column of summary.csv and timeseries.csv. */
export type Metrics = { readonly [M in MetricName]: number | null };

/** One row of summary.csv: a node, or `total`. */
export interface SummaryRow extends Metrics {
  readonly node: string;
}

/** summary.csv: the whole system (`all`, the CSV's `total` row) and each node by name. */
export interface Summary {
  /** The `total` row: every node together. */
  readonly all: SummaryRow;
  /** Each node's row by node name. */
  readonly nodes: Readonly<Record<string, SummaryRow>>;
  /** The rows in the CSV's order: the nodes as the scenario lists them, then `total`. */
  readonly rows: readonly SummaryRow[];
}

/** One row of timeseries.csv: one node over one report interval starting at time_us. */
export interface TimeseriesRow extends Metrics {
  readonly time_us: number;
  readonly node: string;
}

/** One row of trace.csv: one finished operation (see the reports chapter for each column). */
export interface TraceRow {
  readonly time_us: number;
  readonly node: string;
  readonly op: "read" | "write" | "flush";
  /** null for a flush. */
  readonly key: string | null;
  /** null when absent (a read of a missing key, a flush). */
  readonly value: string | null;
  readonly version: number | null;
  /** Reads only. */
  readonly served_from: ServedFrom | null;
  readonly shard: string;
  /** Reads only. */
  readonly stale: boolean | null;
  /** Stale reads only. */
  readonly staleness_age_us: number | null;
  readonly latency_us: number;
}

/** A CSV's rows as cells, its header checked against the columns the library knows. */
function records(text: string, file: string, header: readonly string[]): string[][] {
  const rows = parse(text) as string[][];
  const found = rows.shift() ?? [];
  if (found.join(",") !== header.join(",")) {
    throw new Error(`${file} has the header ${found.join(",")}, not the expected ${header.join(",")}`);
  }
  return rows;
}

const numberOrNull = (cell: string): number | null => (cell === "" ? null : Number(cell));
const textOrNull = (cell: string): string | null => (cell === "" ? null : cell);

function metricsRow<K extends string>(
  keys: readonly K[],
  cells: readonly string[],
  text: ReadonlySet<string>,
): Record<K, string | number | null> {
  const row = {} as Record<K, string | number | null>;
  keys.forEach((key, i) => {
    const cell = cells[i] ?? "";
    row[key] = text.has(key) ? cell : numberOrNull(cell);
  });
  return row;
}

export function summaryFrom(text: string): Summary {
  const header = ["node", ...metricColumnNames()];
  const rows = records(text, "summary.csv", header).map(
    (cells) => metricsRow(header, cells, new Set(["node"])) as unknown as SummaryRow,
  );
  const all = rows.find((r) => r.node === TOTAL_NODE);
  if (all === undefined) throw new Error(`summary.csv has no ${TOTAL_NODE} row`);
  const nodes: Record<string, SummaryRow> = {};
  for (const row of rows) if (row !== all) nodes[row.node] = row;
  return { all, nodes, rows };
}

export function timeseriesFrom(text: string): TimeseriesRow[] {
  const header = ["time_us", "node", ...metricColumnNames()];
  return records(text, "timeseries.csv", header).map(
    (cells) => metricsRow(header, cells, new Set(["node"])) as unknown as TimeseriesRow,
  );
}

/** How each trace.csv cell reads; a column trace.csv gains must be given its type here (a test checks). */
const TRACE_CELLS: { readonly [K in keyof TraceRow]: (cell: string) => TraceRow[K] } = {
  time_us: Number,
  node: String,
  op: (cell) => cell as TraceRow["op"],
  key: textOrNull,
  value: textOrNull,
  version: numberOrNull,
  served_from: (cell) => textOrNull(cell) as ServedFrom | null,
  shard: String,
  stale: (cell) => (cell === "" ? null : cell === "true"),
  staleness_age_us: numberOrNull,
  latency_us: Number,
};

export function traceFrom(text: string): TraceRow[] {
  const readers = TRACE_HEADER.map((name) => {
    const read = TRACE_CELLS[name as keyof TraceRow];
    if (read === undefined) throw new Error(`trace.csv's column ${name} has no type in the library`);
    return read as (cell: string) => unknown;
  });
  return records(text, "trace.csv", TRACE_HEADER).map((cells) => {
    const row: Record<string, unknown> = {};
    TRACE_HEADER.forEach((name, i) => {
      row[name] = readers[i]?.(cells[i] ?? "");
    });
    return row as unknown as TraceRow;
  });
}

/** Any other report (database.csv, faults.csv, sweep.csv, mrc.csv) as rows of its header's names. */
export function csvRows(text: string): Array<Record<string, string>> {
  return parse(text, { columns: true }) as Array<Record<string, string>>;
}
