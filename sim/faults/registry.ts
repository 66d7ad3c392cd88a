// The fault kinds a scenario's `faults.schedule` may name (`kind: partition`): one file each under
// kinds/, one line here.

import { Registry } from "../plugin/registry.ts";
import type { FaultKind } from "./fault.ts";
import { crash } from "./kinds/crash.ts";
import { invalidationLoss } from "./kinds/invalidationLoss.ts";
import { latencySpike } from "./kinds/latencySpike.ts";
import { linkLoss } from "./kinds/linkLoss.ts";
import { partition } from "./kinds/partition.ts";
import { shardDown } from "./kinds/shardDown.ts";

// Each kind's options type differs; the schedule hands each the options its own schema parsed.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyOptions = any;

export const faultKinds = new Registry<FaultKind<AnyOptions>>(
  "fault kind",
  [partition, linkLoss, latencySpike, crash, shardDown, invalidationLoss],
  "kind",
);
