import path from "node:path";
import { METRIC_COLUMNS } from "../metrics/columns.ts";
import { makeSharedFolder } from "../report/outputDir.ts";
import { openReportFiles } from "../report/reportFiles.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { parseScenario, readScenarioText } from "../scenario/load.ts";
import type { Scenario } from "../sections/registry.ts";
import { formatProblem, problemMessage, ScenarioError, type ScenarioProblem } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import type { Executor, IndexedTask } from "./executor.ts";
import { applyOverrides, OverrideError } from "./override.ts";
import { buildPlan, SEEDS_MAX, type SweepPlan } from "./plan.ts";
import { readAlready } from "./runPoint.ts";
import { meanCi95, statCell } from "./stats.ts";

/**
 * The first points' scenarios, as the check read them, are kept for their runs (runPoint's
 * readAlready): at most this many, and only from texts of at most CHECKED_TEXT_BYTES_MAX, so that what
 * is kept stays small whatever the sweep.
 */
const CHECKED_KEPT_MAX = 64;
const CHECKED_TEXT_BYTES_MAX = 64 * 1024;

export interface SweepOptions {
  file: string;
  /** `--set path=values`, in command-line order. */
  sets: readonly string[];
  /** --seed: the root seed, replacing the file's. */
  seed?: number;
  /** --seeds: runs per point, over derived seeds; undefined: the file's sweep.seeds, else one run. */
  seeds?: number;
  /** Report folder; default reports/<scenario name>-sweep; null: kept in memory (SweepResult.texts). */
  outDir?: string | null;
  /** Keep every point's full report in this folder (point-0001, ...). */
  keepPointsDir?: string;
}

/** What validation found out, everything the run needs. */
export interface PreparedSweep {
  file: string;
  text: string;
  plan: SweepPlan;
  /** Runs per point; undefined: one run, no seed column. */
  seeds: number | undefined;
  /** The root seed of each point (the file's, --seed, or a swept `seed`). */
  pointSeeds: number[];
  /**
   * Scenarios the check read, by point index, for the first points (CHECKED_KEPT_MAX); each is handed to
   * the task of that point's first run as sweepTasks makes it, and dropped from here.
   */
  checked: Map<number, Scenario>;
  scenarioName: string;
  outDir: string | null;
  keepPointsDir: string | undefined;
  header: string[];
  runs: number;
}

export interface SweepResult {
  outDir: string | null;
  files: string[];
  /** With outDir null: each report's CSV text by file name. */
  texts: ReadonlyMap<string, string> | null;
  points: number;
  runs: number;
  events: number;
}

/** Validates every point; throws one ScenarioError listing every problem, each naming its points. */
export function prepareSweep(options: SweepOptions): PreparedSweep {
  const { file } = options;
  // A sweep file is parsed whole by the yaml package (no line-by-line `data.values`): its own cap applies.
  const text = readScenarioText(file, LIMITS.yamlBytes);
  const plan = buildPlan(file, text, options.sets);
  const seeds = options.seeds ?? plan.fileSeeds;
  if (seeds !== undefined && (!Number.isInteger(seeds) || seeds < 1 || seeds > SEEDS_MAX)) {
    throw new ScenarioError([
      problemMessage(
        "--seeds",
        "",
        undefined,
        `expected a whole number from 1 to ${SEEDS_MAX}, found ${seeds}`,
      ),
    ]);
  }
  if (seeds !== undefined && plan.fields.some((f) => f.path === "seed")) {
    throw new ScenarioError([
      problemMessage(
        "--seeds",
        "",
        undefined,
        "the sweep already varies seed; use either --seeds or a sweep over seed",
      ),
    ]);
  }
  const known = knownNames();
  // Problem text -> the points it occurs in, so one mistake in every point reads as one line.
  const grouped = new Map<string, { problem: ScenarioProblem; points: number[] }>();
  const pointSeeds: number[] = [];
  const checked = new Map<number, Scenario>();
  let scenarioName = "";
  for (let i = 0; i < plan.pointCount; i++) {
    const point = plan.point(i);
    try {
      const pointText = applyOverrides(text, point.overrides);
      const scenario = parseScenario(pointText, file, {
        ...known,
        ...(options.seed !== undefined ? { seedOverride: options.seed } : {}),
      });
      if (i === 0) scenarioName = scenario.name;
      pointSeeds.push(scenario.seed);
      if (i < CHECKED_KEPT_MAX && pointText.length <= CHECKED_TEXT_BYTES_MAX) checked.set(i, scenario);
      if (seeds !== undefined && scenario.seed + seeds - 1 > LIMITS.seed) {
        throw new ScenarioError([
          problemMessage(
            file,
            "seed",
            undefined,
            `seed ${scenario.seed} + ${seeds - 1} derived seeds passes ${LIMITS.seed}`,
          ),
        ]);
      }
      if (scenario.backend.mode !== "memory") {
        throw new ScenarioError([
          problemMessage(
            file,
            "backend",
            undefined,
            "sweeps run on the in-memory backends; remove backend: live for a sweep",
          ),
        ]);
      }
    } catch (error) {
      const problems =
        error instanceof ScenarioError
          ? error.problems
          : error instanceof OverrideError
            ? [problemMessage("--set", error.path, undefined, error.message)]
            : undefined;
      if (problems === undefined) throw error;
      for (const problem of problems) {
        // Positions may differ between points (a value of another length moves what follows it).
        const key = formatProblem({ ...problem, line: undefined, column: undefined });
        const entry = grouped.get(key) ?? { problem, points: [] };
        entry.points.push(i);
        grouped.set(key, entry);
      }
    }
  }
  if (grouped.size > 0) {
    throw new ScenarioError(
      [...grouped.values()].map(({ problem, points }) => ({
        ...problem,
        message: `${problem.message} (${whichPoints(plan, points)})`,
      })),
    );
  }
  const header = [
    ...plan.fields.map((f) => f.path),
    ...(seeds !== undefined ? ["seed"] : []),
    ...METRIC_COLUMNS.map((c) => c.name),
  ];
  const clash = header.find((name, i) => header.indexOf(name) !== i);
  if (clash !== undefined) {
    throw new ScenarioError([
      problemMessage("--set", clash, undefined, `${clash} would name two columns of sweep.csv`),
    ]);
  }
  return {
    file,
    text,
    plan,
    seeds,
    pointSeeds,
    checked,
    scenarioName,
    outDir: options.outDir === undefined ? path.join("reports", `${scenarioName}-sweep`) : options.outDir,
    keepPointsDir: options.keepPointsDir,
    header,
    runs: plan.pointCount * (seeds ?? 1),
  };
}

