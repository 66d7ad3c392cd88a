// Trace formats by the name a trace workload's `format` uses, and the one a file's extension implies.
import { Registry } from "../../plugin/registry.ts";
import { csvFormat } from "./csvFormat.ts";
import { withoutCompression } from "./openByteSource.ts";
import { oracleGeneralFormat } from "./oracleGeneralFormat.ts";
import { textFormat } from "./textFormat.ts";
import type { TraceFormat } from "./traceFormat.ts";

export const traceFormats = new Registry<TraceFormat>(
  "trace format",
  [textFormat, csvFormat, oracleGeneralFormat] as TraceFormat[],
  "format",
);

/** `.csv` is CSV, `.oracleGeneral` or `.bin` is oracleGeneral, anything else plain text (after .gz etc.). */
export function formatByExtension(file: string): string {
  const name = withoutCompression(file).toLowerCase();
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".oraclegeneral") || name.endsWith(".bin")) return "oracleGeneral";
  return "text";
}
