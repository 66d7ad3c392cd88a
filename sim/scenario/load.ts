// Scenario loading: YAML text -> validated, fully defaulted Scenario. Three stages, each reporting every
// problem it finds (not just the first) with file, field path and line:column:
//   1. YAML syntax (yaml's own errors, positioned by its LineCounter);
//   2. shape, types and limits (schema.ts);
//   3. defaults (defaults.ts) and checks that relate fields to each other (here).
// A later stage runs only when the earlier ones passed: problems of stage 3 mean little in a file whose
// shape is wrong.

import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import type { z } from "zod";
import { maxmemoryPolicies } from "../model/eviction/maxmemoryPolicies.ts";
import { checkEvictionChoice, scenarioEvictionPolicies } from "../model/evictionPolicies.ts";
import { latencyField } from "../model/latency/field.ts";
import { Registry } from "../plugin/registry.ts";
import { resolveSections, type Scenario } from "../sections/registry.ts";
import type { SectionCheck, Segment } from "../sections/section.ts";
import { DEFAULTS } from "../spec/defaults.ts";
import { formatDurationUs } from "../spec/duration.ts";
import {
  formatCount,
  formatPath,
  listNames,
  MAX_PROBLEMS_COLLECTED,
  problem,
  problemMessage,
  quote,
  renderFound,
  ScenarioError,
  type ScenarioProblem,
} from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import {
  type Expectation,
  isScript,
  type LatencyModel,
  type NodeSpec,
  type ScriptOp,
  type ShardSpec,
  type StrategyChoice,
  type WorkloadSpec,
} from "../spec/types.ts";
import { defaultNodeCacheCapacity, usesGlobalTier } from "../strategies/catalogue.ts";
import { strategySchema } from "../strategies/strategySchema.ts";
import { workloadKinds } from "../workloads/kinds.ts";
import { pluginField, pluginOptions } from "../workloads/pluginField.ts";
import { bulkOpsOf } from "./bulkOps.ts";
import { BulkValues, bulkOf } from "./bulkValues.ts";
import { type ScalarText, type ScenarioInput, scenarioSchema } from "./schema.ts";
import { BULK_DEFAULTS, parseYaml } from "./yamlBulk.ts";
import { keyText, TREE_LIMITS, toPlainTree } from "./yamlTree.ts";

export interface LoadOptions {
  /** Registry names, e.g. ["local", "global"]. */
  knownStrategies: readonly string[];
  /** e.g. ["lru"]. */
  knownEvictions: readonly string[];
  /** summary.csv columns an expectation may name. */
  knownMetrics: readonly string[];
  /** From --seed; replaces the file's seed. */
  seedOverride?: number;
  /** From --live; replaces the file's backend. */
  modeOverride?: "memory" | "live";
  /** From --trace; replaces the file's `report.trace` (and so counts in the trace.csv limit). */
  traceOverride?: "always";
  /** Told of fields that have no effect under the chosen strategy (the file still loads). */
  onWarning?: (warning: ScenarioProblem) => void;
  /** Entries `data.values` needs to be read line by line (yamlBulk.ts); tests lower or raise it. */
  bulkMinEntries?: number;
}

/** A metric expectation names this instead of a node to mean the whole system. */
export const TOTAL_NODE = "total";

type Position = { line: number; column: number };

export function loadScenario(file: string, options: LoadOptions): Scenario {
  return parseScenario(readScenarioText(file), file, options);
}

