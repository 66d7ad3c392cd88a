// Test support: the calls the bench world makes into the in-process stand-ins, from its own counters.
// It reads through and writes through: a local miss asks the global cache (GET), a global miss reads the
// database and fills the global cache (SET), and a write goes to both.
import type { SummaryRow } from "../../sim/api/reportRows.ts";

export interface StandInCalls {
  get: number;
  set: number;
  read: number;
  write: number;
}

export function standInCalls(all: SummaryRow): StandInCalls {
  const reads = all.reads as number;
  const dbReads = all.db_reads as number;
  const writes = all.writes as number;
  return { get: reads - (all.local_hits as number), set: dbReads + writes, read: dbReads, write: writes };
}
