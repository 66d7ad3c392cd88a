// The names a scenario may use, taken from the registries themselves so a new strategy, eviction
// policy or report column is accepted the moment it is registered.

import { metricColumnNames } from "../metrics/columns.ts";
import { evictionPolicyNames } from "../model/evictionPolicies.ts";
import { strategyNames } from "../strategies/registry.ts";

export function knownNames() {
  return {
    knownStrategies: strategyNames(),
    knownEvictions: evictionPolicyNames(),
    knownMetrics: metricColumnNames(),
  };
}
