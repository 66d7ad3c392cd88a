// The stampede mitigations a scenario's `mitigations:` list may name: one file each, one line here.
import { Registry } from "../../plugin/registry.ts";
import type { Mitigation } from "./mitigation.ts";
import { singleFlight } from "./singleFlight.ts";
import { ttlJitter } from "./ttlJitter.ts";
import { xfetch } from "./xfetch.ts";

// Each mitigation's options type differs; compose.ts hands each the options its own schema parsed.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyOptions = any;

export const mitigations = new Registry<Mitigation<AnyOptions>>("mitigation", [
  singleFlight,
  xfetch,
  ttlJitter,
]);
