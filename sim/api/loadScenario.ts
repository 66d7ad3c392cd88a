// Loading a scenario for the library: the command line's loader, with its errors (a ScenarioError
// naming file, line and field path), and with `set`, which changes fields before the file is
// validated exactly as `cachesim sweep --set PATH=VALUE` does (sim/sweep/override.ts): a value that
// replaces one already in the file is put in its place, so an error in it points at the file's line.

import { knownNames } from "../scenario/knownNames.ts";
import { loadScenario as loadScenarioFile, parseScenario, readScenarioText } from "../scenario/load.ts";
import type { Scenario } from "../sections/registry.ts";
import { formatCount, problem, problemMessage, ScenarioError, type ScenarioProblem } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import { applyOverrides, type Override, OverrideError, parseFieldPath } from "../sweep/override.ts";

export interface LoadScenarioOptions {
  /**
   * Fields to change before the file is validated, by field path: `{ "defaults.cache.ttl": "5s",
   * "nodes[1].network.database": { dist: "constant", value: "6ms" } }`. A whole number set on a list
   * keeps its first N items (`{ nodes: 2 }`); any other value replaces what the file has there.
   */
  set?: Readonly<Record<string, unknown>>;
  /** The root seed, replacing the file's (as `--seed`). */
  seed?: number;
  /** Use the live backends configured in the environment and .env (as `--live`). */
  live?: boolean;
  /**
   * Told of fields that have no effect under the chosen strategy (the command line prints them as
   * warnings); by default they are ignored.
   */
  onWarning?: (warning: ScenarioProblem) => void;
}

/** Set paths at most: each is applied to the file's YAML document, and a few dozen is already a lot. */
export const SET_FIELDS_MAX = 1_000;

/** Reads, changes (`set`) and validates a scenario file; throws ScenarioError on a mistake. */
export async function loadScenario(file: string, options: LoadScenarioOptions = {}): Promise<Scenario> {
  const overrides = setOverrides(file, options.set);
  const loadOptions = {
    ...knownNames(),
    ...(options.seed !== undefined ? { seedOverride: checkedSeed(file, options.seed) } : {}),
    ...(options.live === true ? { modeOverride: "live" as const } : {}),
    ...(options.onWarning !== undefined ? { onWarning: options.onWarning } : {}),
  };
  if (overrides.length === 0) return loadScenarioFile(file, loadOptions);
  // The document is changed as a whole (yaml's parser), so the sweep's size limit applies.
  const text = readScenarioText(file, LIMITS.yamlBytes);
  let changed: string;
  try {
    changed = applyOverrides(text, overrides);
  } catch (error) {
    if (error instanceof OverrideError) {
      throw new ScenarioError([problemMessage(file, error.path, undefined, error.message)]);
    }
    throw error;
  }
  return parseScenario(changed, file, loadOptions);
}

function setOverrides(file: string, set: Readonly<Record<string, unknown>> | undefined): Override[] {
  if (set === undefined) return [];
  const entries = Object.entries(set);
  if (entries.length > SET_FIELDS_MAX) {
    throw new ScenarioError([
      problem(
        file,
        "",
        undefined,
        `at most ${formatCount(SET_FIELDS_MAX)} fields in set`,
        String(entries.length),
      ),
    ]);
  }
  const problems: ScenarioProblem[] = [];
  const overrides: Override[] = [];
  for (const [path, value] of entries) {
    try {
      overrides.push({ path, segments: parseFieldPath(path), value });
    } catch (error) {
      if (!(error instanceof OverrideError)) throw error;
      problems.push(problemMessage(file, "", undefined, `set ${JSON.stringify(path)}: ${error.message}`));
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return overrides;
}

/** A seed given to the library: the same range as `--seed`, told as a scenario problem. */
export function checkedSeed(file: string, seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > LIMITS.seed) {
    const expected = `a seed that is an integer from 0 to ${formatCount(LIMITS.seed)}`;
    throw new ScenarioError([problem(file, "seed", undefined, expected, String(seed))]);
  }
  return seed;
}
