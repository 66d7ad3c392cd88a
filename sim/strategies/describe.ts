// The catalogue in words, for `cachesim strategies` and the README (whose tables a test checks against
// the same registries): presets, each slot's parts with their options and defaults, the refused
// combinations.

import { evictionPolicies, isClairvoyant } from "../model/evictionPolicies.ts";
import { markdownCell as cell, optionDocs } from "../plugin/describe.ts";
import {
  COMBINATION_RULES,
  SLOT_DEFAULTS,
  STRATEGY_SLOTS,
  type StrategySlot,
  strategyPresets,
} from "./catalogue.ts";

/** The text `cachesim strategies` prints. */
export function describeCatalogue(): string {
  const lines: string[] = ["Presets (strategy: <name>):"];
  for (const p of strategyPresets.all()) {
    const parts = (Object.keys(p.parts) as StrategySlot[]).map((s) => `${s}: ${p.parts[s]}`).join(", ");
    lines.push(`  ${p.name.padEnd(24)} ${p.summary}`, `  ${"".padEnd(24)} = ${parts}`);
  }
  lines.push(
    "",
    "Or compose parts (strategy: { read, write, near, fill }; a part bare or { name, …options }):",
  );
  for (const slot of Object.keys(STRATEGY_SLOTS) as StrategySlot[]) {
    lines.push("", `${slot} (default ${SLOT_DEFAULTS[slot]}):`);
    for (const part of STRATEGY_SLOTS[slot].all()) {
      lines.push(`  ${part.name.padEnd(24)} ${part.summary}`);
      for (const o of optionDocs(part.options)) {
        lines.push(`  ${"".padEnd(24)}   ${o.name}: ${o.description} (default ${o.default})`);
      }
    }
  }
  lines.push("", "Combinations that are refused:");
  for (const rule of new Set(COMBINATION_RULES.map((r) => r.rule))) lines.push(`  - ${rule}`);
  lines.push(
    "",
    "Node cache eviction (cache.eviction: <policy> or { policy, …options }; cachesim mrc --policies):",
    "  defaults are libCacheSim's (wtinylfu's Caffeine's, the same window and protected share); docs/eviction.md",
    "  says where each policy stands against libCacheSim",
  );
  for (const policy of evictionPolicies.all()) {
    const only = isClairvoyant(policy.name) ? " (cachesim mrc only)" : "";
    lines.push(`  ${policy.name.padEnd(24)} ${policy.summary}${only}`);
    for (const o of optionDocs(policy.options))
      lines.push(`  ${"".padEnd(24)}   ${o.name}: ${o.description} (default ${o.default})`);
  }
  return lines.join("\n");
}

/**
 * The README's catalogue tables, made from the registries: presets, then one table per slot with each
 * part's options and defaults. `test/readme.test.ts` checks that the README holds exactly this text.
 */
export function catalogueMarkdown(): string {
  const out: string[] = ["| preset | parts | what it does |", "|---|---|---|"];
  for (const p of strategyPresets.all()) {
    const parts = (Object.keys(p.parts) as StrategySlot[]).map((s) => `${s}: ${p.parts[s]}`).join(", ");
    out.push(`| \`${p.name}\` | ${parts} | ${cell(p.summary)} |`);
  }
  for (const slot of Object.keys(STRATEGY_SLOTS) as StrategySlot[]) {
    out.push("", `**\`${slot}\`** (default \`${SLOT_DEFAULTS[slot]}\`)`, "");
    out.push("| part | what it does | options (default) |", "|---|---|---|");
    for (const part of STRATEGY_SLOTS[slot].all()) {
      const options = optionDocs(part.options)
        .map((o) => `\`${o.name}\` (${o.default}): ${cell(o.description)}`)
        .join("<br>");
      out.push(`| \`${part.name}\` | ${cell(part.summary)} | ${options === "" ? "none" : options} |`);
    }
  }
  out.push("", "Refused combinations:", "");
  for (const rule of new Set(COMBINATION_RULES.map((r) => r.rule))) out.push(`- ${rule}`);
  return out.join("\n");
}
