// Strategies by the name scenario files use: the presets of the catalogue (catalogue.ts), which also
// holds each slot's parts. An unknown name fails loudly, listing the known ones.
import { strategyPresets } from "./catalogue.ts";

export function strategyNames(): string[] {
  return strategyPresets.names();
}
