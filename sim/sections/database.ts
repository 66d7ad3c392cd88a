// The `database:` section: the database as a resource.
//
//   database:
//     connections: 10                               # at most this many requests at once (default: unlimited)
//     service: { dist: normal, mean: 2ms, stddev: 500us }   # time per request (default: instant)
//
// Unlimited and instant (the default, and a file without the section) keeps the database exactly as it
// always was: no resource, no database.csv. Otherwise requests queue for a connection and each holds it
// for a service time, and database.csv reports the load per report interval and for the run.
import { DatabaseStats } from "../model/databaseStats.ts";
import { latencyField } from "../model/latency/field.ts";
import { latencyModels } from "../model/latency/registry.ts";
import { latencySampler } from "../model/latency.ts";
import { intIn, strict } from "../plugin/options.ts";
import { writeDatabaseReport } from "../report/databaseReport.ts";
import { LIMITS } from "../spec/limits.ts";
import type { LatencyModel } from "../spec/types.ts";
import { section } from "./section.ts";

export interface DatabaseSpec {
  /** At most this many requests at once; 0: unlimited. */
  connections: number;
  /** Time one request holds its connection. */
  service: LatencyModel;
}

/** Unlimited and instant: the database as it was before it could be a resource. */
export const DATABASE_DEFAULTS: Readonly<DatabaseSpec> = Object.freeze({
  connections: 0,
  service: Object.freeze({ dist: "constant", valueUs: 0 }),
});

/** Connections when only a service time is given: as good as unlimited. */
const UNLIMITED = 2 ** 31;

export const databaseSection = section({
  field: "database",
  schema: strict({
    connections: intIn(1, LIMITS.databaseConnections).optional(),
    service: latencyField(latencyModels).optional(),
  }),
  resolve: (input): DatabaseSpec => ({
    connections: input?.connections ?? DATABASE_DEFAULTS.connections,
    service: { ...(input?.service ?? DATABASE_DEFAULTS.service) },
  }),
  run({ connections, service }, context) {
    const instant = service.dist === "constant" && service.valueUs === 0;
    if (connections === 0 && instant) return null;
    const stats = new DatabaseStats(context.intervalUs);
    return {
      start(world) {
        world.database.useResource(
          connections === 0 ? UNLIMITED : connections,
          latencySampler(service, context.rng.stream("database:service")),
          stats,
        );
      },
      async finish(output, { coveredUs }) {
        stats.finish(coveredUs);
        await writeDatabaseReport(output, stats);
        return ["database.csv"];
      },
    };
  },
});
