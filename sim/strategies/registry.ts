// Strategies by the name scenario files use. An unknown name fails loudly, listing the known ones.
import { globalStrategy } from "./globalStrategy.ts";
import { localStrategy } from "./localStrategy.ts";
import type { StrategyDefinition } from "./strategy.ts";

const strategies = new Map<string, StrategyDefinition>(
  [localStrategy, globalStrategy].map((s) => [s.name, s]),
);

export function strategyNames(): string[] {
  return [...strategies.keys()];
}

export function strategyDefinitions(): StrategyDefinition[] {
  return [...strategies.values()];
}

export function strategy(name: string): StrategyDefinition {
  const found = strategies.get(name);
  if (found === undefined)
    throw new Error(`unknown strategy "${name}" (known: ${strategyNames().join(", ")})`);
  return found;
}
