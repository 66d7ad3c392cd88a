// One replay point of `cachesim mrc --jobs N`, run on a worker thread: the thread walks the request
// stream itself (the scenario loaded again, or the trace read again, from the same file), so nothing
// but the point's description and its row cross between threads. A mistake in the input comes back as
// a message (the main thread reports it as it would its own); anything else fails the task.
import { denseCurveRows, type MrcRow, replayPoint } from "../model/eviction/mrc.ts";
import type { DenseRequests } from "../model/eviction/replay/denseRequests.ts";
import { sampledSource } from "../model/eviction/sampling.ts";
import type { PluginChoice } from "../plugin/registry.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { loadScenario } from "../scenario/load.ts";
import { ScenarioError } from "../spec/errors.ts";
import { MrcInputError, scenarioRequests, traceRequests, WHOLE_TRACE } from "./mrcInput.ts";

export interface MrcPointTask {
  /** The scenario or trace file, as an absolute path. */
  input: string;
  isScenario: boolean;
  byBytes: boolean;
  policy: PluginChoice;
  size: number;
  /** The stream already read into shared memory, for a policy that replays it (LRU, FIFO); else null. */
  dense: DenseRequests | null;
  /** With `dense`: the policy's whole curve at these sizes in one pass, instead of the one point. */
  curveSizes: number[] | null;
  /** A spatial sample's key names by number: `dense` is then the sample, which every point replays. */
  names: string[] | null;
}

export type MrcPointOutcome = { row: MrcRow } | { rows: MrcRow[] } | { inputError: string };

export function runMrcPoint(task: MrcPointTask): MrcPointOutcome {
  try {
    if (task.dense !== null && task.curveSizes !== null) {
      const options = { policies: [task.policy], sizes: task.curveSizes, byBytes: task.byBytes };
      return { rows: denseCurveRows(task.policy, options, task.dense) };
    }
    if (task.dense !== null && task.names !== null) {
      const source = sampledSource({ dense: task.dense, names: task.names });
      return { row: replayPoint(source, task.policy, task.size, task.byBytes, undefined, task.dense) };
    }
    if (task.dense !== null) {
      const unused = () => {
        throw new Error("a dense replay walks no stream");
      };
      return { row: replayPoint(unused, task.policy, task.size, task.byBytes, undefined, task.dense) };
    }
    const source = task.isScenario
      ? scenarioRequests(loadScenario(task.input, knownNames()), task.byBytes)
      : traceRequests(task.input, WHOLE_TRACE, task.byBytes);
    return { row: replayPoint(source, task.policy, task.size, task.byBytes, undefined) };
  } catch (error) {
    if (error instanceof MrcInputError || error instanceof ScenarioError)
      return { inputError: error.message };
    throw error;
  }
}
