// `npm run docs:tables`: writes the documentation's tables that are made from the registries and
// declarations (the strategy catalogue, the latency models, the report columns, the layers) into their marked blocks
// under docs/, so a new part, model or column reaches the docs by one command. test/readme.test.ts checks
// that each block holds exactly what this writes.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { columnsMarkdown, mrcColumnsMarkdown } from "../metrics/describeColumns.ts";
import { latencyModelsMarkdown } from "../model/latency/describe.ts";
import { catalogueMarkdown } from "../strategies/describe.ts";

interface Layer {
  name: string;
  folders: string[];
  holds: string;
}

/** The layers as .dependency-cruiser.cjs declares them (the one place they live), top first. */
export function layersMarkdown(): string {
  const config = createRequire(import.meta.url)("../../.dependency-cruiser.cjs") as { layers: Layer[] };
  const rows = [...config.layers]
    .reverse()
    .map((l) => `| ${l.name} | ${l.folders.map((f) => `\`${f}\``).join(", ")} | ${l.holds} |`);
  return ["| layer (top first) | folders under `sim/` | holds |", "|---|---|---|", ...rows].join("\n");
}

/** Each generated block: the page it is on, its marker name, and what it holds. */
export const DOC_TABLES = [
  { page: "docs/strategies.md", marker: "catalogue", text: catalogueMarkdown },
  { page: "docs/scenario-format.md", marker: "latency", text: latencyModelsMarkdown },
  { page: "docs/reports.md", marker: "columns", text: columnsMarkdown },
  { page: "docs/eviction.md", marker: "mrc-columns", text: mrcColumnsMarkdown },
  { page: "docs/architecture.md", marker: "layers", text: layersMarkdown },
] as const;

/** The text between `<!-- NAME:begin … -->` and `<!-- NAME:end -->`, trimmed; null when there is no block. */
export function blockText(page: string, marker: string): string | null {
  const open = page.indexOf(`<!-- ${marker}:begin`);
  const close = page.indexOf(`<!-- ${marker}:end -->`);
  if (open < 0 || close < open) return null;
  const begin = page.indexOf("-->\n", open) + 4;
  return page.slice(begin, close).trim();
}

function replaceBlock(page: string, marker: string, text: string): string {
  const open = page.indexOf(`<!-- ${marker}:begin`);
  const close = page.indexOf(`<!-- ${marker}:end -->`);
  if (open < 0 || close < open) throw new Error(`no <!-- ${marker}:begin --> … <!-- ${marker}:end --> block`);
  const begin = page.indexOf("-->\n", open) + 4;
  return `${page.slice(0, begin)}${text}\n${page.slice(close)}`;
}

if (process.argv[1]?.endsWith("docTables.ts") || process.argv[1]?.endsWith("docTables.js")) {
  for (const { page, marker, text } of DOC_TABLES) {
    const before = readFileSync(page, "utf8");
    const after = replaceBlock(before, marker, text());
    if (after !== before) writeFileSync(page, after);
    console.log(`${page}: ${marker} ${after === before ? "unchanged" : "written"}`);
  }
}
