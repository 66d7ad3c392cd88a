// A sweep plan: which fields vary, the values each takes, and the points they make. Fields come from
// `--set path=values` (each its own axis: several make a grid) and from the scenario's own `sweep:`
// section (`grid:` fields are axes of their own, the fields of `zip:` move together as one axis). The
// points are the cartesian product of the axes, the first axis varying slowest, so point order (and
// so row order in sweep.csv) follows from the plan alone.
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { problemMessage, ScenarioError, type ScenarioProblem } from "../spec/errors.ts";
import { type Override, OverrideError, parseFieldPath, type Segment } from "./override.ts";
import { parseValues, type SweepValue, SweepValueError, scalar } from "./values.ts";

export interface SweepField {
  path: string;
  segments: Segment[];
}

interface Axis {
  fields: SweepField[];
  /** steps[i][f]: the value of fields[f] at step i. */
  steps: SweepValue[][];
}

export interface SweepPoint {
  /** 0-based, the row order of sweep.csv. */
  index: number;
  /** One label per plan field, in plan field order. */
  labels: string[];
  overrides: Override[];
}

/** Points a sweep may have at most (before --seeds): each is a full simulation run. */
export const POINTS_MAX = 10_000;
/** Seeds per point at most. */
export const SEEDS_MAX = 1_000;

export class SweepPlan {
  constructor(
    readonly fields: SweepField[],
    private readonly axes: Axis[],
    /** From the file's `sweep.seeds`, when it gives one. */
    readonly fileSeeds: number | undefined,
  ) {}

  get pointCount(): number {
    return this.axes.reduce((n, axis) => n * axis.steps.length, 1);
  }

  /** The point with this index (points are made on demand: a plan of 10,000 points holds only its axes). */
  point(index: number): SweepPoint {
    const picks: Array<{ axis: Axis; step: SweepValue[] }> = [];
    let rest = index;
    for (let a = this.axes.length - 1; a >= 0; a--) {
      const axis = this.axes[a] as Axis;
      picks.unshift({ axis, step: axis.steps[rest % axis.steps.length] as SweepValue[] });
      rest = Math.floor(rest / axis.steps.length);
    }
    const byPath = new Map<string, { field: SweepField; value: SweepValue }>();
    for (const { axis, step } of picks) {
      for (const [f, field] of axis.fields.entries()) {
        byPath.set(field.path, { field, value: step[f] as SweepValue });
      }
    }
    const chosen = this.fields.map(
      (field) => byPath.get(field.path) as { field: SweepField; value: SweepValue },
    );
    return {
      index,
      labels: chosen.map((c) => c.value.label),
      overrides: chosen.map((c) => ({
        path: c.field.path,
        segments: c.field.segments,
        value: c.value.value,
      })),
    };
  }

  /** `defaults.cache.ttl=5s, nodes=4`. */
  describe(point: SweepPoint): string {
    return this.fields.map((f, i) => `${f.path}=${point.labels[i]}`).join(", ");
  }
}

/**
 * Builds the plan from `--set` arguments and the scenario text's `sweep:` section. Mistakes are
 * ScenarioErrors naming the file (and line, for the section) or the --set argument.
 */
export function buildPlan(file: string, text: string, sets: readonly string[]): SweepPlan {
  const problems: ScenarioProblem[] = [];
  const fromFile = fileSection(file, text, problems);
  const cliAxes: Axis[] = [];
  for (const set of sets) {
    const eq = set.indexOf("=");
    if (eq <= 0) {
      problems.push(
        problemMessage(
          "--set",
          "",
          undefined,
          `expected path=values (defaults.cache.ttl=1s,5s,30s), found ${JSON.stringify(set)}`,
        ),
      );
      continue;
    }
    const path = set.slice(0, eq).trim();
    try {
      const field = { path: canonicalPath(path), segments: parseFieldPath(path) };
      if (cliAxes.some((axis) => axis.fields[0]?.path === field.path)) {
        throw new OverrideError(path, `${field.path} is set twice on the command line`);
      }
      cliAxes.push({ fields: [field], steps: parseValues(set.slice(eq + 1)).map((v) => [v]) });
    } catch (error) {
      if (!(error instanceof SweepValueError || error instanceof OverrideError)) throw error;
      problems.push(problemMessage("--set", path, undefined, error.message));
    }
  }
  // A field named on the command line replaces the file's own values for it.
  const cliPaths = new Set(cliAxes.map((axis) => axis.fields[0]?.path));
  const axes: Axis[] = [];
  for (const axis of fromFile.axes) {
    const overridden = axis.fields.filter((f) => cliPaths.has(f.path));
    if (overridden.length === 0) axes.push(axis);
    else if (axis.fields.length > 1) {
      problems.push(
        problemMessage(
          "--set",
          overridden[0]?.path ?? "",
          undefined,
          `the file's sweep.zip moves ${axis.fields.map((f) => f.path).join(", ")} together; set them in the file, not with --set`,
        ),
      );
    }
  }
  axes.push(...cliAxes);
  if (problems.length > 0) throw new ScenarioError(problems);
  if (axes.length === 0) {
    throw new ScenarioError([
      problemMessage(
        file,
        "",
        undefined,
        "nothing to sweep: give --set path=values, or a sweep: section in the file",
      ),
    ]);
  }
  const plan = new SweepPlan(
    axes.flatMap((axis) => axis.fields),
    axes,
    fromFile.seeds,
  );
  if (plan.pointCount > POINTS_MAX) {
    throw new ScenarioError([
      problemMessage(
        file,
        "",
        undefined,
        `the sweep has ${plan.pointCount} points, more than ${POINTS_MAX}; sweep fewer values`,
      ),
    ]);
  }
  return plan;
}

