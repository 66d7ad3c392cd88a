// trace.csv's columns, declared once: name, meaning and how to write each from a finished operation.
// The header, every row and the README's column list come from this list.
import type { ServedFrom } from "../spec/types.ts";

/** One finished operation as trace.csv shows it. */
export interface TraceRow {
  /** When the operation began. */
  startUs: number;
  node: string;
  op: "read" | "write" | "flush";
  /** null for a flush, which has no key. */
  key: string | null;
  value: string | null;
  /** null for a flush. */
  version: number | null;
  /** Only reads are served from somewhere. */
  servedFrom: ServedFrom | null;
  shard: string;
  /** Only reads are stale or fresh; the age is set for stale reads. */
  stalenessAgeUs: number | null;
  latencyUs: number;
}

export interface TraceColumn {
  name: string;
  description: string;
  cell(row: TraceRow): string;
}

const isRead = (r: TraceRow) => r.op === "read";

export const TRACE_COLUMNS: readonly TraceColumn[] = [
  { name: "time_us", description: "when the operation began", cell: (r) => String(r.startUs) },
  { name: "node", description: "the node that ran it", cell: (r) => r.node },
  { name: "op", description: "`read`, `write` or `flush`", cell: (r) => r.op },
  { name: "key", description: "the key (empty for a flush)", cell: (r) => r.key ?? "" },
  {
    name: "value",
    description: "the value read or written (empty when absent)",
    cell: (r) => r.value ?? "",
  },
  {
    name: "version",
    description: "the version read or written",
    cell: (r) => (r.version === null ? "" : String(r.version)),
  },
  {
    name: "served_from",
    description: "for reads: `local`, `global` or `database`",
    cell: (r) => r.servedFrom ?? "",
  },
  {
    name: "shard",
    description: "the global-cache shard (in Redis Cluster mode the server) that served or was updated",
    cell: (r) => r.shard,
  },
  {
    name: "stale",
    description: "for reads: `true` or `false`",
    cell: (r) => (isRead(r) ? String(r.stalenessAgeUs !== null) : ""),
  },
  {
    name: "staleness_age_us",
    description: "for stale reads: how long before the read began its value had been superseded",
    cell: (r) => (r.stalenessAgeUs === null ? "" : String(r.stalenessAgeUs)),
  },
  {
    name: "latency_us",
    description: "from the start to the answer or acknowledgement (0 for a flush)",
    cell: (r) => String(r.latencyUs),
  },
];

export const TRACE_HEADER: readonly string[] = TRACE_COLUMNS.map((c) => c.name);

export function traceCells(row: TraceRow): string[] {
  return TRACE_COLUMNS.map((c) => c.cell(row));
}

/** Where a column is in a trace row (tests and tools that read trace.csv back). */
export function traceColumnIndex(name: string): number {
  const index = TRACE_HEADER.indexOf(name);
  if (index < 0) throw new Error(`trace.csv has no column ${name} (known: ${TRACE_HEADER.join(", ")})`);
  return index;
}
