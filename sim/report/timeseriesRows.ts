// timeseries.csv rows as intervals close. An empty interval's cells are the same every time, so each
// node's empty row (after time_us) is formatted once: a fine report.interval over a quiet run then costs
// one short string per row.

import { metricCells } from "../metrics/columns.ts";
import { OpCounters } from "../metrics/opCounters.ts";
import type { IntervalSink } from "../metrics/recorder.ts";
import { type CsvFile, type FormattedCells, formatCells } from "./csvFile.ts";

export function timeseriesRows(file: CsvFile): IntervalSink {
  const emptyCells = metricCells(new OpCounters());
  const emptyRows = new Map<string, FormattedCells>();
  return (timeUs, node, counters, empty) => {
    if (!empty) {
      file.writeRow([timeUs, node, ...metricCells(counters)]);
      return;
    }
    let tail = emptyRows.get(node);
    if (tail === undefined) {
      tail = formatCells([node, ...emptyCells]);
      emptyRows.set(node, tail);
    }
    file.writeRowWithTail([timeUs], tail);
  };
}
