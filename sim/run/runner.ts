// Builds the world a scenario describes, runs it on virtual time, and writes its reports. Reports are
// written into a temporary folder that replaces the output folder only when the run succeeds, so a
// failed run leaves no half-written report behind; or, with no folder, kept in memory (the library).
import path from "node:path";
import { openBackends } from "../backends/openBackends.ts";
import { RngStreams } from "../core/rng.ts";
import { RunAborted, type RunStats, Scheduler, SimulationError } from "../core/scheduler.ts";
import { metricCells, SUMMARY_HEADER, TIMESERIES_HEADER } from "../metrics/columns.ts";
import { type ExpectationResult, prepareExpectations } from "../metrics/expectations.ts";
import type { OpCounters } from "../metrics/opCounters.ts";
import { Recorder } from "../metrics/recorder.ts";
import type { SequenceLog } from "../metrics/sequenceLog.ts";
import { TRACE_HEADER } from "../metrics/traceColumns.ts";
import { TraceLog } from "../metrics/traceLog.ts";
import { Database } from "../model/database.ts";
import { boundedShardsFor } from "../model/eviction/boundedShards.ts";
import { evictionPolicy } from "../model/evictionPolicies.ts";
import { GlobalCache } from "../model/globalCache.ts";
import { nodeLinks } from "../model/link.ts";
import { Oracle } from "../model/oracle.ts";
import type { Backends } from "../model/ports.ts";
import type { SimNode } from "../model/simNode.ts";
import type { Tally } from "../model/tally.ts";
import type { World } from "../model/world.ts";
import { openReportFiles, type ReportFiles } from "../report/reportFiles.ts";
import { timeseriesRows } from "../report/timeseriesRows.ts";
import { type Scenario, sectionRuns } from "../sections/registry.ts";
import { isScript } from "../spec/types.ts";
import { composeStrategy } from "../strategies/compose.ts";
import { workloadKinds } from "../workloads/kinds.ts";
import { ScriptWorkload } from "../workloads/scriptWorkload.ts";
import type { Workload } from "../workloads/workload.ts";

export interface RunOptions {
  /** Folder the reports go to, replaced as a whole when the run succeeds; null: kept in memory (texts). */
  outDir: string | null;
  /** Backends to use instead of opening the scenario's own (tests, benchmarks). Closed by the run. */
  backends?: Backends;
  /**
   * Stops the run (SIGINT/SIGTERM in the CLI): it ends with a RunAborted, writes nothing, and still closes
   * the backends (which removes a live run's keys and table).
   */
  signal?: AbortSignal;
  /** Called when the simulation has finished and everything it built is still alive (benchmarks). */
  afterSimulation?: () => void;
  /**
   * Called at every report interval boundary with the virtual time reached and the requests started so
   * far (progress display). It only observes: nothing it does reaches the simulation or a report.
   */
  onProgress?: (virtualUs: number, requests: number) => void;
  /**
   * Keeps every message and notable event for a sequence diagram (`run --html`). It only observes; the
   * run's reports are the same with it or without it.
   */
  sequence?: SequenceLog;
}

export interface RunResult {
  stats: RunStats;
  summary: Array<{ node: string; counters: OpCounters }>;
  expectations: ExpectationResult[];
  files: string[];
  /** With outDir null: each report's CSV text by file name (the bytes the folder would hold). */
  texts: ReadonlyMap<string, string> | null;
  traceWritten: boolean;
  /** Secret-free words for the two backends, for the console. */
  backends: { cache: string; records: string };
}

function wantsTrace(scenario: Scenario): boolean {
  if (scenario.report.trace === "always") return true;
  if (scenario.report.trace === "never") return false;
  return scenario.workloads.every(isScript);
}

/**
 * Seeds the system of record and the oracle with the scenario's initial data. Both learn of a
 * `data.fill` range as a whole (filledRange.ts): the oracle makes a key when first named, the store a
 * row when first written, so a large fill costs nothing until its keys are used.
 */
