// Compares two CSV reports of the same kind (two summary.csv, two timeseries.csv, ...), e.g. before and
// after a change to a strategy. Rows are matched by their key columns, numeric cells are compared with a
// tolerance, everything else must be equal. Structural changes (columns or rows present in one file only,
// reordered header) always count as differences beyond tolerance.
import type * as CsvParse from "csv-parse/sync";
import { onFirstUse } from "../core/onFirstUse.ts";
import { METRIC_COLUMNS, MRC_COLUMNS } from "../metrics/columns.ts";
import { renderTable } from "./table.ts";

const csvParse = onFirstUse<typeof CsvParse>("csv-parse/sync");

const METRIC_NAMES = new Set(METRIC_COLUMNS.map((column) => column.name));
/** mrc.csv's rows are points of curves: policy and size. */
const MRC_KEYS = MRC_COLUMNS.filter((column) => column.kind === "key").map((column) => column.name);

/** Bad input: not CSV, empty, or two files that are not the same kind of report. */
export class CompareError extends Error {
  override readonly name = "CompareError";
}

export interface CompareOptions {
  /** Relative tolerance: 0.05 accepts a 5 % difference. */
  tolerance: number;
  /** Absolute tolerance, for values near zero where any relative difference is large. */
  absTolerance: number;
  /** Columns that identify a row; default: those of time_us, node present, else row index. */
  keyColumns?: string[];
  /** Names used in error messages; default "first file" / "second file". */
  aName?: string;
  bName?: string;
}

export interface CellDifference {
  /** Identifies the row: "time_us=1000 node=a", or "row 3" (1-based data row) when matched by index. */
  rowKey: string;
  column: string;
  a: string;
  b: string;
  /** |a-b| / max(|a|,|b|) for numeric cells, null when either cell is not a number. */
  relativeDifference: number | null;
  beyondTolerance: boolean;
}

export interface CompareResult {
  tolerance: number;
  absTolerance: number;
  /** Empty when rows were matched by index. */
  keyColumns: string[];
  matchedBy: "key" | "rowIndex";
  /** Same columns in both files, but in another order. */
  headerOrderDiffers: boolean;
  columnsOnlyInA: string[];
  columnsOnlyInB: string[];
  rowsOnlyInA: string[];
  rowsOnlyInB: string[];
  rowsCompared: number;
  cellsCompared: number;
  /** Every cell that differs, in the row order of the first file, within tolerance or not. */
  differences: CellDifference[];
  beyondToleranceCount: number;
  withinToleranceCount: number;
  /** True when nothing differs beyond tolerance, structure included. */
  withinTolerance: boolean;
}

/** Keys tried, in this order, when the caller names none. */
const DEFAULT_KEY_COLUMNS = ["time_us", "node"];

// Strict on purpose: Number("") is 0 and Number(" 1 ") is 1, neither of which is a numeric report cell.
const NUMBER_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

interface ParsedCsv {
  name: string;
  header: string[];
  rows: string[][];
}

interface KeyedRows {
  /** Row ids in file order; an id is JSON of the key values, so no separator can make two keys collide. */
  order: string[];
  byKey: Map<string, { label: string; row: string[] }>;
}

