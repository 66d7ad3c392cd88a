// Every scenario section, one line each, in the order the file format lists them (an unknown top-level
// field names the frame's fields, then these). The resolved scenario's type follows from this list: each
// section adds its field with the spec its `resolve` returns (a section that resolves to nothing, such as
// `sweep:`, adds no field).
import type { z } from "zod";
import type { ScenarioFrame } from "../spec/types.ts";
import { backendSection } from "./backend.ts";
import { databaseSection } from "./database.ts";
import { faultsSection } from "./faults.ts";
import { limitsSection } from "./limits.ts";
import { mitigationsSection } from "./mitigations.ts";
import { reportSection } from "./report.ts";
import type { Section, SectionCheck, SectionRun, SectionRunContext } from "./section.ts";
import { sweepSection } from "./sweep.ts";

export const SECTIONS = [
  reportSection,
  limitsSection,
  backendSection,
  sweepSection,
  faultsSection,
  mitigationsSection,
  databaseSection,
] as const;

type AnySection = (typeof SECTIONS)[number];
type SpecOf<S> = S extends Section<string, unknown, infer Spec> ? Spec : never;

/** What the file may write under each section's field, as its schema gives it (nothing defaulted). */
export type SectionInputs = { [S in AnySection as S["field"]]?: z.output<S["schema"]> };

/** Each section's resolved spec, by its field. */
export type SectionSpecs = {
  [S in AnySection as SpecOf<S> extends undefined ? never : S["field"]]: SpecOf<S>;
};

/** The resolved scenario: the frame every scenario has (sim/spec/types.ts) and every section's spec. */
export type Scenario = ScenarioFrame & SectionSpecs;

/** The sections' fields of the scenario schema, each optional. */
export function sectionShape(): { [S in AnySection as S["field"]]: z.ZodOptional<S["schema"]> } {
  return Object.fromEntries(SECTIONS.map((s) => [s.field, s.schema.optional()])) as never;
}

/** Resolves every section, in the registry's order; problems go to `check`. */
export function resolveSections(input: SectionInputs, check: SectionCheck): SectionSpecs {
  const specs: Record<string, unknown> = {};
  for (const s of SECTIONS as readonly Section[]) {
    const spec = s.resolve((input as Record<string, unknown>)[s.field], check);
    if (spec !== undefined) specs[s.field] = spec;
  }
  return specs as SectionSpecs;
}

/** What each section adds to this run, in the registry's order (sections that add nothing left out). */
export function sectionRuns(scenario: Scenario, context: SectionRunContext): SectionRun[] {
  const runs: SectionRun[] = [];
  for (const s of SECTIONS as readonly Section[]) {
    const run = s.run?.((scenario as unknown as Record<string, unknown>)[s.field], context);
    if (run !== undefined && run !== null) runs.push(run);
  }
  return runs;
}