export function parseScenario(text: string, file: string, options: LoadOptions): Scenario {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > LIMITS.fileBytes) throw tooBig(file, bytes, LIMITS.fileBytes);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

  let yaml: ReturnType<typeof parseYaml>;
  try {
    yaml = parseYaml(source, LIMITS.yamlBytes, {
      minEntries: options.bulkMinEntries ?? BULK_DEFAULTS.minEntries,
      maxEntries: LIMITS.dataValues,
      maxOps: LIMITS.scriptOps,
    });
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    throw new ScenarioError([problemMessage(file, "", undefined, TOO_DEEP)]);
  }
  if ("tooBig" in yaml) throw tooBigForYaml(file, yaml.tooBig);
  if ("tooMany" in yaml) {
    const { line, col } = yaml.lineCounter.linePos(yaml.tooMany);
    const at = { line, column: col };
    if (yaml.what === "ops") {
      const expected = `at most ${formatCount(LIMITS.scriptOps)} script ops in all workloads together`;
      const found = `more (op ${formatCount(LIMITS.scriptOps + 1)} is here)`;
      throw new ScenarioError([problem(file, "workloads", at, expected, found)]);
    }
    const expected = `a mapping of at most ${formatCount(LIMITS.dataValues)} keys to string values`;
    const found = `more (key ${formatCount(LIMITS.dataValues + 1)} is here)`;
    throw new ScenarioError([problem(file, "data.values", at, expected, found)]);
  }
  const { doc, lineCounter } = yaml;
  const positionAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const yamlProblem = (offset: number | undefined, message: string, segments: Segment[] = []) =>
    problemMessage(
      file,
      formatPath(segments),
      offset === undefined ? undefined : positionAt(offset),
      message,
    );
  // The parser gives up deep in a nest with a stack overflow and then trips over what follows: only the
  // first of those says anything.
  const overflow = doc.errors.find((e) => /Maximum call stack/.test(e.message));
  if (overflow !== undefined) throw new ScenarioError([yamlProblem(overflow.pos[0], TOO_DEEP)]);
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.slice(0, MAX_PROBLEMS_COLLECTED).map((e) => {
        // yaml's own wording here names its API (parseAllDocuments), which means nothing to the user.
        const reason =
          e.code === "MULTIPLE_DOCS"
            ? "a scenario file holds one YAML document, but this one has a second `---`"
            : e.message;
        return yamlProblem(e.pos[0], `invalid YAML: ${reason}`);
      }),
      Math.max(0, doc.errors.length - MAX_PROBLEMS_COLLECTED),
    );
  }

  const tree = toPlainTree(doc, (offset) => positionAt(offset).line);
  const treeProblems = [...yaml.problems, ...tree.problems];
  if (treeProblems.length > 0) {
    const shown = treeProblems.slice(0, MAX_PROBLEMS_COLLECTED);
    throw new ScenarioError(
      sortProblems(shown.map((p) => yamlProblem(p.offset, p.message, p.segments))),
      treeProblems.length - shown.length,
    );
  }
  const raw = tree.value;

  const located = new LocatedDoc(file, doc, raw, positionAt, tree.aliasTargets);
  const schema = scenarioSchema({
    strategies: options.knownStrategies,
    strategy: strategySchema(),
    evictions: options.knownEvictions,
    evictionField: pluginField(
      new Registry(
        scenarioEvictionPolicies.kind,
        scenarioEvictionPolicies.all().filter((p) => options.knownEvictions.includes(p.name)),
        scenarioEvictionPolicies.selector,
      ),
    ),
    maxmemoryField: pluginField(maxmemoryPolicies),
    metrics: options.knownMetrics,
    latency: latencyField(),
    workloadKinds,
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (located.full()) {
        located.skip(issue.code === "unrecognized_keys" ? issue.keys.length : 1);
        continue;
      }
      for (const p of located.fromIssue(issue)) located.add(p);
    }
    throw located.error();
  }

  const resolver = new Resolver(located, options);
  const scenario = resolver.resolve(parsed.data);
  if (located.hasProblems()) throw located.error();
  return scenario;
}

const TOO_DEEP = `invalid YAML: nested more than ${TREE_LIMITS.depth} levels deep; a scenario needs a handful`;

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /Maximum call stack/.test(error.message);
}

/**
 * A scenario file's text. Only regular files are read (a FIFO or a device would block or never end),
 * and never more than `maxBytes`: the loader's own cap by default; a sweep, which the yaml package
 * parses whole, passes LIMITS.yamlBytes.
 */
