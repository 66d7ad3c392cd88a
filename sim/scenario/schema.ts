// The scenario file format as a zod schema: shapes, types and limits of the frame (the fields every
// scenario has), and each section's own schema (sim/sections/registry.ts) under its field. Field defaults
// are NOT applied here (they live in defaults.ts and are applied by load.ts), so the schema's output still
// says what the file wrote. Checks that relate one field to another (names that must exist, `at` before the end of
// the run, ...) are also in load.ts, which can point at both fields.
//
// Every error message here is the "expected ..." half of a problem; load.ts adds the path, the position
// and the "found ..." half. Objects are strict: a misspelt field is an error, not silently ignored.

import { z } from "zod";
import {
  boolean,
  choice,
  dispatch,
  duration,
  intIn,
  isPlainObject,
  list,
  nodeRef,
  strict,
} from "../plugin/options.ts";
import type { Registry } from "../plugin/registry.ts";
import { sectionShape } from "../sections/registry.ts";
import { formatCount } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import type { LatencyModel, StrategyChoice } from "../spec/types.ts";
import { SERVED_FROM } from "../spec/types.ts";
import { BulkValues } from "./bulkValues.ts";

export const NODE_NAME_RE = /^[A-Za-z0-9._-]+$/;
/** Shard names become Redis key prefixes, where a dot would read as a separator. */
export const SHARD_NAME_RE = /^[A-Za-z0-9_-]+$/;
/** `name` names the report folder, so it is a safe file name (but not "." or ".."). */
export const SCENARIO_NAME_RE = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;

export const SCRIPT_OPS = ["read", "write", "flush"] as const;

/** Names the file may use that only the registries know. */
export interface KnownNames {
  strategies: readonly string[];
  /** The `strategy` field: a preset or a composition of the catalogue's parts (strategies/strategySchema.ts). */
  strategy: z.ZodType<StrategyChoice>;
  evictions: readonly string[];
  /** `cache.eviction`: a policy name, or `{ policy, ...its options }` (sim/model/evictionPolicies.ts). */
  evictionField: z.ZodType<Record<string, unknown>>;
  /** `globalCache.eviction`: a maxmemory policy, or `{ policy, ...its options }` (eviction/maxmemoryPolicies.ts). */
  maxmemoryField: z.ZodType<Record<string, unknown>>;
  metrics: readonly string[];
  /** A latency model field: a duration, or `{ dist, ...options }` (sim/model/latency/field.ts). */
  latency: z.ZodType<LatencyModel>;
  /** Workload kinds other than `script`, each parsing the field named after it. */
  workloadKinds: Registry<{ readonly name: string; readonly options: z.ZodType }>;
}

// ---------------------------------------------------------------------------------------------------
// Leaf helpers. Each gives one message for every way a value can be wrong, so a problem reads the same
// whether the value was of the wrong type or just out of range.

const finiteNumber = z.number({ error: "expected a number" });

function name(pattern: RegExp, allowed: string) {
  const error = `expected a name made of ${allowed} (at most ${LIMITS.nameChars} characters)`;
  return z.string({ error }).regex(pattern, { error }).max(LIMITS.nameChars, { error });
}

const nodeName = name(NODE_NAME_RE, 'letters, digits, ".", "_" and "-"');
const shardName = name(SHARD_NAME_RE, 'letters, digits, "_" and "-"');
const scenarioName = name(SCENARIO_NAME_RE, 'letters, digits, ".", "_" and "-"');

function text(maxChars: number) {
  const error = `expected a string of at most ${formatCount(maxChars)} characters`;
  return z.string({ error }).max(maxChars, { error });
}

/**
 * A key or value. Unquoted YAML such as `42` or `true` reads as a number or boolean; those are let
 * through here and turned into text by load.ts, which can check the file's own spelling (`007` would
 * otherwise silently become "7").
 */
export type ScalarText = string | number | boolean;

function scalarTextError(options: { nonEmpty?: boolean } = {}): string {
  return options.nonEmpty
    ? `expected a non-empty string of at most ${formatCount(LIMITS.textChars)} characters`
    : `expected a string of at most ${formatCount(LIMITS.textChars)} characters`;
}

function isScalarText(v: unknown, options: { nonEmpty?: boolean } = {}): v is ScalarText {
  return (
    (typeof v === "string" && v.length <= LIMITS.textChars && !(options.nonEmpty && v === "")) ||
    (typeof v === "number" && Number.isFinite(v)) ||
    typeof v === "boolean"
  );
}

