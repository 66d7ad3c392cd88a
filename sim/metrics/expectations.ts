// Checks a scenario's expectations after its run: what particular reads returned, and bounds on
// summary metrics. Each result says what was expected and what was found, for the console.

import { formatDurationUs } from "../spec/duration.ts";
import type { Expectation } from "../spec/types.ts";
import { METRIC_COLUMNS } from "./columns.ts";
import type { OpCounters } from "./opCounters.ts";
import type { Recorder, WatchedRead } from "./recorder.ts";

export interface ExpectationResult {
  path: string;
  description: string;
  passed: boolean;
  found: string;
}

export type PendingCheck = () => ExpectationResult;

function show(value: string | null | undefined): string {
  return value === null ? "null (absent)" : JSON.stringify(value);
}

/** Registers what must be watched during the run; call the returned checks after it. */
export function prepareExpectations(
  expectations: readonly Expectation[],
  recorder: Recorder,
  nodeIndex: ReadonlyMap<string, number>,
  summary: () => ReadonlyArray<{ node: string; counters: OpCounters }>,
): PendingCheck[] {
  return expectations.map((e): PendingCheck => {
    if (e.kind === "read") {
      const watch: WatchedRead = recorder.watchRead(nodeIndex.get(e.node) as number, e.atUs, e.key);
      const wants: string[] = [];
      if (e.value !== undefined) wants.push(`value ${show(e.value)}`);
      if (e.stale !== undefined) wants.push(e.stale ? "stale" : "fresh");
      if (e.servedFrom !== undefined) wants.push(`served from ${e.servedFrom}`);
      const description = `${e.node}'s read${e.key === null ? "" : ` of ${e.key}`} at ${formatDurationUs(e.atUs)}: ${wants.join(", ")}`;
      return () => {
        const first = watch.seen[0];
        if (first === undefined)
          return { path: e.path, description, passed: false, found: "no such read completed" };
        const passed =
          watch.seen.length === 1 &&
          (e.value === undefined || first.value === e.value) &&
          (e.stale === undefined || first.stale === e.stale) &&
          (e.servedFrom === undefined || first.servedFrom === e.servedFrom);
        const found = watch.seen
          .map((r) => `${show(r.value)}, ${r.stale ? "stale" : "fresh"}, served from ${r.servedFrom}`)
          .join("; ");
        return {
          path: e.path,
          description,
          passed,
          found: watch.seen.length > 1 ? `several reads: ${found}` : found,
        };
      };
    }
    const bounds: string[] = [];
    if (e.min !== undefined) bounds.push(`>= ${e.min}`);
    if (e.max !== undefined) bounds.push(`<= ${e.max}`);
    if (e.equals !== undefined) bounds.push(`= ${e.equals}`);
    const description = `${e.metric} of ${e.node} ${bounds.join(" and ")}`;
    const column = METRIC_COLUMNS.find((c) => c.name === e.metric);
    return () => {
      const row = summary().find((r) => r.node === e.node);
      if (column === undefined || row === undefined) {
        return { path: e.path, description, passed: false, found: "no such metric or node" };
      }
      const cell = column.value(row.counters);
      if (cell === "") return { path: e.path, description, passed: false, found: "nothing was measured" };
      const value = Number(cell);
      const passed =
        (e.min === undefined || value >= e.min) &&
        (e.max === undefined || value <= e.max) &&
        (e.equals === undefined || value === e.equals);
      return { path: e.path, description, passed, found: cell };
    };
  });
}
