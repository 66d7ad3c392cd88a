// database.csv, written when the scenario's `database:` section makes the database a resource
// (sim/sections/database.ts): one row per report interval in which requests reached the database, then
// a `run` row for the whole run (with the most requests any interval saw).
import type { DatabaseStats } from "../model/databaseStats.ts";
import type { ReportFiles } from "./reportFiles.ts";

export const DATABASE_HEADER = [
  "time_us",
  "requests",
  "peak_in_use",
  "queue_wait_p50_us",
  "queue_wait_p99_us",
  "queue_wait_max_us",
  "peak_interval_requests",
] as const;

const cell = (n: number | undefined) => (n === undefined ? "" : String(n));

export async function writeDatabaseReport(files: ReportFiles, stats: DatabaseStats): Promise<void> {
  const file = files.csv("database.csv", DATABASE_HEADER);
  for (const i of stats.intervals) {
    file.writeRow([
      String(i.startUs),
      String(i.requests),
      String(i.peakInUse),
      cell(i.waitP50Us),
      cell(i.waitP99Us),
      cell(i.waitMaxUs),
      "",
    ]);
  }
  const w = stats.runWaits;
  file.writeRow([
    "run",
    String(stats.runRequests),
    String(stats.runPeakInUse),
    cell(w.percentile(50)),
    cell(w.percentile(99)),
    cell(w.count > 0 ? w.max : undefined),
    String(stats.peakIntervalRequests),
  ]);
  await file.close();
}