export function compareCsv(aText: string, bText: string, options: CompareOptions): CompareResult {
  const { tolerance, absTolerance } = options;
  checkTolerance("tolerance", tolerance);
  checkTolerance("absTolerance", absTolerance);
  const a = parseReport(aText, options.aName ?? "first file");
  const b = parseReport(bText, options.bName ?? "second file");

  let keyColumns = chooseKeyColumns(a, b, options.keyColumns);
  let aRows = keyRows(a, keyColumns);
  let bRows = keyRows(b, keyColumns);
  // Several rows with one key (a trace: many events per node and microsecond) cannot be paired by key.
  if (aRows === undefined || bRows === undefined) {
    if (options.keyColumns !== undefined) {
      const which = aRows === undefined ? a.name : b.name;
      throw new CompareError(
        `${which}: key columns ${options.keyColumns.join(", ")} do not identify rows uniquely`,
      );
    }
    keyColumns = [];
    aRows = keyRows(a, []) as KeyedRows;
    bRows = keyRows(b, []) as KeyedRows;
  }
  const matchedBy = keyColumns.length === 0 ? "rowIndex" : "key";

  const bColumns = new Set(b.header);
  const aColumns = new Set(a.header);
  const columnsOnlyInA = a.header.filter((column) => !bColumns.has(column));
  const columnsOnlyInB = b.header.filter((column) => !aColumns.has(column));
  const shared = a.header.filter((column) => bColumns.has(column));
  const headerOrderDiffers =
    columnsOnlyInA.length === 0 &&
    columnsOnlyInB.length === 0 &&
    a.header.some((column, index) => b.header[index] !== column);
  const keySet = new Set(keyColumns);
  const compared = shared
    .filter((column) => !keySet.has(column))
    .map((column) => ({ column, aIndex: a.header.indexOf(column), bIndex: b.header.indexOf(column) }));

  const differences: CellDifference[] = [];
  const rowsOnlyInA: string[] = [];
  let rowsCompared = 0;
  let cellsCompared = 0;
  for (const id of aRows.order) {
    const { label: rowKey, row: aRow } = aRows.byKey.get(id) as { label: string; row: string[] };
    const bRow = bRows.byKey.get(id)?.row;
    if (bRow === undefined) {
      rowsOnlyInA.push(rowKey);
      continue;
    }
    rowsCompared += 1;
    for (const { column, aIndex, bIndex } of compared) {
      cellsCompared += 1;
      const difference = compareCell(aRow[aIndex] ?? "", bRow[bIndex] ?? "", tolerance, absTolerance);
      if (difference !== undefined) differences.push({ rowKey, column, ...difference });
    }
  }
  const rowsOnlyInB = bRows.order
    .filter((id) => !aRows.byKey.has(id))
    .map((id) => bRows.byKey.get(id)?.label ?? id);

  const beyondToleranceCount = differences.filter((difference) => difference.beyondTolerance).length;
  return {
    tolerance,
    absTolerance,
    keyColumns,
    matchedBy,
    headerOrderDiffers,
    columnsOnlyInA,
    columnsOnlyInB,
    rowsOnlyInA,
    rowsOnlyInB,
    rowsCompared,
    cellsCompared,
    differences,
    beyondToleranceCount,
    withinToleranceCount: differences.length - beyondToleranceCount,
    withinTolerance:
      beyondToleranceCount === 0 &&
      !headerOrderDiffers &&
      columnsOnlyInA.length === 0 &&
      columnsOnlyInB.length === 0 &&
      rowsOnlyInA.length === 0 &&
      rowsOnlyInB.length === 0,
  };
}

/** Undefined when the cells are equal (as text, or as numbers: "1.0" equals "1"). */
function compareCell(
  aCell: string,
  bCell: string,
  tolerance: number,
  absTolerance: number,
): Omit<CellDifference, "rowKey" | "column"> | undefined {
  if (aCell === bCell) return undefined;
  if (!NUMBER_TEXT.test(aCell) || !NUMBER_TEXT.test(bCell)) {
    return { a: aCell, b: bCell, relativeDifference: null, beyondTolerance: true };
  }
  const aValue = Number(aCell);
  const bValue = Number(bCell);
  if (aValue === bValue) return undefined;
  const magnitude = Math.max(Math.abs(aValue), Math.abs(bValue));
  const difference = Math.abs(aValue - bValue);
  const limit = Math.max(absTolerance, tolerance * magnitude);
  // Decimal values are not exact in binary: |1.1 - 1.0| is 0.10000000000000009. Without a few ulps of
  // slack a difference exactly at the tolerance, as the user wrote it, would count as beyond it.
  const roundingSlack = 8 * Number.EPSILON * Math.max(magnitude, limit);
  return {
    a: aCell,
    b: bCell,
    relativeDifference: difference / magnitude,
    beyondTolerance: difference - limit > roundingSlack,
  };
}

function checkTolerance(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new CompareError(`${name} must be a non-negative number, got ${value}`);
  }
}