function scalarText(options: { nonEmpty?: boolean } = {}) {
  return z.custom<ScalarText>((v) => isScalarText(v, options), { error: scalarTextError(options) });
}

/**
 * `data.values`: a plain loop rather than z.record, which costs ~50x more per key; a file may hold
 * 1,000,000 of them.
 */
function textMapping(maxKeys: number) {
  const error = `expected a mapping of at most ${formatCount(maxKeys)} keys to string values`;
  const valueError = scalarTextError();
  return z
    .custom<Record<string, ScalarText> | BulkValues>((v) => isPlainObject(v), { error })
    .superRefine((map, ctx) => {
      if (map instanceof BulkValues) {
        for (let i = 0; i < map.count; i++) {
          const value = map.values[i];
          if (!isScalarText(value))
            ctx.addIssue({
              code: "custom",
              message: valueError,
              path: [map.keyTexts[i] as string],
              input: value,
            });
        }
        if (map.count > maxKeys) ctx.addIssue({ code: "custom", message: error, input: map });
        return;
      }
      let count = 0;
      for (const key in map) {
        count += 1;
        const value = map[key];
        if (!isScalarText(value))
          ctx.addIssue({ code: "custom", message: valueError, path: [key], input: value });
      }
      if (count > maxKeys) ctx.addIssue({ code: "custom", message: error, input: map });
    });
}

const keyText = scalarText({ nonEmpty: true });
const valueText = scalarText();

/** A schema that always fails with `expected ...`, for shapes that dispatch recognises as wrong. */
function fail(expected: string) {
  return z.custom<never>(() => false, { error: `expected ${expected}` });
}

// ---------------------------------------------------------------------------------------------------