async function seedData(scenario: Scenario, backends: Backends, oracle: Oracle): Promise<void> {
  const { values, fill } = scenario.data;
  await backends.records.seed(values);
  for (const [key, value] of values) oracle.seed(key, value);
  if (fill !== null) backends.records.fill(fill);
}

/** Fails before the run when the trace is sure to pass its row limit (generators with a request count). */
function checkTraceFits(scenario: Scenario): void {
  let rows = 0;
  for (const w of scenario.workloads) {
    const requests = isScript(w) ? w.ops.length : workloadKinds.get(w.kind).requestsMax(w.options);
    if (requests === undefined) return; // bounded only by the duration: checked as rows are added
    rows += requests;
  }
  if (rows > scenario.limits.traceRowsMax) {
    throw new SimulationError(
      `trace.csv would need ${rows} rows, more than limits.traceRows (${scenario.limits.traceRowsMax}); ` +
        "raise the limit, or run without a trace (report.trace: never, no --trace)",
    );
  }
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const tracing = wantsTrace(scenario);
  if (tracing) checkTraceFits(scenario);
  const backends = options.backends ?? (await openBackends(scenario.backend.mode));
  let output: ReportFiles | null = null;
  /** The run's oracle, retired once the run is over. */
  let retiring: Oracle | null = null;
  let runError: unknown;
  try {
    output = await openReportFiles(options.outDir);
    const scheduler = new Scheduler();
    const rng = new RngStreams(scenario.seed);
    const oracle = new Oracle(scenario.data.fill);
    retiring = oracle;
    await seedData(scenario, backends, oracle);

    const shardNames = scenario.globalCache.shards.map((s) => s.name);
    const nodes: SimNode[] = scenario.nodes.map((spec, index) => ({
      index,
      name: spec.name,
      cache:
        spec.cache.capacity > 0 || spec.cache.capacityBytes > 0
          ? evictionPolicy(
              spec.cache.eviction,
              spec.cache.evictionOptions,
            )({
              capacity: spec.cache.capacity,
              capacityBytes: spec.cache.capacityBytes,
              ttlUs: spec.cache.ttlUs,
              rng: rng.stream(`cache:${spec.name}:eviction`),
            })
          : null,
      ...nodeLinks(spec.name, spec.network, shardNames, rng),
      invalidationLink: null,
      epoch: 0,
      up: true,
    }));

    const timeseries = output.csv("timeseries.csv", TIMESERIES_HEADER);
    // The trace is streamed while the run goes on (in the order operations began).
    const traceFile = tracing ? output.csv("trace.csv", TRACE_HEADER) : null;
    const trace = traceFile ? new TraceLog(traceFile, scenario.limits.traceRowsMax) : null;
    const recorder = new Recorder(
      nodes,
      oracle,
      scenario.report.intervalUs,
      timeseriesRows(timeseries),
      trace,
    );
    let opCount = 0;
    // What the scenario's sections add to the run (sim/sections/): faults, the database as a resource.
    const sections = sectionRuns(scenario, {
      scheduler,
      nodes,
      rng,
      recorder,
      intervalUs: scenario.report.intervalUs,
    });
    let observed: Tally = recorder;
    for (const section of sections) if (section.observe) observed = section.observe(observed);
    const tally = options.sequence?.observe(observed) ?? observed;
    const world: World = {
      scheduler,
      nodes,
      globalCache: new GlobalCache(
        backends.cache,
        scheduler,
        tally,
        scenario.globalCache.shards,
        scenario.globalCache.ringPoints,
      ),
      database: new Database(scheduler, backends.records, oracle, tally),
      recorder,
      tally,
      rng,
      nextOpId: () => opCount++,
      faults: sections.find((section) => section.faults !== undefined)?.faults ?? null,
    };
    if (options.sequence !== undefined) {
      options.sequence.attach(
        () => scheduler.nowUs,
        nodes.map((n) => n.name),
      );
      world.globalCache.tapMessages(options.sequence);
      world.database.tapMessages(options.sequence);
      world.messages = options.sequence;
    }
    const bounds = boundedShardsFor(scenario.globalCache, backends.cache, scheduler, tally, rng);
    if (bounds !== null) world.globalCache.boundShards(bounds);
    const paths = composeStrategy(world, scenario.strategy, scenario.mitigations);
    for (const section of sections) section.start?.(world);
    const nodesByName = new Map(nodes.map((n) => [n.name, n]));
    const checks = prepareExpectations(
      scenario.expectations,
      recorder,
      new Map(nodes.map((n) => [n.name, n.index])),
      () => recorder.summary(),
    );

    const baseDir = path.dirname(scenario.file);
    scenario.workloads.forEach((spec, i) => {
      const workload: Workload = isScript(spec)
        ? new ScriptWorkload(spec.nodes[0] as string, spec.ops)
        : workloadKinds.get(spec.kind).create({ nodes: spec.nodes, baseDir }, spec.options);
      workload.start({
        scheduler,
        strategy: paths,
        nodesByName,
        rng,
        oracle,
        streamPrefix: `workload[${i}]`,
      });
    });

    const onProgress = options.onProgress;
    scheduler.setTicker(scenario.report.intervalUs, (boundaryUs) => {
      recorder.tick(boundaryUs);
      onProgress?.(boundaryUs, opCount);
    });
    stopIfAborted(options.signal, 0);
    const stats = await scheduler.run(scenario.durationUs, scenario.limits.eventsMax, options.signal);
    options.afterSimulation?.();
    // The run covered [0, end): an idle run's last event happened at endUs itself.
    recorder.finish(stats.endReason === "idle" ? stats.endUs + 1 : stats.endUs);
    await timeseries.close();

    const summaryRows = recorder.summary();
    const summary = output.csv("summary.csv", SUMMARY_HEADER);
    for (const row of summaryRows) summary.writeRow([row.node, ...metricCells(row.counters)]);
    await summary.close();
    const files = ["summary.csv", "timeseries.csv"];
    const end = { endUs: stats.endUs, coveredUs: stats.endReason === "idle" ? stats.endUs + 1 : stats.endUs };
    for (const section of sections) if (section.finish) files.push(...(await section.finish(output, end)));
    if (traceFile !== null) {
      await traceFile.close();
      files.push("trace.csv");
    }

    const expectations = checks.map((check) => check());
    stopIfAborted(options.signal, stats.endUs);
    await output.commit();
    const texts = output.texts();
    output = null;
    return {
      stats,
      summary: summaryRows,
      expectations,
      files,
      texts,
      traceWritten: trace !== null,
      backends: { cache: backends.cache.description, records: backends.records.description },
    };
  } catch (error) {
    runError = error;
    throw error;
  } finally {
    if (output !== null) await output.abort();
    await closeBackends(backends, runError);
    // The run is over, and nothing it made will run again.
    retiring?.retire();
  }
}

/** A stop requested outside the scheduler's loop (while seeding, while writing the summary). */
function stopIfAborted(signal: AbortSignal | undefined, atUs: number): void {
  if (signal?.aborted) throw new RunAborted(atUs, signal.reason);
}

/**
 * Closes both backends, each even if the other fails. A failure to clean up is the run's error when the
 * run itself went well; when it did not, it is added to the run's own error rather than hiding it.
 */
async function closeBackends(backends: Backends, runError: unknown): Promise<void> {
  const failures: unknown[] = [];
  for (const store of [backends.cache, backends.records]) {
    try {
      await store.close();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 0) return;
  if (runError === undefined) throw failures[0];
  const problems = failures.map((error) => (error instanceof Error ? error.message : String(error)));
  if (runError instanceof Error) {
    runError.message += `\n(cleaning up afterwards also failed: ${problems.join("; ")})`;
  }
}
