// Test support: the README's stampede table, made by running scenarios/faults/stampede-*.yaml. The
// runs read 4 hot keys for 8 s with a 200 ms global TTL, so each key goes through 40 TTL periods. The
// numbers are summary.csv's total row (db_requests and db_queue_wait_*_us equal database.csv's run row).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { runToTexts, scenarioFromText } from "./runText.ts";

/** Each run: its file (scenarios/faults/stampede-<file>.yaml) and the protection it names in the table. */
export const STAMPEDE_RUNS = [
  { file: "none", protection: "none" },
  { file: "single-flight", protection: "single-flight" },
  { file: "xfetch", protection: "xfetch" },
  { file: "ttl-jitter", protection: "ttl-jitter" },
  { file: "combined", protection: "single-flight + xfetch" },
  { file: "lease", protection: "global lease (`fill: lease`)" },
  { file: "stale-while-revalidate", protection: "`read: stale-while-revalidate`" },
] as const;
const KEY_PERIODS = 4 * 40;

type Row = Record<string, string>;

export async function stampedeTable(): Promise<string> {
  const lines = [
    "| protection | database requests | per key per TTL period | read p99 (µs) | db queue wait p99 (µs) | db queue wait max (µs) |",
    "|---|---|---|---|---|---|",
  ];
  for (const { file, protection } of STAMPEDE_RUNS) {
    const text = readFileSync(`scenarios/faults/stampede-${file}.yaml`, "utf8");
    const { files } = await runToTexts(scenarioFromText(text));
    const total = (parse(files["summary.csv"] ?? "", { columns: true }) as Row[]).find(
      (r) => r.node === "total",
    );
    if (total === undefined) throw new Error(`stampede-${file}: no total row`);
    const requests = Number(total.db_requests);
    lines.push(
      `| ${protection} | ${requests} | ${(requests / KEY_PERIODS).toFixed(2)} | ${total.read_latency_p99_us} | ${total.db_queue_wait_p99_us} | ${total.db_queue_wait_max_us} |`,
    );
  }
  return lines.join("\n");
}
