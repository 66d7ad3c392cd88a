// `--sequence-rows` for `run --html` and `report`: how many trace rows a run may have and still get its
// sequence diagram. Read as text, so a mistake is reported as typed (yargs would turn "abc" into NaN).
import { DEFAULTS } from "../spec/defaults.ts";

/** The option's yargs declaration, shared by both commands. */
export const SEQUENCE_ROWS_OPTION = {
  type: "string",
  default: String(DEFAULTS.htmlReport.sequenceRowsMax),
  describe: "draw the sequence diagram for runs of at most this many trace rows",
} as const;

/** The row bound --sequence-rows gives, or the message saying why it is not one (exit 2). */
export function sequenceRowsFrom(given: string): number | string {
  if (!/^\d{1,15}$/.test(given))
    return `--sequence-rows: expected a whole number of trace rows, found ${JSON.stringify(given)}`;
  return Number(given);
}
