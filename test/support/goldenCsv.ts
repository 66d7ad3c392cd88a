// Test support: golden CSVs are compared column by column, so a report that gains a column still matches
// the golden files written before it (which lack it) until `npm run golden:add-column` adds it to them.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/** The header's column names. */
export function csvColumns(text: string): string[] {
  const firstLine = text.slice(0, text.indexOf("\n"));
  return (parse(firstLine) as string[][])[0] ?? [];
}

/**
 * The CSV text with only the named columns, in the given order, formatted as the reports format rows
 * (csv-stringify's defaults), so projecting a file onto its own header gives back the same bytes.
 */
export function projectCsv(text: string, columns: readonly string[]): string {
  const rows = parse(text, { relaxColumnCount: false }) as string[][];
  const header = rows[0] ?? [];
  const at = columns.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw new Error(`no column ${c} in ${header.join(",")}`);
    return i;
  });
  return stringify(rows.map((row) => at.map((i) => row[i] as string)));
}

/** What a fresh report has that its golden file lacks, and the reverse. */
export function columnDifference(fresh: string, golden: string): { added: string[]; removed: string[] } {
  const have = csvColumns(fresh);
  const kept = csvColumns(golden);
  return { added: have.filter((c) => !kept.includes(c)), removed: kept.filter((c) => !have.includes(c)) };
}
