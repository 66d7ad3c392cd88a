// A scenario section: one optional top-level field of the file (`report:`, `limits:`, `faults:`, ...)
// that owns everything about itself: its schema, its defaults, the checks that relate it to the rest of
// the scenario, and what it adds to a run. The loader (sim/scenario/load.ts) composes the sections listed
// in ./registry.ts; the runner (sim/run/runner.ts) calls their run hooks. A new section is one file here
// and one line in the registry.
//
// What a section may refer to is the scenario's frame: the fields every scenario has and every section's
// checks are about (duration, nodes, the global cache's shards, workloads). A check that relates two
// sections to each other belongs to the loader, which sees them all.

import type { z } from "zod";
import type { RngStreams } from "../core/rng.ts";
import type { Scheduler } from "../core/scheduler.ts";
import type { Recorder } from "../metrics/recorder.ts";
import type { SimNode } from "../model/simNode.ts";
import type { Tally } from "../model/tally.ts";
import type { World, WorldFaults } from "../model/world.ts";
import type { ReportFiles } from "../report/reportFiles.ts";
import type { NodeSpec, WorkloadSpec } from "../spec/types.ts";

/** One step of a field path: a mapping's key or a list's index, e.g. `["faults", "schedule", 2, "at"]`. */
export type Segment = string | number;

/** What a section's `resolve` may ask of the loader: the frame, and how to report a problem. */
export interface SectionCheck {
  /** The frame, already resolved (defaults applied). */
  readonly durationUs: number;
  readonly nodes: readonly NodeSpec[];
  readonly nodeNames: readonly string[];
  readonly shardNames: readonly string[];
  readonly workloads: readonly WorkloadSpec[];
  /** What the command line replaces: `--trace` (report.trace) and `--live` (backend). */
  readonly overrides: { readonly trace?: "always"; readonly mode?: "memory" | "live" };
  /** Records "path: expected X, found <the file's value at path>" (suffix follows it). */
  expect(segments: readonly Segment[], expected: string, suffix?: string): void;
  /** Records "path: expected X, found Y" when the file's value is not what needs showing. */
  refuse(segments: readonly Segment[], expected: string, found: string): void;
  /** The file's value at a path as written (before defaults); undefined when absent. */
  valueAt(segments: readonly Segment[]): unknown;
}

/** What a section's `run` may use: the parts of the run that exist before the world is put together. */
export interface SectionRunContext {
  readonly scheduler: Scheduler;
  readonly nodes: readonly SimNode[];
  readonly rng: RngStreams;
  readonly recorder: Recorder;
  /** The report interval (`report.interval`), in µs: per-interval reports share the summary's rows. */
  readonly intervalUs: number;
}

/** What a section adds to one run; every hook is optional. */
export interface SectionRun {
  /** Wraps the tally the tiers count through, before the world is built (faults count per window). */
  observe?(tally: Tally): Tally;
  /** The run's faults, for the world's `faults` slot; at most one section gives them. */
  readonly faults?: WorldFaults;
  /** Once the world and its strategy exist, before the run starts (schedules, resources). */
  start?(world: World): void;
  /**
   * After the simulation: writes the section's own report files and returns their names. `endUs` is
   * where the run stopped; `coveredUs` is the end of the time the run covered ([0, coveredUs)).
   */
  finish?(
    output: ReportFiles,
    end: { readonly endUs: number; readonly coveredUs: number },
  ): Promise<string[]>;
}

export interface Section<Field extends string = string, Input = unknown, Spec = unknown> {
  /** The top-level field the section is written under. */
  readonly field: Field;
  /** What the field may hold: its shapes, types and limits; no defaults (the file's own values). */
  readonly schema: z.ZodType<Input>;
  /** The resolved section: the file's values with the section's defaults filled in, checked. */
  resolve(input: Input | undefined, check: SectionCheck): Spec;
  /** What the section adds to a run, or null when the scenario's section adds nothing. */
  run?(spec: Spec, context: SectionRunContext): SectionRun | null;
}

/** Declares a section; the identity, so that its field and types stay exact in the registry. */
export function section<const Field extends string, Input, Spec>(
  definition: Section<Field, Input, Spec>,
): Section<Field, Input, Spec> {
  return definition;
}
