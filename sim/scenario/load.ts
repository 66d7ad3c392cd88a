// Scenario loading: YAML text -> validated, fully defaulted Scenario. Three stages, each reporting every
// problem it finds (not just the first) with file, field path and line:column:
//   1. YAML syntax (yaml's own errors, positioned by its LineCounter);
//   2. shape, types and limits (schema.ts: the frame's fields and each section's own schema);
//   3. defaults and the checks that relate fields to each other: the frame's (frame.ts), then each
//      section's against the frame (sim/sections/), then the few that relate two sections (here).
// A later stage runs only when the earlier ones passed: problems of stage 3 mean little in a file whose
// shape is wrong. Every problem goes through the LocatedDoc (locatedDoc.ts), which gives it its position.

import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { maxmemoryPolicies } from "../model/eviction/maxmemoryPolicies.ts";
import { scenarioEvictionPolicies } from "../model/evictionPolicies.ts";
import { latencyField } from "../model/latency/field.ts";
import { latencyModels } from "../model/latency/registry.ts";
import { Registry } from "../plugin/registry.ts";
import { inScenarioFolder } from "../plugin/scenarioFiles.ts";
import { resolveSections, type Scenario } from "../sections/registry.ts";
import type { SectionCheck, Segment } from "../sections/section.ts";
import {
  formatCount,
  formatPath,
  MAX_PROBLEMS_COLLECTED,
  problem,
  problemMessage,
  ScenarioError,
} from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import { isScript, type WorkloadSpec } from "../spec/types.ts";
import { strategySchema } from "../strategies/strategySchema.ts";
import { workloadKinds } from "../workloads/kinds.ts";
import { pluginField } from "../workloads/pluginField.ts";
import { type FrameOptions, FrameResolver } from "./frame.ts";
import { LocatedDoc, type Position, sortProblems } from "./locatedDoc.ts";
import { type ScenarioInput, scenarioSchema } from "./schema.ts";
import { BULK_DEFAULTS, parseYaml } from "./yamlBulk.ts";
import { TREE_LIMITS, toPlainTree } from "./yamlTree.ts";

export interface LoadOptions extends FrameOptions {
  /** Registry names, e.g. ["local", "global"]. */
  knownStrategies: readonly string[];
  /** summary.csv columns an expectation may name. */
  knownMetrics: readonly string[];
  /** From --live; replaces the file's backend. */
  modeOverride?: "memory" | "live";
  /** From --trace; replaces the file's `report.trace` (and so counts in the trace.csv limit). */
  traceOverride?: "always";
  /** Entries `data.values` needs to be read line by line (yamlBulk.ts); tests lower or raise it. */
  bulkMinEntries?: number;
}

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
  const schema = schemaFor(options);
  // Files the scenario names (an empirical latency table) are read from the scenario's folder.
  const parsed = inScenarioFolder(file, () => schema.safeParse(raw, PARSE_CONTEXT));
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

  const scenario = resolveScenario(parsed.data, located, options);
  if (located.hasProblems()) throw located.error();
  return scenario;
}

type Schema = ReturnType<typeof scenarioSchema>;

/**
 * The schema for the last names asked for, kept: building its zod objects was 6 - 7 ms of a 10 ms parse
 * once warm, and a sweep parses every point twice, once to check them all before any runs and once to
 * run it. The registries never change after load, and a zod schema holds nothing of what it parsed, so
 * the names alone decide the schema (tests pass narrower lists).
 */
let lastSchema: { names: string; schema: Schema } | null = null;

/**
 * Without zod's compiled fast path: zod writes and compiles checking code (`new Function`) for each
 * object schema the first time it parses, which a run that parses one file never earns back (the first
 * parse took 22 - 29 ms without it against 27 - 36 ms with it; once warm, 2.6 - 4.1 ms against 3.1 -
 * 3.5 ms, the same within the noise). Set per parse, so a program that uses zod beside cachesim keeps
 * its own setting.
 */
const PARSE_CONTEXT = { jitless: true } as const;

function schemaFor(options: LoadOptions): Schema {
  const names = JSON.stringify([options.knownStrategies, options.knownEvictions, options.knownMetrics]);
  if (lastSchema?.names === names) return lastSchema.schema;
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
    latency: latencyField(latencyModels),
    workloadKinds,
  });
  lastSchema = { names, schema };
  return schema;
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

/** The frame, then every section checked against it, then the checks that relate sections to each other. */
function resolveScenario(input: ScenarioInput, at: LocatedDoc, options: LoadOptions): Scenario {
  const frame = new FrameResolver(at, options).resolve(input);
  const check: SectionCheck = {
    durationUs: frame.durationUs,
    nodes: frame.nodes,
    nodeNames: [...new Set(frame.nodes.map((n) => n.name))],
    shardNames: frame.globalCache.shards.map((s) => s.name),
    workloads: frame.workloads,
    overrides: { trace: options.traceOverride, mode: options.modeOverride },
    expect: (segments, expected, suffix) => at.expect(segments, expected, suffix),
    refuse: (segments, expected, found) => at.refuse(segments, expected, found),
    valueAt: (segments) => at.valueAt(segments),
  };
  const sections = resolveSections(input, check);
  // Whether there is a trace is report's to say, its row limit limits'.
  const { report, limits } = sections;
  if (report.trace === "always" || (report.trace === "auto" && frame.workloads.every(isScript)))
    checkTraceRows(check, input.limits?.traceRows !== undefined, limits.traceRowsMax);
  return { ...frame, ...sections };
}

/**
 * `limits.traceRows` against the rows trace.csv is sure to need: one per script op and generated
 * request. A workload bounded only by the run's duration is checked as its rows are written.
 */
function checkTraceRows(check: SectionCheck, written: boolean, rowsMax: number): void {
  let rows = 0;
  let crossing = -1;
  for (const [i, w] of check.workloads.entries()) {
    const requests = isScript(w) ? w.ops.length : workloadKinds.get(w.kind).requestsMax(w.options);
    if (requests === undefined) return;
    rows += requests;
    if (rows > rowsMax && crossing === -1) crossing = i;
  }
  if (crossing === -1) return;
  if (written) {
    check.expect(
      ["limits", "traceRows"],
      `a limit no lower than the ${formatCount(rows)} rows trace.csv will need (one per op and request), or report.trace: never`,
    );
    return;
  }
  const w = check.workloads[crossing] as WorkloadSpec;
  check.refuse(
    ["workloads", crossing, isScript(w) ? "script" : w.kind],
    `at most ${formatCount(rowsMax)} ops and requests in all, one trace.csv row each (limits.traceRows; raise it, or set report.trace: never)`,
    `${formatCount(rows)} in all`,
  );
}
