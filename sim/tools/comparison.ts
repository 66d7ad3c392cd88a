// The README's side-by-side table of the catalogue's patterns: each row runs scenarios/patterns/
// compare.yaml with its strategy replaced (and near caches switched on for the near-cache rows), and
// reports the `total` row's figures. `npm run patterns:table` prints it; test/readme.test.ts runs it
// afresh and checks the README holds exactly that table.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { metricCells, metricColumnNames } from "../metrics/columns.ts";
import { runScenario } from "../run/runner.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { parseScenario } from "../scenario/load.ts";
import { applyOverrides } from "../sweep/override.ts";

export const COMPARE_FILE = "scenarios/patterns/compare.yaml";

export interface PatternVariant {
  label: string;
  strategy: string | Record<string, unknown>;
  /** Near caches of this many entries on every node (0: none, as in the base file). */
  nearCapacity?: number;
}

export const PATTERN_VARIANTS: readonly PatternVariant[] = [
  { label: "read-through, write-through (`global`)", strategy: "global" },
  { label: "cache-aside, invalidate", strategy: { read: "cache-aside", write: "invalidate" } },
  {
    label: "cache-aside, invalidate, lease",
    strategy: { read: "cache-aside", write: "invalidate", fill: "lease" },
  },
  {
    label: "cache-aside, invalidate, versioned",
    strategy: { read: "cache-aside", write: "invalidate", fill: "versioned" },
  },
  { label: "cache-aside, invalidate-first", strategy: { read: "cache-aside", write: "invalidate-first" } },
  { label: "cache-aside, double-delete", strategy: { read: "cache-aside", write: "double-delete" } },
  { label: "read-through, write-around", strategy: { write: "write-around" } },
  { label: "read-through, write-behind", strategy: { write: "write-behind" } },
  {
    label: "refresh-ahead (1 s window), write-through",
    strategy: { read: { name: "refresh-ahead", window: "1s" } },
  },
  { label: "stale-while-revalidate, write-through", strategy: { read: "stale-while-revalidate" } },
  { label: "`global` + near caches, TTL only", strategy: "global", nearCapacity: 100 },
  { label: "`global` + near caches, broadcast", strategy: { near: "broadcast" }, nearCapacity: 100 },
];

const COLUMNS = [
  "stale_rate",
  "hit_rate",
  "db_reads_issued",
  "db_writes_issued",
  "read_latency_p50_us",
  "read_latency_p99_us",
  "write_latency_p50_us",
  "write_latency_p99_us",
] as const;

/** Runs every variant and returns the table in Markdown. */
export async function patternTable(file = COMPARE_FILE): Promise<string> {
  const base = readFileSync(file, "utf8");
  const lines = [`| pattern | ${COLUMNS.join(" | ")} |`, `|---|${COLUMNS.map(() => "---:").join("|")}|`];
  const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-patterns-"));
  try {
    for (const [i, v] of PATTERN_VARIANTS.entries()) {
      const text = applyOverrides(base, [
        { path: "strategy", segments: ["strategy"], value: v.strategy },
        {
          path: "defaults.cache.capacity",
          segments: ["defaults", "cache", "capacity"],
          value: v.nearCapacity ?? 0,
        },
      ]);
      const scenario = parseScenario(text, file, knownNames());
      const result = await runScenario(scenario, { outDir: path.join(dir, String(i)) });
      const total = result.summary.at(-1);
      if (total === undefined) throw new Error("a run without a total row");
      const cells = new Map(metricColumnNames().map((name, k) => [name, metricCells(total.counters)[k]]));
      lines.push(`| ${v.label} | ${COLUMNS.map((c) => cells.get(c) ?? "").join(" | ")} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.join("\n");
}