function whichPoints(plan: SweepPlan, points: number[]): string {
  const total = plan.pointCount;
  if (points.length === total && total > 1) return `all ${total} sweep points`;
  const shown = points.slice(0, 3).map((i) => `point ${i + 1} of ${total}: ${plan.describe(plan.point(i))}`);
  const more = points.length > 3 ? `; and ${points.length - 3} more points` : "";
  return `sweep ${shown.join("; ")}${more}`;
}

/** The tasks in row order; texts are made as they are asked for, not all at once. */
export function* sweepTasks(prepared: PreparedSweep): Generator<IndexedTask> {
  const { plan, seeds } = prepared;
  const total = plan.pointCount;
  for (let i = 0; i < total; i++) {
    const point = plan.point(i);
    const text = applyOverrides(prepared.text, point.overrides);
    const rootSeed = prepared.pointSeeds[i] as number;
    const checked = prepared.checked.get(i);
    prepared.checked.delete(i);
    for (let k = 0; k < (seeds ?? 1); k++) {
      // Seed k of a point is its root seed + k: seed 0 is the plain run, and `cachesim run --seed`
      // with the number in sweep.csv's seed column reproduces any row.
      const seed = seeds === undefined ? rootSeed : rootSeed + k;
      const index = i * (seeds ?? 1) + k;
      const task = {
        file: prepared.file,
        text,
        seed,
        keepDir:
          prepared.keepPointsDir === undefined
            ? null
            : path.resolve(prepared.keepPointsDir, `point-${String(index + 1).padStart(4, "0")}`),
      };
      // The check read this text with this seed (the point's root seed): the run need not read it again.
      if (checked !== undefined && checked.seed === seed) readAlready(task, checked);
      yield {
        index,
        label: `point ${i + 1} of ${total} (${plan.describe(point)}${seeds !== undefined ? `, seed ${seed}` : ""})`,
        task,
      };
    }
  }
}

/** Runs a prepared sweep on the executor and writes its reports; nothing is written if a point fails. */
export async function runSweep(
  prepared: PreparedSweep,
  executor: Executor,
  onRunDone?: (done: number, total: number) => void,
): Promise<SweepResult> {
  const rows: Array<string[] | undefined> = new Array(prepared.runs);
  let done = 0;
  let events = 0;
  // The kept points' folder is the sweep's, made here: a point makes only its own folder inside it.
  const removePointsDir =
    prepared.keepPointsDir === undefined ? null : await makeSharedFolder(prepared.keepPointsDir);
  try {
    await executor.runAll(sweepTasks(prepared), (index, outcome) => {
      rows[index] = outcome.cells;
      events += outcome.events;
      done++;
      onRunDone?.(done, prepared.runs);
    });
  } catch (error) {
    await removePointsDir?.();
    throw error;
  }
  const output = await openReportFiles(prepared.outDir);
  try {
    const files = ["sweep.csv"];
    const sweepCsv = output.csv("sweep.csv", prepared.header);
    const { plan, seeds } = prepared;
    for (let i = 0; i < plan.pointCount; i++) {
      const labels = plan.point(i).labels;
      for (let k = 0; k < (seeds ?? 1); k++) {
        const index = i * (seeds ?? 1) + k;
        const cells = rows[index];
        if (cells === undefined) throw new Error(`no result for run ${index + 1}`);
        const seedCell = seeds === undefined ? [] : [String((prepared.pointSeeds[i] as number) + k)];
        sweepCsv.writeRow([...labels, ...seedCell, ...cells]);
      }
    }
    await sweepCsv.close();
    if (seeds !== undefined) {
      files.push("sweep-stats.csv");
      const statsCsv = output.csv("sweep-stats.csv", [
        ...plan.fields.map((f) => f.path),
        "stat",
        ...METRIC_COLUMNS.map((c) => c.name),
      ]);
      for (let i = 0; i < plan.pointCount; i++) {
        const labels = plan.point(i).labels;
        const perSeed = rows.slice(i * seeds, (i + 1) * seeds) as string[][];
        const stats = METRIC_COLUMNS.map((_, c) =>
          meanCi95(
            perSeed
              .map((cells) => cells[c] ?? "")
              .filter((cell) => cell !== "")
              .map(Number),
          ),
        );
        statsCsv.writeRow([...labels, "mean", ...stats.map((s) => statCell(s?.mean))]);
        statsCsv.writeRow([...labels, "ci95", ...stats.map((s) => statCell(s?.ci95))]);
      }
      await statsCsv.close();
    }
    await output.commit();
    return {
      outDir: prepared.outDir,
      files,
      texts: output.texts(),
      points: plan.pointCount,
      runs: prepared.runs,
      events,
    };
  } catch (error) {
    await output.abort();
    throw error;
  }
}
