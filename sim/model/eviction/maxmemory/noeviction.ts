// noeviction (Redis's default): nothing is evicted; a write that does not fit is refused (Redis answers
// OOM) and counted.
import { strict } from "../../../plugin/options.ts";
import { type MaxmemoryPlugin, touchTime } from "./policy.ts";

export const noeviction: MaxmemoryPlugin<Record<string, never>> = {
  name: "noeviction",
  summary: "nothing is evicted: a write that does not fit is refused and counted",
  options: strict({}),
  create: () => ({
    onInsert: touchTime,
    onAccess: touchTime,
    victim: () => null,
    clear: () => {},
  }),
};
