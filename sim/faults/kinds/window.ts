// The timing fields every fault kind shares: `at` (when it starts) and `for` (how long it lasts; left
// out, it lasts to the end of the run).
import { duration } from "../../plugin/options.ts";

export const windowFields = {
  at: duration().describe("when the fault starts (virtual time from the start of the run)"),
  for: duration({ positive: true }).optional().describe("how long it lasts; left out, to the end of the run"),
};

export function windowOf(o: { at: number; for?: number | undefined }): {
  atUs: number;
  forUs: number | null;
} {
  return { atUs: o.at, forUs: o.for ?? null };
}
