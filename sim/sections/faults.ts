// The `faults:` section of a scenario file:
//
//   faults:
//     timeout: 50ms            # how long a node waits for an answer (default 100ms)
//     readFallback: database   # a read the global cache does not answer: database (default) or fail
//     staleIfError: true       # the database does not answer: serve an expired global entry if found
//     schedule:
//       - { kind: partition, node: NodeB, tier: cache, at: 2s, for: 3s }
//       - { kind: shard-down, shard: node_a, contents: kept, at: 5s, for: 2s }
//
// Each schedule entry is a fault kind (sim/faults/registry.ts) named by `kind:`, whose other fields are
// its own options. The section is optional; without it the run has no faults and takes the exact
// fault-free path everywhere. What the faults do is in sim/faults/; this file is how a scenario asks
// for them, and how a run puts them in and reports them (faults.csv).
import { z } from "zod";
import { faultKinds } from "../faults/registry.ts";
import { faultLogFor, observedTally, scheduleFaults } from "../faults/schedule.ts";
import { boolean, choice, dispatch, duration, isPlainObject, list, strict } from "../plugin/options.ts";
import { writeFaultsReport } from "../report/faultsReport.ts";
import { formatDurationUs } from "../spec/duration.ts";
import { listNames } from "../spec/errors.ts";
import type { FaultChoice, FaultsSpec } from "../spec/types.ts";
import { type Segment, section } from "./section.ts";

export const FAULTS_MAX = 1_000;

const kindsText = () => faultKinds.names().join(", ");

/** One schedule entry: `kind:` picks the fault kind, whose own schema parses the other fields. */
const faultEntry = dispatch<FaultChoice>(
  `a fault: { kind, at, for, ... } with kind one of: ${kindsText()}`,
  (value) => {
    if (!isPlainObject(value)) return undefined;
    const kind = value.kind;
    if (typeof kind !== "string" || !faultKinds.has(kind)) {
      return z.looseObject({ kind: choice(faultKinds.names()) }) as unknown as z.ZodType<FaultChoice>;
    }
    const options = faultKinds.get(kind).options;
    return z.looseObject({ kind: z.string() }).transform((entry, ctx): FaultChoice => {
      const fields: Record<string, unknown> = { ...entry };
      delete fields.kind;
      const parsed = options.safeParse(fields);
      if (parsed.success) return { kind, options: parsed.data };
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
      return z.NEVER;
    });
  },
);

// The section's defaults are its schema's: a section written without `timeout:` waits 100ms.
const schema = strict({
  timeout: duration({ positive: true }).default(100_000).describe("how long a node waits for an answer"),
  readFallback: choice(["database", "fail"] as const)
    .default("database")
    .describe("what a read does when the global cache does not answer: read the database, or fail"),
  staleIfError: boolean
    .default(true)
    .describe(
      "when the database does not answer a read that found an expired global entry, serve that entry",
    ),
  schedule: list(faultEntry, 0, FAULTS_MAX, "faults"),
}).transform(
  (o): FaultsSpec => ({
    timeoutUs: o.timeout,
    readFallback: o.readFallback,
    staleIfError: o.staleIfError,
    schedule: o.schedule,
  }),
);

export const faultsSection = section({
  field: "faults",
  schema,
  /** The section, with the names it uses checked against the nodes and shards of the file. */
  resolve(spec, check): FaultsSpec | null {
    if (spec === undefined) return null;
    const { nodeNames, shardNames, durationUs } = check;
    spec.schedule.forEach((fault, i) => {
      const where: Segment[] = ["faults", "schedule", i];
      const o = fault.options as { atUs: number; node?: string; shard?: string };
      if (o.node !== undefined && !nodeNames.includes(o.node))
        check.expect([...where, "node"], `one of the scenario's nodes: ${listNames(nodeNames)}`);
      if (o.shard !== undefined && !shardNames.includes(o.shard))
        check.expect([...where, "shard"], `one of the global cache's shards: ${listNames(shardNames)}`);
      if (o.atUs >= durationUs)
        check.expect([...where, "at"], `a time before the end of the run (${formatDurationUs(durationUs)})`);
    });
    return spec;
  },
  run(spec, context) {
    if (spec === null) return null;
    const { scheduler, nodes, recorder, intervalUs } = context;
    const log = faultLogFor(spec, { scheduler, nodes }, intervalUs);
    if (log === null) return null;
    log.traceAbandonedTo((opId) => recorder.abandon(opId));
    return {
      faults: log,
      observe: (tally) => observedTally(log, tally),
      start: (world) => scheduleFaults(spec, log, world),
      async finish(output, { endUs }) {
        await writeFaultsReport(output, log, nodes, endUs, intervalUs);
        return ["faults.csv"];
      },
    };
  },
});
