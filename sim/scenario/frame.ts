// The scenario's frame: the fields every scenario has (name, seed, duration, strategy, nodes, the global
// cache, data, workloads, expectations), resolved from what the schema made of the file. Defaults come
// from sim/spec/defaults.ts; the checks relate the frame's fields to each other (a workload's node must
// exist, a scripted op must begin before the run ends, ...). The sections (sim/sections/) are checked
// against the frame this returns.
import path from "node:path";
import { isMap, isScalar } from "yaml";
import { checkEvictionChoice } from "../model/evictionPolicies.ts";
import type { Segment } from "../sections/section.ts";
import { DEFAULTS } from "../spec/defaults.ts";
import { formatDurationUs } from "../spec/duration.ts";
import {
  formatCount,
  formatPath,
  listNames,
  problem,
  problemMessage,
  quote,
  type ScenarioProblem,
} from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import {
  type Expectation,
  isScript,
  type LatencyModel,
  type NodeSpec,
  type ScenarioFrame,
  type ScriptOp,
  type ShardSpec,
  type StrategyChoice,
  type WorkloadSpec,
} from "../spec/types.ts";
import { defaultNodeCacheCapacity, usesGlobalTier } from "../strategies/catalogue.ts";
import { pluginOptions } from "../workloads/pluginField.ts";
import { BulkValues } from "./bulkValues.ts";
import type { LocatedDoc } from "./locatedDoc.ts";
import type { ScalarText, ScenarioInput } from "./schema.ts";
import { keyText } from "./yamlTree.ts";

/** A metric expectation names this instead of a node to mean the whole system. */
export const TOTAL_NODE = "total";

type WorkloadInput = NonNullable<ScenarioInput["workloads"]>[number];
type ExpectationInput = NonNullable<ScenarioInput["expect"]>[number];

/** What the frame takes from the loader's options. */
export interface FrameOptions {
  /** e.g. ["lru"]. */
  knownEvictions: readonly string[];
  /** From --seed; replaces the file's seed. */
  seedOverride?: number;
  /** Told of fields that have no effect under the chosen strategy (the file still loads). */
  onWarning?: (warning: ScenarioProblem) => void;
}

/** Applies the frame's defaults and its cross-field checks; records problems on the LocatedDoc. */
export class FrameResolver {
  constructor(
    private readonly at: LocatedDoc,
    private readonly options: FrameOptions,
  ) {}

  resolve(input: ScenarioInput): ScenarioFrame {
    const durationUs = input.duration ?? DEFAULTS.durationUs;
    const choice = input.strategy;
    const nodes = this.nodes(input, choice);
    this.warnIneffective(input, choice, nodes);
    const nodeNames = [...new Set(nodes.map((n) => n.name))];
    const workloads = this.workloads(input.workloads ?? [], nodeNames, durationUs);
    return {
      file: this.at.file,
      name: input.name ?? nameFromFile(this.at.file),
      description: input.description ?? DEFAULTS.description,
      seed: this.seed(input.seed),
      durationUs,
      strategy: input.strategy,
      nodes,
      globalCache: this.globalCache(input),
      data: this.data(input),
      workloads,
      expectations: this.expectations(input.expect ?? [], nodeNames, workloads, durationUs),
    };
  }

  /** Where a node's or shard's name is written: the item itself in the bare-string shorthand. */
  private nameSegments(item: Segment[]): Segment[] {
    return typeof this.at.valueAt(item) === "string" ? item : [...item, "name"];
  }

  private seed(fromFile: number | undefined): number {
    const override = this.options.seedOverride;
    if (override === undefined) return fromFile ?? DEFAULTS.seed;
    if (!Number.isSafeInteger(override) || override < 0) {
      const expected = `a seed that is an integer from 0 to ${formatCount(LIMITS.seed)}`;
      this.at.add(problem(this.at.file, "--seed", undefined, expected, String(override)));
    }
    return override;
  }