/** `nodes[01].x` and `nodes[1].x` name one field: one spelling in headers and messages. */
function canonicalPath(path: string): string {
  return parseFieldPath(path)
    .map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join("");
}

function fileSection(
  file: string,
  text: string,
  problems: ScenarioProblem[],
): { axes: Axis[]; seeds: number | undefined } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // A file with YAML errors is reported by the loader when the points are validated.
  if (doc.errors.length > 0 || !isMap(doc.contents)) return { axes: [], seeds: undefined };
  const section = doc.get("sweep", true) as Node | undefined;
  if (section === undefined || section === null) return { axes: [], seeds: undefined };
  const at = (node: Node | undefined | null) => {
    if (node?.range == null) return undefined;
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { line, column: col };
  };
  const fail = (path: string, node: Node | undefined | null, message: string) =>
    problems.push(problemMessage(file, path, at(node), message));
  if (!isMap(section)) {
    fail("sweep", section, "expected a mapping { grid: {...}, zip: {...}, seeds: N }");
    return { axes: [], seeds: undefined };
  }
  const axes: Axis[] = [];
  let seeds: number | undefined;
  for (const pair of section.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    const value = pair.value as Node | null;
    if (key === "seeds") {
      const n = (value as { value?: unknown } | null)?.value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > SEEDS_MAX) {
        fail("sweep.seeds", value, `expected a whole number from 1 to ${SEEDS_MAX}`);
      } else seeds = n;
      continue;
    }
    if (key !== "grid" && key !== "zip") {
      fail(`sweep.${key}`, pair.key as Node, "unknown field: sweep: takes grid, zip and seeds");
      continue;
    }
    if (!isMap(value) || value.items.length === 0) {
      fail(
        `sweep.${key}`,
        value,
        "expected a mapping of field paths to values, e.g. { defaults.cache.ttl: 1s..60s*2 }",
      );
      continue;
    }
    const zip: Axis = { fields: [], steps: [] };
    const columns: SweepValue[][] = [];
    for (const entry of value.items) {
      const path = String((entry.key as { value?: unknown } | null)?.value ?? entry.key);
      const where = `sweep.${key}[${JSON.stringify(path)}]`;
      try {
        const field = { path: canonicalPath(path), segments: parseFieldPath(path) };
        const values = sectionValues(entry.value as Node | null);
        if (key === "grid") axes.push({ fields: [field], steps: values.map((v) => [v]) });
        else {
          zip.fields.push(field);
          columns.push(values);
        }
      } catch (error) {
        if (!(error instanceof SweepValueError || error instanceof OverrideError)) throw error;
        fail(where, (entry.value as Node | null) ?? (entry.key as Node), error.message);
      }
    }
    if (key === "zip" && zip.fields.length > 0) {
      const lengths = new Set(columns.map((c) => c.length));
      if (lengths.size > 1) {
        fail(
          "sweep.zip",
          value,
          `zipped fields move together, so they need as many values each; found ${columns.map((c) => c.length).join(", ")}`,
        );
        continue;
      }
      const steps = columns[0]?.length ?? 0;
      for (let i = 0; i < steps; i++) zip.steps.push(columns.map((c) => c[i] as SweepValue));
      axes.push(zip);
    }
  }
  const seen = new Set<string>();
  for (const field of axes.flatMap((a) => a.fields)) {
    if (seen.has(field.path)) fail("sweep", section, `${field.path} is swept twice`);
    seen.add(field.path);
  }
  return { axes, seeds };
}

/** A section value: a spec string like on the command line, a YAML list, or one plain value. */
function sectionValues(node: Node | null): SweepValue[] {
  if (isSeq(node)) {
    if (node.items.length === 0) throw new SweepValueError("an empty list: give at least one value");
    return node.items.map((item) => {
      const value = (item as Node).toJSON();
      const label = typeof value === "string" ? value : JSON.stringify(value);
      return { label, value };
    });
  }
  const value = (node as { value?: unknown } | null)?.value;
  if (typeof value === "string") return parseValues(value);
  if (typeof value === "number" || typeof value === "boolean")
    return [{ label: String(value), value: scalar(String(value)) }];
  throw new SweepValueError('expected values: a list [1s, 5s], a range "1s..60s*2" or "1s,5s,30s"');
}