/** Builds the schema for the known registry names (strategies, evictions, metrics) and the sections. */
export function scenarioSchema(known: KnownNames) {
  const cache = strict({
    capacity: intIn(0, LIMITS.cacheCapacity).optional(),
    capacityBytes: intIn(0, LIMITS.cacheBytes).optional(),
    ttl: duration().optional(),
    eviction: known.evictionField.optional(),
  });
  const latency = known.latency;
  const network = strict({ cache: latency.optional(), database: latency.optional() });

  const nodeObject = strict({ name: nodeName, cache: cache.optional(), network: network.optional() });
  type NodeInput = z.output<typeof nodeObject>;
  const nodeShorthand = nodeName.transform((n): NodeInput => ({ name: n }));
  const node = dispatch<NodeInput>("a node name, or a mapping with fields: name, cache, network", (value) =>
    typeof value === "string" ? nodeShorthand : isPlainObject(value) ? nodeObject : undefined,
  );

  const shardObject = strict({
    name: shardName,
    ttl: duration().optional(),
    capacity: intIn(0, LIMITS.cacheCapacity).optional(),
    capacityBytes: intIn(0, LIMITS.cacheBytes).optional(),
  });
  type ShardInput = z.output<typeof shardObject>;
  const shardShorthand = shardName.transform((n): ShardInput => ({ name: n }));
  const shard = dispatch<ShardInput>(
    "a shard name, or a mapping with fields: name, ttl, capacity, capacityBytes",
    (value) => (typeof value === "string" ? shardShorthand : isPlainObject(value) ? shardObject : undefined),
  );

  const globalCache = strict({
    ringPoints: intIn(1, LIMITS.ringPoints).optional(),
    ttl: duration().optional(),
    capacity: intIn(0, LIMITS.cacheCapacity).optional(),
    capacityBytes: intIn(0, LIMITS.cacheBytes).optional(),
    eviction: known.maxmemoryField.optional(),
    shards: list(shard, 1, LIMITS.shards, "shards").optional(),
  });

  const data = strict({
    values: textMapping(LIMITS.dataValues).optional(),
    fill: strict({
      prefix: valueText.optional(),
      count: intIn(0, LIMITS.fillCount),
      value: valueText.optional(),
    }).optional(),
  });

  const ops = {
    read: strict({ at: duration(), op: z.literal("read"), key: keyText }),
    write: strict({ at: duration(), op: z.literal("write"), key: keyText, value: valueText }),
    flush: strict({ at: duration(), op: z.literal("flush") }),
  };
  type OpInput = z.output<(typeof ops)[keyof typeof ops]>;
  const scriptOp = dispatch<OpInput>('an op such as { at: 5ms, op: read, key: "User:1" }', (value) => {
    if (!isPlainObject(value)) return undefined;
    const op = value.op;
    if (typeof op === "string" && Object.hasOwn(ops, op))
      return ops[op as keyof typeof ops] as z.ZodType<OpInput>;
    return z.looseObject({ op: choice(SCRIPT_OPS) }) as unknown as z.ZodType<OpInput>;
  });

  const scriptWorkload = strict({
    node: nodeRef,
    script: list(scriptOp, 1, LIMITS.scriptOps, "ops"),
  });
  // Every other workload kind is a plugin named by the field that holds its options (`generator:`,
  // `ycsb:`, `trace:`); its own schema parses that field.
  const kindNames = known.workloadKinds.names();
  const pluginWorkload = (kind: string) =>
    strict({
      node: nodeRef.optional(),
      nodes: list(nodeRef, 1, LIMITS.nodes, "node names").optional(),
      [kind]: known.workloadKinds.get(kind).options,
    }).transform((w): WorkloadInput => {
      const fields = w as Record<string, unknown>;
      return {
        kind,
        node: fields.node as string | undefined,
        nodes: fields.nodes as string[] | undefined,
        options: fields[kind],
      };
    });
  type WorkloadInput =
    | ({ kind: "script" } & z.output<typeof scriptWorkload>)
    | { kind: string; node?: string | undefined; nodes?: string[] | undefined; options: unknown };
  const kindsText = ["script", ...kindNames].map((k) => `\`${k}:\``).join(", ");
  const workload = dispatch<WorkloadInput>(
    `a workload: { node, script: [...] } or { nodes, generator: {...} } (one of ${kindsText})`,
    (value) => {
      if (!isPlainObject(value)) return undefined;
      const present = ["script", ...kindNames].filter((k) => k in value);
      if (present.length > 1)
        return fail(`either ${present.map((k) => `\`${k}:\``).join(" or ")} in one workload, not both`);
      if (present[0] === "script")
        return scriptWorkload.transform((w): WorkloadInput => ({ kind: "script", ...w }));
      if (present[0] !== undefined) return pluginWorkload(present[0]);
      return undefined;
    },
  );

  const readExpectation = strict({
    read: strict({ node: nodeRef, at: duration(), key: keyText.optional() }),
    value: valueText.nullable().optional(),
    stale: boolean.optional(),
    servedFrom: choice(SERVED_FROM).optional(),
  });
  const metricExpectation = strict({
    metric: choice(known.metrics),
    node: nodeRef.optional(),
    min: finiteNumber.optional(),
    max: finiteNumber.optional(),
    equals: finiteNumber.optional(),
  });
  type ExpectationInput =
    | ({ kind: "read" } & z.output<typeof readExpectation>)
    | ({ kind: "metric" } & z.output<typeof metricExpectation>);
  const expectation = dispatch<ExpectationInput>(
    "an expectation: { read: { node, at, key }, value / stale / servedFrom } or { metric, node, min / max / equals }",
    (value) => {
      if (!isPlainObject(value)) return undefined;
      if ("read" in value && "metric" in value)
        return fail("either `read:` or `metric:` in one expectation, not both");
      if ("read" in value)
        return readExpectation.transform((e): ExpectationInput => ({ kind: "read", ...e }));
      if ("metric" in value)
        return metricExpectation.transform((e): ExpectationInput => ({ kind: "metric", ...e }));
      return undefined;
    },
  );

  return strict({
    name: scenarioName.optional(),
    description: text(LIMITS.descriptionChars).optional(),
    seed: intIn(0, LIMITS.seed).optional(),
    duration: duration({ positive: true }).optional(),
    strategy: known.strategy,
    defaults: strict({ cache: cache.optional(), network: network.optional() }).optional(),
    nodes: list(node, 1, LIMITS.nodes, "nodes"),
    globalCache: globalCache.optional(),
    data: data.optional(),
    workloads: list(workload, 0, LIMITS.workloads, "workloads").optional(),
    expect: list(expectation, 0, LIMITS.expectations, "expectations").optional(),
    ...sectionShape(),
  });
}

/** What the schema makes of a file: validated and typed, durations in us, nothing defaulted yet. */
export type ScenarioInput = z.output<ReturnType<typeof scenarioSchema>>;