  /**
   * Fields that the chosen strategy never reads: not errors (a file may be switched between strategies
   * to compare them), but worth a line, since the user surely expects them to matter.
   */
  private warnIneffective(input: ScenarioInput, choice: StrategyChoice, nodes: readonly NodeSpec[]): void {
    const warn = (segments: Segment[], message: string) => {
      this.options.onWarning?.(
        problemMessage(this.at.file, formatPath(segments), this.at.locate(segments), message),
      );
    };
    const under = `under strategy ${choice.name}`;
    if (!usesGlobalTier(choice)) {
      if (input.globalCache !== undefined)
        warn(["globalCache"], `has no effect ${under}, which has no global cache`);
      if (input.defaults?.network?.cache !== undefined)
        warn(["defaults", "network", "cache"], `has no effect ${under}, which has no global cache`);
      input.nodes.forEach((node, i) => {
        if (node.network?.cache !== undefined)
          warn(["nodes", i, "network", "cache"], `has no effect ${under}, which has no global cache`);
      });
    }
    const global = input.globalCache;
    if (usesGlobalTier(choice) && global?.eviction !== undefined) {
      const bounded =
        (global.capacity ?? 0) > 0 ||
        (global.capacityBytes ?? 0) > 0 ||
        (global.shards ?? []).some((s) => (s.capacity ?? 0) > 0 || (s.capacityBytes ?? 0) > 0);
      if (!bounded)
        warn(
          ["globalCache", "eviction"],
          "has no effect: no shard is bounded (set globalCache.capacity or capacityBytes)",
        );
    }
    input.nodes.forEach((node, i) => {
      if ((nodes[i]?.cache.capacity ?? 1) > 0) return;
      for (const field of ["ttl", "eviction"] as const) {
        if (node.cache?.[field] !== undefined)
          warn(["nodes", i, "cache", field], "has no effect: this node has no local cache (capacity 0)");
      }
    });
  }

  private nodes(input: ScenarioInput, choice: StrategyChoice): NodeSpec[] {
    // Per strategy: the local story is about nodes' own caches; over a global tier a near cache is opt-in.
    const defaultCapacity = defaultNodeCacheCapacity(choice);
    const fileDefaults = input.defaults;
    const firstIndex = new Map<string, number>();
    return input.nodes.map((node, i): NodeSpec => {
      const where: Segment[] = ["nodes", i];
      const nameAt = this.nameSegments(where);
      const previous = firstIndex.get(node.name);
      if (previous !== undefined) {
        this.at.expect(nameAt, "a unique node name", ` (also nodes[${previous}])`);
      } else firstIndex.set(node.name, i);
      if (node.name === TOTAL_NODE) {
        this.at.expect(
          nameAt,
          `a node name other than "${TOTAL_NODE}" (metric expectations use it for all nodes)`,
        );
      }

      const evictionValue = node.cache?.eviction ?? fileDefaults?.cache?.eviction;
      const chosen = evictionValue === undefined ? undefined : pluginOptions(evictionValue, "policy");
      const eviction = chosen?.name ?? DEFAULTS.nodeCache.eviction;
      if (!this.options.knownEvictions.includes(eviction)) {
        // Only reachable through the built-in default: the schema checks names written in the file.
        this.at.add(
          problem(
            this.at.file,
            formatPath([...where, "cache", "eviction"]),
            this.at.locate(where),
            `one of: ${listNames(this.options.knownEvictions)}`,
            `${JSON.stringify(eviction)} (the built-in default)`,
          ),
        );
      }
      const cache = {
        capacity: node.cache?.capacity ?? fileDefaults?.cache?.capacity ?? defaultCapacity,
        capacityBytes:
          node.cache?.capacityBytes ?? fileDefaults?.cache?.capacityBytes ?? DEFAULTS.nodeCache.capacityBytes,
        ttlUs: node.cache?.ttl ?? fileDefaults?.cache?.ttl ?? DEFAULTS.nodeCache.ttlUs,
        eviction,
        evictionOptions: chosen?.options ?? {},
      };
      if (cache.capacity > 0 || cache.capacityBytes > 0) {
        const misfit = checkEvictionChoice(
          eviction,
          cache.evictionOptions,
          cache.capacity,
          cache.capacityBytes,
        );
        if (misfit !== null) {
          const at = node.cache?.eviction !== undefined ? [...where, "cache", "eviction"] : where;
          this.at.add(
            problemMessage(
              this.at.file,
              formatPath([...where, "cache", "eviction"]),
              this.at.locate(at),
              misfit,
            ),
          );
        }
      }
      return {
        name: node.name,
        cache,
        network: {
          cache: cloneModel(node.network?.cache ?? fileDefaults?.network?.cache ?? DEFAULTS.network.cache),
          database: cloneModel(
            node.network?.database ?? fileDefaults?.network?.database ?? DEFAULTS.network.database,
          ),
        },
      };
    });
  }

