// faults.csv: one row per scheduled fault (what happened between its start and its end, and how long
// stale reads took to return to their level before it), then one row per node and a total for the
// whole run (errors and timeouts per node and tier, dropped and refused operations, lost writes).

import {
  FAULT_COUNT_FIELDS,
  FAULT_COUNT_TALLY,
  type FaultCountField,
  FaultCounts,
  type FaultLog,
} from "../faults/faultLog.ts";
import type { SimNode } from "../model/simNode.ts";
import { TALLY, tallyColumn } from "../model/tally.ts";
import type { ReportFiles } from "./reportFiles.ts";

/** The counts the recorder also keeps, named as its columns are. */
const RECORDER_COLUMNS: Readonly<Record<string, string>> = {
  reads: "reads",
  staleReads: "stale_reads",
  databaseReadsIssued: tallyColumn(TALLY.dbReadsIssued),
};

/**
 * Report columns of the counts, in FAULT_COUNT_FIELDS order: the name of the summary column each is also
 * kept in (sim/model/tally.ts, sim/metrics/columns.ts), so a count has one name everywhere.
 */
export const FAULT_COUNT_COLUMNS = Object.fromEntries(
  FAULT_COUNT_FIELDS.map((f) => {
    const id = FAULT_COUNT_TALLY[f];
    return [f, id === null ? RECORDER_COLUMNS[f] : tallyColumn(id)];
  }),
) as Readonly<Record<FaultCountField, string>>;

export const FAULTS_HEADER = [
  "fault",
  "kind",
  "target",
  "start_us",
  "end_us",
  "node",
  ...FAULT_COUNT_FIELDS.map((f) => FAULT_COUNT_COLUMNS[f]),
  "recovery_us",
] as const;

function cells(counts: FaultCounts): string[] {
  return FAULT_COUNT_FIELDS.map((f) => String(counts[f]));
}

/** The rows of faults.csv, as text cells. */
export function faultsRows(
  log: FaultLog,
  nodes: readonly SimNode[],
  endUs: number,
  intervalUs: number,
): string[][] {
  const rows: string[][] = [];
  for (const w of log.windows) {
    const recovery = w.recoveryUs(intervalUs);
    rows.push([
      String(w.index),
      w.kind,
      w.target,
      String(w.startUs),
      w.endUs === null ? "" : String(w.endUs),
      "total",
      ...cells(w.counts),
      recovery === null ? "" : String(recovery),
    ]);
  }
  const total = new FaultCounts();
  nodes.forEach((node, i) => {
    const counts = log.byNode[i] as FaultCounts;
    total.add(counts);
    rows.push(["run", "", "", "0", String(endUs), node.name, ...cells(counts), ""]);
  });
  rows.push(["run", "", "", "0", String(endUs), "total", ...cells(total), ""]);
  return rows;
}

export async function writeFaultsReport(
  files: ReportFiles,
  log: FaultLog,
  nodes: readonly SimNode[],
  endUs: number,
  intervalUs: number,
): Promise<void> {
  const file = files.csv("faults.csv", FAULTS_HEADER);
  for (const row of faultsRows(log, nodes, endUs, intervalUs)) file.writeRow(row);
  await file.close();
}
