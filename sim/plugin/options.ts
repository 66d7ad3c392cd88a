// The building blocks of plugin option schemas, so a plugin's options read and fail exactly like every
// other scenario field: durations such as "30s", bounded numbers, names from a list, latency models.
// They live with the scenario schema (which uses them everywhere); plugins import them from here.
import { latencyField } from "../model/latency/field.ts";

export { boolean, choice, duration, intIn, numberIn, strict } from "../scenario/schema.ts";

/** A latency model: a duration, or `{ dist, ...options }` of a model in sim/model/latency/. */
export const latency = latencyField();
