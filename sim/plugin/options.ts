// The building blocks of plugin option schemas, so a plugin's options read and fail exactly like every
// other scenario field: durations such as "30s", bounded numbers, names from a list, latency models.
// They live with the scenario schema (which uses them everywhere); plugins import them from here.
export {
  boolean,
  choice,
  duration,
  intIn,
  latency,
  numberIn,
  strict,
} from "../scenario/schema.ts";
