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
// fault-free path everywhere.

import { z } from "zod";
import { boolean, choice, dispatch, duration, isPlainObject, list, strict } from "../plugin/options.ts";
import type { FaultChoice, FaultsSpec } from "../spec/types.ts";
import { faultKinds } from "./registry.ts";

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

export const faultsSection = strict({
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