function parseReport(text: string, name: string): ParsedCsv {
  if (text.includes("\u0000")) throw new CompareError(`${name}: not a CSV file (it holds binary data)`);
  let records: string[][];
  try {
    records = csvParse().parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CompareError(`${name}: not valid CSV: ${reason}`);
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new CompareError(`${name}: empty file, expected a CSV header line`);
  const seen = new Set<string>();
  for (const column of header) {
    if (column.trim() === "") throw new CompareError(`${name}: the header has an empty column name`);
    if (seen.has(column)) throw new CompareError(`${name}: the header names column ${column} twice`);
    seen.add(column);
  }
  return { name, header, rows };
}

function chooseKeyColumns(a: ParsedCsv, b: ParsedCsv, requested: string[] | undefined): string[] {
  if (requested !== undefined) {
    for (const file of [a, b]) {
      const missing = requested.filter((column) => !file.header.includes(column));
      if (missing.length > 0) throw new CompareError(`${file.name}: has no key column ${missing.join(", ")}`);
    }
    return requested;
  }
  const aKeys = defaultKeys(a.header);
  const bKeys = defaultKeys(b.header);
  if (aKeys.join(",") !== bKeys.join(",")) {
    throw new CompareError(
      `${a.name} is keyed by ${describeKeys(aKeys)} but ${b.name} by ${describeKeys(bKeys)}: ` +
        "are they the same kind of report?",
    );
  }
  return aKeys;
}

/**
 * time_us and node where the file has them; mrc.csv's policy and size; otherwise, for a sweep's files,
 * the columns before the first metric (the swept values, then seed or stat), so rows pair up by the
 * point they describe.
 */
function defaultKeys(header: readonly string[]): string[] {
  const keys = DEFAULT_KEY_COLUMNS.filter((column) => header.includes(column));
  if (keys.length > 0) return keys;
  if (MRC_KEYS.every((column, i) => header[i] === column)) return [...MRC_KEYS];
  const firstMetric = header.findIndex((column) => METRIC_NAMES.has(column));
  return firstMetric > 0 ? header.slice(0, firstMetric) : [];
}

function describeKeys(keys: string[]): string {
  return keys.length === 0 ? "row index" : keys.join(", ");
}

/** Undefined when two rows share a key; no key columns means the 1-based row number is the key. */
function keyRows(file: ParsedCsv, keyColumns: string[]): KeyedRows | undefined {
  const indexes = keyColumns.map((column) => file.header.indexOf(column));
  const order: string[] = [];
  const byKey: KeyedRows["byKey"] = new Map();
  for (const [rowIndex, row] of file.rows.entries()) {
    const values = indexes.map((index) => row[index] ?? "");
    const id = indexes.length === 0 ? String(rowIndex) : JSON.stringify(values);
    if (byKey.has(id)) return undefined;
    const label =
      indexes.length === 0
        ? `row ${rowIndex + 1}`
        : values.map((value, i) => `${keyColumns[i]}=${value}`).join(" ");
    order.push(id);
    byKey.set(id, { label, row });
  }
  return { order, byKey };
}

export interface FormatCompareOptions {
  /** Differences listed in the table at most; the summary line still counts all. Default 50. */
  maxDifferences?: number;
  /** Rows-only-in-one-file keys listed at most per side. Default 10. */
  maxRowKeys?: number;
}

export function formatCompare(
  result: CompareResult,
  aName: string,
  bName: string,
  options: FormatCompareOptions = {},
): string {
  const maxDifferences = options.maxDifferences ?? 50;
  const maxRowKeys = options.maxRowKeys ?? 10;
  const lines: string[] = [];
  lines.push(
    `Comparing ${aName} (a) with ${bName} (b); rows matched by ${describeKeys(result.keyColumns)}; ` +
      `tolerance ${formatPercent(result.tolerance)} relative, ${result.absTolerance} absolute`,
  );
  if (result.headerOrderDiffers) lines.push("Header: same columns, different order");
  if (result.columnsOnlyInA.length > 0)
    lines.push(`Columns only in ${aName}: ${result.columnsOnlyInA.join(", ")}`);
  if (result.columnsOnlyInB.length > 0)
    lines.push(`Columns only in ${bName}: ${result.columnsOnlyInB.join(", ")}`);
  for (const [name, keys] of [
    [aName, result.rowsOnlyInA],
    [bName, result.rowsOnlyInB],
  ] as const) {
    if (keys.length === 0) continue;
    const more = keys.length > maxRowKeys ? `, ... ${keys.length - maxRowKeys} more` : "";
    lines.push(`Rows only in ${name} (${keys.length}): ${keys.slice(0, maxRowKeys).join("; ")}${more}`);
  }

  if (result.differences.length === 0) {
    lines.push(`No differences in the ${result.cellsCompared} cells compared`);
  } else {
    // Beyond-tolerance first: with a long list those are the ones worth reading.
    const ordered = [
      ...result.differences.filter((difference) => difference.beyondTolerance),
      ...result.differences.filter((difference) => !difference.beyondTolerance),
    ];
    const shown = ordered.slice(0, maxDifferences);
    lines.push(
      renderTable(
        ["row", "column", "a", "b", "rel diff", "status"],
        shown.map((difference) => [
          difference.rowKey,
          difference.column,
          difference.a,
          difference.b,
          difference.relativeDifference === null ? "-" : formatPercent(difference.relativeDifference),
          difference.beyondTolerance ? "BEYOND" : "within",
        ]),
      ),
    );
    if (ordered.length > shown.length)
      lines.push(`... ${ordered.length - shown.length} more differences not shown`);
  }

  const structural = [
    result.headerOrderDiffers ? "header order differs" : undefined,
    countOf(result.columnsOnlyInA.length + result.columnsOnlyInB.length, "column", "in one file only"),
    countOf(result.rowsOnlyInA.length + result.rowsOnlyInB.length, "row", "in one file only"),
  ].filter((part) => part !== undefined);
  lines.push(
    `${result.withinTolerance ? "OK" : "DIFFERENT"}: ${result.rowsCompared} rows compared, ` +
      `${result.beyondToleranceCount} cells beyond tolerance, ${result.withinToleranceCount} within` +
      (structural.length > 0 ? `, ${structural.join(", ")}` : ""),
  );
  return lines.join("\n");
}

function countOf(count: number, noun: string, suffix: string): string | undefined {
  return count === 0 ? undefined : `${count} ${noun}${count === 1 ? "" : "s"} ${suffix}`;
}

function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  // Enough digits to see 1e-9 drifts, without printing float noise like 5.000000000000001 %.
  return `${Number(percent.toPrecision(3))}%`;
}