  private globalCache(input: ScenarioInput): ScenarioFrame["globalCache"] {
    const spec = input.globalCache;
    const ttlUs = spec?.ttl ?? DEFAULTS.globalCache.ttlUs;
    const capacity = spec?.capacity ?? DEFAULTS.globalCache.capacity;
    const capacityBytes = spec?.capacityBytes ?? DEFAULTS.globalCache.capacityBytes;
    const shards: ShardSpec[] = spec?.shards
      ? spec.shards.map((s) => ({
          name: s.name,
          ttlUs: s.ttl ?? ttlUs,
          capacity: s.capacity ?? capacity,
          capacityBytes: s.capacityBytes ?? capacityBytes,
        }))
      : DEFAULTS.globalCache.shardNames.map((name) => ({ name, ttlUs, capacity, capacityBytes }));
    const firstIndex = new Map<string, number>();
    shards.forEach((shard, i) => {
      const previous = firstIndex.get(shard.name);
      if (previous === undefined) firstIndex.set(shard.name, i);
      else {
        const nameAt = this.nameSegments(["globalCache", "shards", i]);
        this.at.expect(nameAt, "a unique shard name", ` (also globalCache.shards[${previous}])`);
      }
    });
    const ringPoints = spec?.ringPoints ?? DEFAULTS.globalCache.ringPoints;
    if (shards.length * ringPoints > LIMITS.ringPointsTotal) {
      const most = Math.max(1, Math.floor(LIMITS.ringPointsTotal / shards.length));
      const where: Segment[] =
        spec?.ringPoints !== undefined ? ["globalCache", "ringPoints"] : ["globalCache", "shards"];
      this.at.expect(
        where,
        `at most ${formatCount(LIMITS.ringPointsTotal)} ring points in all (shards x ringPoints); with ${formatCount(shards.length)} shards, ringPoints of at most ${formatCount(most)}`,
      );
    }
    const chosen = spec?.eviction === undefined ? undefined : pluginOptions(spec.eviction, "policy");
    return {
      shards,
      ringPoints,
      eviction: chosen?.name ?? DEFAULTS.globalCache.eviction,
      evictionOptions: chosen?.options ?? {},
    };
  }

  private data(input: ScenarioInput): ScenarioFrame["data"] {
    const fill = input.data?.fill;
    return {
      values: this.dataValues(input.data?.values),
      fill: fill
        ? {
            prefix: this.text(fill.prefix ?? DEFAULTS.dataFill.prefix, ["data", "fill", "prefix"]),
            count: fill.count,
            value: this.text(fill.value ?? DEFAULTS.dataFill.value, ["data", "fill", "value"]),
          }
        : null,
    };
  }

  /**
   * In file order, which Object.entries would not give: it puts integer-like keys ("2") first. So the
   * order (and the spelling of unquoted keys such as 007) comes from the YAML mapping itself.
   */
  private dataValues(values: Record<string, ScalarText> | BulkValues | undefined): Array<[string, string]> {
    if (values === undefined) return [];
    const where: Segment[] = ["data", "values"];
    if (values instanceof BulkValues) return this.bulkValues(values, where);
    const map = this.at.resolve(this.at.node(where));
    if (!isMap(map)) {
      return Object.entries(values).map(([key, value]) => [key, this.text(value, [...where, key])]);
    }
    const entries: Array<[string, string]> = [];
    // The database takes each key once; keys that YAML types differently (1 and "1") are caught by
    // toPlainTree already, so this only guards that promise.
    const seen = new Set<string>();
    for (const pair of map.items) {
      const keyNode = this.at.resolve(pair.key);
      const jsKey = keyText(keyNode);
      if (jsKey === undefined || !Object.hasOwn(values, jsKey)) continue;
      const key = isScalar(keyNode)
        ? this.scalarText(keyNode.value, keyNode, [...where, jsKey], "key")
        : jsKey;
      if (seen.has(key)) {
        this.at.expect([...where, jsKey], "each key once", "");
        continue;
      }
      seen.add(key);
      const value = values[jsKey] as ScalarText;
      entries.push([key, this.scalarText(value, this.at.resolve(pair.value), [...where, jsKey], "value")]);
    }
    return entries;
  }

  /**
   * The same for `data.values` read on the fast path: keys are unique by their text already, and a key
   * whose text differs from its spelling (007) is a problem, so no two entries can give the same key.
   */
  private bulkValues(bulk: BulkValues, where: Segment[]): Array<[string, string]> {
    const entries: Array<[string, string]> = new Array(bulk.count);
    const asText = (value: unknown, source: string, i: number, what: "key" | "value"): string => {
      if (typeof value === "string") return value;
      if (source === String(value)) return source;
      const segments = [...where, bulk.keyTexts[i] as string];
      return this.scalarText(value, bulk.node(i, what), segments, what);
    };
    for (let i = 0; i < bulk.count; i++) {
      entries[i] = [
        asText(bulk.keys[i], bulk.keySources[i] as string, i, "key"),
        asText(bulk.values[i], bulk.valueSources[i] as string, i, "value"),
      ];
    }
    return entries;
  }

