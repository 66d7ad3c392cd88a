// Sets the database up as a resource when the scenario asks for it (`database: { connections, service }`)
// and writes database.csv: one row per report interval in which requests reached the database, then a
// `run` row for the whole run (with the most requests any interval saw).
import type { RngStreams } from "../core/rng.ts";
import { DatabaseStats } from "../model/databaseStats.ts";
import { latencySampler } from "../model/latency.ts";
import type { World } from "../model/world.ts";
import type { Scenario } from "../spec/types.ts";
import type { ReportFiles } from "./reportFiles.ts";

/** Connections when only a service time is given: as good as unlimited. */
const UNLIMITED = 2 ** 31;

export function databaseAsResource(scenario: Scenario, world: World, rng: RngStreams): DatabaseStats | null {
  const { connections, service } = scenario.database;
  const instant = service.dist === "constant" && service.valueUs === 0;
  if (connections === 0 && instant) return null;
  const stats = new DatabaseStats(scenario.report.intervalUs);
  world.database.useResource(
    connections === 0 ? UNLIMITED : connections,
    latencySampler(service, rng.stream("database:service")),
    stats,
  );
  return stats;
}

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
