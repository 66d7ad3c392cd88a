// Test support: the README's stampede table, made by running scenarios/faults/stampede-*.yaml. The
// runs read 4 hot keys for 8 s with a 200 ms global TTL, so each key goes through 40 TTL periods.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { runToTexts, scenarioFromText } from "./runText.ts";

export const STAMPEDE_RUNS = ["none", "single-flight", "xfetch", "ttl-jitter", "combined"] as const;
const KEY_PERIODS = 4 * 40;

type Row = Record<string, string>;

export async function stampedeTable(): Promise<string> {
  const lines = [
    "| mitigations | database requests | per key per TTL period | read p99 (µs) | db queue wait p99 (µs) | db queue wait max (µs) |",
    "|---|---|---|---|---|---|",
  ];
  for (const run of STAMPEDE_RUNS) {
    const text = readFileSync(`scenarios/faults/stampede-${run}.yaml`, "utf8");
    const { files } = await runToTexts(scenarioFromText(text));
    const db = (parse(files["database.csv"] ?? "", { columns: true }) as Row[]).find(
      (r) => r.time_us === "run",
    );
    const total = (parse(files["summary.csv"] ?? "", { columns: true }) as Row[]).find(
      (r) => r.node === "total",
    );
    if (db === undefined || total === undefined) throw new Error(`stampede-${run}: no run or total row`);
    const requests = Number(db.requests);
    lines.push(
      `| ${run} | ${requests} | ${(requests / KEY_PERIODS).toFixed(2)} | ${total.read_latency_p99_us} | ${db.queue_wait_p99_us} | ${db.queue_wait_max_us} |`,
    );
  }
  return lines.join("\n");
}