  /** A key or value from the file as text; see ScalarText in schema.ts. */
  private text(value: ScalarText, segments: readonly Segment[]): string {
    // Strings are taken as they are: finding the node is only for the spelling of the others.
    if (typeof value === "string") return value;
    return this.scalarText(value, this.at.resolve(this.at.node(segments)), segments, "value");
  }

  private scalarText(
    value: unknown,
    node: unknown,
    segments: readonly Segment[],
    what: "key" | "value",
  ): string {
    if (typeof value === "string") return value;
    const written = isScalar(node) ? node.source : undefined;
    // Unquoted 42 or true is unambiguous text; 007, 1.0, 1e3, 0x1f or True would not survive the
    // round trip through a number, so the user has to say which text they meant.
    if (written !== undefined && written === String(value)) return written;
    const shown = written ?? String(value);
    this.at.add(
      problem(
        this.at.file,
        formatPath(segments),
        this.at.positionOf(node) ?? this.at.locate(segments),
        `a string ${what}; put it in quotes to keep it as written: ${quote(shown)}`,
        `${quote(shown).slice(1, -1)} (read by YAML as a ${typeof value})`,
      ),
    );
    return shown;
  }

  private nodeRef(segments: readonly Segment[], name: string, nodeNames: readonly string[]): boolean {
    if (nodeNames.includes(name)) return true;
    this.at.expect(segments, `one of the nodes: ${listNames(nodeNames)}`);
    return false;
  }

  private workloads(
    list: readonly WorkloadInput[],
    nodeNames: readonly string[],
    durationUs: number,
  ): WorkloadSpec[] {
    if (list.length === 0) {
      const where: Segment[] = ["workloads"];
      const p = problem(
        this.at.file,
        "workloads",
        this.at.locate(where),
        "at least one workload (a script, generator, ycsb or trace)",
        "none",
      );
      this.at.add({ ...p, message: `nothing to do: ${p.message}` });
      return [];
    }
    let opsTotal = 0;
    return list.map((workload, i): WorkloadSpec => {
      const where: Segment[] = ["workloads", i];
      if (workload.kind === "script" && "script" in workload) {
        this.nodeRef([...where, "node"], workload.node, nodeNames);
        opsTotal += workload.script.length;
        if (opsTotal > LIMITS.scriptOps && opsTotal - workload.script.length <= LIMITS.scriptOps) {
          this.at.expect(
            [...where, "script"],
            `at most ${formatCount(LIMITS.scriptOps)} script ops in all workloads together`,
          );
        }
        const ops = workload.script.map((op, j): ScriptOp => {
          const opWhere: Segment[] = [...where, "script", j];
          if (op.at >= durationUs) {
            this.at.expect(
              [...opWhere, "at"],
              `a time before the end of the run (duration: ${formatDurationUs(durationUs)})`,
              ": the op would never run",
            );
          }
          switch (op.op) {
            case "read":
              return { atUs: op.at, op: "read", key: this.text(op.key, [...opWhere, "key"]) };
            case "write":
              return {
                atUs: op.at,
                op: "write",
                key: this.text(op.key, [...opWhere, "key"]),
                value: this.text(op.value, [...opWhere, "value"]),
              };
            default:
              return { atUs: op.at, op: "flush" };
          }
        });
        // Files may list ops in any order; the runner wants time order, ties kept as written.
        ops.sort((a, b) => a.atUs - b.atUs);
        return { kind: "script", nodes: [workload.node], ops };
      }

      if (!("options" in workload)) throw new Error("unreachable: a script workload without `script:`");
      let nodes: string[];
      if (workload.node !== undefined && workload.nodes !== undefined) {
        this.at.expect([...where, "nodes"], "either `node:` or `nodes:`, not both");
        nodes = [];
      } else if (workload.node !== undefined) {
        nodes = this.nodeRef([...where, "node"], workload.node, nodeNames) ? [workload.node] : [];
      } else if (workload.nodes !== undefined) {
        const seen = new Set<string>();
        nodes = [];
        workload.nodes.forEach((name, j) => {
          if (!this.nodeRef([...where, "nodes", j], name, nodeNames)) return;
          if (seen.has(name)) this.at.expect([...where, "nodes", j], "each node listed once");
          else {
            seen.add(name);
            nodes.push(name);
          }
        });
      } else nodes = [...nodeNames];

      return { kind: workload.kind, nodes, options: workload.options };
    });
  }

