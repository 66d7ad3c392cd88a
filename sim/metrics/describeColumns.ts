// The report columns in words, for docs/reports.md: one row per column, made from the declarations in
// columns.ts (`npm run docs:tables` writes it; test/readme.test.ts checks the page holds exactly this).
import { markdownCell } from "../plugin/describe.ts";
import { type ColumnUnit, METRIC_COLUMNS, MRC_COLUMNS } from "./columns.ts";

const UNIT_WORDS: Readonly<Record<ColumnUnit, string>> = {
  count: "",
  bytes: "bytes",
  us: "µs",
  ratio: "ratio",
};

/** The table of summary.csv's and timeseries.csv's columns. */
export function columnsMarkdown(): string {
  const rows = METRIC_COLUMNS.map(
    (c) => `| \`${c.name}\` | ${UNIT_WORDS[c.unit]} | ${c.kind} | ${markdownCell(c.description)} |`,
  );
  return [
    "| column | unit | kind | meaning |",
    "|---|---|---|---|",
    "| `node` | | | node name, or `total` |",
    ...rows,
  ].join("\n");
}

/** The table of `cachesim mrc`'s mrc.csv columns. */
export function mrcColumnsMarkdown(): string {
  const rows = MRC_COLUMNS.map(
    (c) =>
      `| \`${c.name}\` | ${c.unit === "name" ? "" : UNIT_WORDS[c.unit]} | ${c.kind} | ${markdownCell(c.description)} |`,
  );
  return ["| column | unit | kind | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
