// cachesim as a library: everything a program or a test suite may import from "cachesim", in one
// list. It is the command line's own machinery (the same loader, errors, runs and reports), so a
// number read here is the number `cachesim run` writes for the same scenario and seed. Nothing is
// written to disk unless an `out` folder is given. The chapter docs/library.md shows it in use.

export type { LoadScenarioOptions } from "./api/loadScenario.ts";
export { loadScenario } from "./api/loadScenario.ts";
export type { MrcOptions, MrcResult, MrcRow, MrcSampleReport } from "./api/mrc.ts";
export { mrc } from "./api/mrc.ts";
export type { Metrics, Summary, SummaryRow, TimeseriesRow, TraceRow } from "./api/reportRows.ts";
export type { Expectations, RunResult, RunScenarioOptions } from "./api/runScenario.ts";
export { runScenario } from "./api/runScenario.ts";
export type { RunSweepOptions, SweepResult, SweepRow, SweepStatsRow, SweepValues } from "./api/runSweep.ts";
export { runSweep } from "./api/runSweep.ts";
export type { MetricName } from "./metrics/columns.ts";
export type { ExpectationResult } from "./metrics/expectations.ts";
export type { Scenario } from "./sections/registry.ts";
export type { ScenarioProblem } from "./spec/errors.ts";
export { isScenarioError, ScenarioError } from "./spec/errors.ts";