  private expectations(
    list: readonly ExpectationInput[],
    nodeNames: readonly string[],
    workloads: readonly WorkloadSpec[],
    durationUs: number,
  ): Expectation[] {
    return list.map((e, i): Expectation => {
      const where: Segment[] = ["expect", i];
      const pathText = formatPath(where);
      if (e.kind === "metric") {
        const node = e.node ?? DEFAULTS.metricNode;
        if (node !== TOTAL_NODE && !nodeNames.includes(node)) {
          this.at.expect([...where, "node"], `"${TOTAL_NODE}" or one of the nodes: ${listNames(nodeNames)}`);
        }
        if (e.min === undefined && e.max === undefined && e.equals === undefined) {
          this.at.expect(where, "at least one of `min:`, `max:` or `equals:`");
        }
        if (e.min !== undefined && e.max !== undefined && e.min > e.max) {
          this.at.expect([...where, "max"], `a max no smaller than min (${e.min})`);
        }
        return {
          kind: "metric",
          path: pathText,
          metric: e.metric,
          node,
          min: e.min,
          max: e.max,
          equals: e.equals,
        };
      }

      const readWhere: Segment[] = [...where, "read"];
      const node = e.read.node;
      const known = this.nodeRef([...readWhere, "node"], node, nodeNames);
      const key = e.read.key === undefined ? null : this.text(e.read.key, [...readWhere, "key"]);
      if (e.value === undefined && e.stale === undefined && e.servedFrom === undefined) {
        this.at.expect(where, "at least one of `value:`, `stale:` or `servedFrom:` next to `read:`");
      }
      if (e.read.at >= durationUs) {
        this.at.expect(
          [...readWhere, "at"],
          `a time before the end of the run (duration: ${formatDurationUs(durationUs)})`,
          ": no read begins then",
        );
      } else if (known) this.checkScriptedRead(readWhere, node, e.read.at, key, workloads);
      return {
        kind: "read",
        path: pathText,
        node,
        atUs: e.read.at,
        key,
        value: e.value === undefined || e.value === null ? e.value : this.text(e.value, [...where, "value"]),
        stale: e.stale,
        servedFrom: e.servedFrom,
      };
    });
  }

  /**
   * When only scripts drive the node, the reads it will begin are known now, so an expectation that
   * matches none of them (a typo in `at:` or `key:`) is reported here rather than failing after the run.
   */
  private checkScriptedRead(
    where: Segment[],
    node: string,
    atUs: number,
    key: string | null,
    workloads: readonly WorkloadSpec[],
  ): void {
    const driving = workloads.filter((w) => w.nodes.includes(node));
    if (!driving.every(isScript)) return;
    const reads = driving.flatMap((w) =>
      isScript(w) ? w.ops.filter((op): op is Extract<ScriptOp, { op: "read" }> => op.op === "read") : [],
    );
    const atTime = reads.filter((op) => op.atUs === atUs);
    const matching = key === null ? atTime : atTime.filter((op) => op.key === key);
    if (matching.length === 0) {
      const times = [...new Set(reads.map((op) => formatDurationUs(op.atUs)))];
      const expected =
        reads.length === 0
          ? `a read that ${node} begins, but no script reads on ${node}`
          : key !== null && atTime.length > 0
            ? `a key that ${node} reads at ${formatDurationUs(atUs)} (${listNames([...new Set(atTime.map((op) => op.key))])})`
            : `a time at which ${node} begins a read (${listNames(times)})`;
      this.at.expect(key !== null && atTime.length > 0 ? [...where, "key"] : [...where, "at"], expected);
    } else if (matching.length > 1 && key === null) {
      this.at.expect(
        [...where, "key"],
        `a key to say which of the ${matching.length} reads ${node} begins at ${formatDurationUs(atUs)} is meant`,
      );
    }
  }
}

function cloneModel(model: LatencyModel): LatencyModel {
  return { ...model };
}

/** `scenarios/local-stale.yaml` -> `local-stale`; characters a folder name should not have become "_". */
function nameFromFile(file: string): string {
  const base = path.basename(file, path.extname(file)).replace(/[^A-Za-z0-9._-]+/g, "_");
  return base === "" || base === "." || base === ".." ? "scenario" : base.slice(0, LIMITS.nameChars);
}