export function readScenarioText(file: string, maxBytes: number = LIMITS.fileBytes): string {
  const cannot = (reason: string) => new ScenarioError([problemMessage(file, "", undefined, reason)]);
  let fd: number | undefined;
  try {
    // Checked before opening: opening a FIFO waits for a writer, and a device such as /dev/zero never
    // ends, so only regular files are read, and never more than the size limit allows.
    const refuseUnlessFile = (stats: Stats) => {
      if (stats.isDirectory()) throw cannot("cannot read the scenario: it is a directory, not a file");
      if (!stats.isFile()) {
        throw cannot(
          "cannot read the scenario: it is not a regular file (a device, pipe or socket); save the scenario to a file first",
        );
      }
      if (stats.size > maxBytes) throw tooBig(file, stats.size, maxBytes);
    };
    refuseUnlessFile(statSync(file));
    fd = openSync(file, "r");
    refuseUnlessFile(fstatSync(fd));
    // The file may grow between fstat and read: read at most one byte past the limit, so a file that
    // did is refused rather than read without bound. The buffer starts at the size fstat saw.
    let buffer = Buffer.allocUnsafe(Math.min(fstatSync(fd).size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw tooBig(file, length, maxBytes);
        const grown = Buffer.allocUnsafe(Math.min(length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw tooBig(file, length, maxBytes);
    return buffer.toString("utf8", 0, length);
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw cannot("no such file");
    if (code === "EACCES" || code === "EPERM") throw cannot("cannot read the scenario: permission denied");
    if (code === "EISDIR") throw cannot("cannot read the scenario: it is a directory, not a file");
    throw cannot(`cannot read the scenario: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tooBig(file: string, size: number, maxBytes: number): ScenarioError {
  const expected = `a scenario file of at most ${formatCount(maxBytes)} bytes`;
  const found = size > maxBytes + 1 ? `${formatCount(size)} bytes` : "more";
  return new ScenarioError([problem(file, "", undefined, expected, found)]);
}

function tooBigForYaml(file: string, bytes: number): ScenarioError {
  const expected = `at most ${formatCount(LIMITS.yamlBytes)} bytes of YAML besides bulk mappings and lists (\`data.values\` written one \`key: value\` per line, \`script:\` lists one \`- { at: ..., op: ... }\` per line, which may fill the rest of the ${formatCount(LIMITS.fileBytes)} bytes)`;
  return new ScenarioError([problem(file, "", undefined, expected, `${formatCount(bytes)} bytes`)]);
}

/** File order reads best; problems without a position go last. Array sort is stable. */
function sortProblems(problems: ScenarioProblem[]): ScenarioProblem[] {
  const line = (p: ScenarioProblem) => p.line ?? Number.POSITIVE_INFINITY;
  return problems.sort((a, b) => line(a) - line(b) || (a.column ?? 0) - (b.column ?? 0));
}

/** The parsed file three ways (YAML nodes for positions, plain JS for "found"), plus problems so far. */
class LocatedDoc {
  private readonly collected: ScenarioProblem[] = [];
  private readonly seen = new Set<string>();
  private uncollected = 0;
  /** Per mapping, its pairs by the text of their key: finding a field stays O(1) in huge mappings. */
  private readonly pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly raw: unknown,
    private readonly positionAt: (offset: number) => Position,
    private readonly aliasTargets: ReadonlyMap<Alias, Node>,
  ) {}

  /** Records a problem, once (the same path and message twice is one problem), up to the cap. */
  add(p: ScenarioProblem): void {
    const key = `${p.path}\u0000${p.message}`;
    if (this.seen.has(key)) return;
    if (this.full()) {
      this.uncollected += 1;
      return;
    }
    this.seen.add(key);
    this.collected.push(p);
  }

  /** Whether the cap on collected problems is reached (later ones are only counted). */
  full(): boolean {
    return this.collected.length >= MAX_PROBLEMS_COLLECTED;
  }

  skip(count: number): void {
    this.uncollected += count;
  }

  hasProblems(): boolean {
    return this.collected.length > 0;
  }

  error(): ScenarioError {
    return new ScenarioError(sortProblems([...this.collected]), this.uncollected);
  }

  /** An alias's target (found by toPlainTree), or the node itself. */
  resolve(node: unknown): unknown {
    return isAlias(node) ? (this.aliasTargets.get(node) ?? node) : node;
  }

  /** The YAML node at a path (through aliases), or undefined when the field is absent. */
  node(segments: readonly Segment[]): Node | undefined {
    let current: unknown = this.doc.contents;
    for (const segment of segments) {
      current = this.resolve(current);
      const bulk = bulkOf(current);
      const ops = bulkOpsOf(current);
      if (ops !== undefined) current = typeof segment === "number" ? ops.node(segment) : undefined;
      else if (bulk !== undefined) {
        const i = bulk.indexOf(String(segment));
        current = i === undefined ? undefined : bulk.node(i, "value");
      } else if (isSeq(current) && typeof segment === "number") current = current.items[segment];
      else if (isMap(current)) current = this.pairs(current).get(String(segment))?.value;
      else return undefined;
    }
    return current && typeof current === "object" && "range" in current ? (current as Node) : undefined;
  }

  pairs(map: YAMLMap): Map<string, Pair> {
    let index = this.pairIndex.get(map);
    if (index === undefined) {
      index = new Map();
      for (const pair of map.items as Pair[]) {
        const text = keyText(this.resolve(pair.key));
        if (text !== undefined && !index.has(text)) index.set(text, pair);
      }
      this.pairIndex.set(map, index);
    }
    return index;
  }

  positionOf(node: unknown): Position | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.positionAt(range[0]) : undefined;
  }

  /** Position of the value at a path; for a field that is absent, of the nearest thing that is there. */
  locate(segments: readonly Segment[]): Position | undefined {
    for (let n = segments.length; n >= 0; n--) {
      const range = this.node(segments.slice(0, n))?.range;
      if (range) return this.positionAt(range[0]);
    }
    return this.doc.contents === null ? { line: 1, column: 1 } : undefined;
  }

  /** Position of a key inside the mapping at `segments` (for unknown fields), else of the mapping. */
  locateKey(segments: readonly Segment[], key: string): Position | undefined {
    const map = this.resolve(this.node(segments));
    if (isMap(map)) {
      const position = this.positionOf(this.pairs(map).get(key)?.key);
      if (position) return position;
    }
    return this.locate(segments);
  }

  valueAt(segments: readonly Segment[]): unknown {
    let value: unknown = this.raw;
    for (const segment of segments) {
      if (typeof value !== "object" || value === null) return undefined;
      value =
        value instanceof BulkValues
          ? value.get(String(segment))
          : (value as Record<string | number, unknown>)[segment];
    }
    return value;
  }

  /** Records "path: expected X, found <the file's value at path>". */
  expect(segments: readonly Segment[], expected: string, suffix = ""): void {
    const found = renderFound(this.valueAt(segments));
    this.add(problem(this.file, formatPath(segments), this.locate(segments), expected, found, suffix));
  }

  fromIssue(issue: z.core.$ZodIssue): ScenarioProblem[] {
    const segments = issue.path.filter((s): s is Segment => typeof s === "string" || typeof s === "number");
    const pathText = formatPath(segments);
    if (issue.code === "unrecognized_keys") {
      const known = issue.message.replace(/^expected /, "");
      return issue.keys.map((key) =>
        problemMessage(
          this.file,
          pathText,
          this.locateKey(segments, key),
          `unknown field ${quote(key)} (expected ${known})`,
          known,
          quote(key),
        ),
      );
    }
    const expected = issue.message.startsWith("expected ")
      ? issue.message.slice("expected ".length)
      : fallback(issue);
    const emptyFile = segments.length === 0 && this.doc.contents === null;
    const found = emptyFile ? "an empty file" : renderFound(this.valueAt(segments));
    return [problem(this.file, pathText, this.locate(segments), expected, found)];
  }
}

/** For issues raised without one of schema.ts's messages (should be rare: zod internals). */
function fallback(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `a ${issue.expected}`;
    case "invalid_value":
      return `one of: ${issue.values.map((v) => String(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

type WorkloadInput = NonNullable<ScenarioInput["workloads"]>[number];
type ExpectationInput = NonNullable<ScenarioInput["expect"]>[number];

/** Applies defaults and the cross-field checks; records problems on the LocatedDoc as it goes. */
class Resolver {
  constructor(
    private readonly at: LocatedDoc,
    private readonly options: LoadOptions,
  ) {}

  resolve(input: ScenarioInput): Scenario {
    const durationUs = input.duration ?? DEFAULTS.durationUs;
    const choice = input.strategy;
    const nodes = this.nodes(input, choice);
    this.warnIneffective(input, choice, nodes);
    const nodeNames = [...new Set(nodes.map((n) => n.name))];
    const workloads = this.workloads(input.workloads ?? [], nodeNames, durationUs);
    const globalCache = this.globalCache(input);
    const at = this.at;
    const check: SectionCheck = {
      durationUs,
      nodes,
      nodeNames,
      shardNames: globalCache.shards.map((s) => s.name),
      workloads,
      overrides: { trace: this.options.traceOverride, mode: this.options.modeOverride },
      expect: (segments, expected, suffix) => at.expect(segments, expected, suffix),
      refuse: (segments, expected, found) => at.add(this.problemAt(segments, expected, found)),
      valueAt: (segments) => at.valueAt(segments),
    };
    const sections = resolveSections(input, check);
    // Checks across sections: whether there is a trace is report's to say, its row limit limits'.
    const { report, limits } = sections;
    if (report.trace === "always" || (report.trace === "auto" && workloads.every(isScript)))
      this.checkTraceRows(input, workloads, limits.traceRowsMax);
    return {
      file: this.at.file,
      name: input.name ?? nameFromFile(this.at.file),
      description: input.description ?? DEFAULTS.description,
      seed: this.seed(input.seed),
      durationUs,
      strategy: input.strategy,
      nodes,
      globalCache,
      data: this.data(input),
      workloads,
      expectations: this.expectations(input.expect ?? [], nodeNames, workloads, durationUs),
      ...sections,
    };
  }

  /**
   * `limits.traceRows` against the rows trace.csv is sure to need: one per script op and generated
   * request. A workload bounded only by the run's duration is checked as its rows are written.
   */
  private checkTraceRows(input: ScenarioInput, workloads: readonly WorkloadSpec[], rowsMax: number): void {
    let rows = 0;
    let crossing = -1;
    for (const [i, w] of workloads.entries()) {
      const requests = isScript(w) ? w.ops.length : workloadKinds.get(w.kind).requestsMax(w.options);
      if (requests === undefined) return;
      rows += requests;
      if (rows > rowsMax && crossing === -1) crossing = i;
    }
    if (crossing === -1) return;
    if (input.limits?.traceRows !== undefined) {
      this.at.expect(
        ["limits", "traceRows"],
        `a limit no lower than the ${formatCount(rows)} rows trace.csv will need (one per op and request), or report.trace: never`,
      );
      return;
    }
    const w = workloads[crossing] as WorkloadSpec;
    const where: Segment[] = ["workloads", crossing, isScript(w) ? "script" : w.kind];
    this.at.add(
      this.problemAt(
        where,
        `at most ${formatCount(rowsMax)} ops and requests in all, one trace.csv row each (limits.traceRows; raise it, or set report.trace: never)`,
        `${formatCount(rows)} in all`,
      ),
    );
  }

  private problemAt(segments: readonly Segment[], expected: string, found: string): ScenarioProblem {
    return problem(this.at.file, formatPath(segments), this.at.locate(segments), expected, found);
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

  private globalCache(input: ScenarioInput): Scenario["globalCache"] {
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

  private data(input: ScenarioInput): Scenario["data"] {
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
