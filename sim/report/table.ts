// Console tables for run summaries and comparisons. Colours are switched off so the text is the same on
// every terminal and in tests; numbers are right-aligned so their digits line up.
import Table from "cli-table3";

export type TableCell = string | number;

// Callers format floats themselves, so numbers usually arrive as strings: "12.50", "-3", "1e-6", "4.2%".
const NUMERIC_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?%?$/;

export function isNumericCell(cell: TableCell): boolean {
  return typeof cell === "number" || NUMERIC_TEXT.test(cell.trim());
}

export function renderTable(header: readonly string[], rows: readonly (readonly TableCell[])[]): string {
  // A header sits over its numbers when every filled cell of its column is numeric.
  const numericColumns = header.map((_, column) => {
    const cells = rows.map((row) => row[column]).filter((cell) => cell !== undefined && cell !== "");
    return cells.length > 0 && cells.every((cell) => cell !== undefined && isNumericCell(cell));
  });
  const table = new Table({
    head: header.map((title, column) => ({
      content: title,
      hAlign: numericColumns[column] === true ? "right" : "left",
    })) as unknown as string[],
    // compact: no rule between data rows, so long tables stay short.
    style: { head: [], border: [], compact: true },
    wordWrap: false,
  });
  for (const row of rows) {
    table.push(
      row.map((cell) => ({
        content: typeof cell === "number" ? String(cell) : cell,
        hAlign: isNumericCell(cell) ? ("right" as const) : ("left" as const),
      })),
    );
  }
  return table.toString();
}
