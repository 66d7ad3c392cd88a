// The catalogue in words, for `cachesim strategies` and the README (whose tables a test checks against
// the same registries): presets, each slot's parts with their options and defaults, the refused
// combinations.
import type { z } from "zod";
import { formatDurationUs } from "../spec/duration.ts";
import {
  COMBINATION_RULES,
  SLOT_DEFAULTS,
  STRATEGY_SLOTS,
  type StrategySlot,
  strategyPresets,
} from "./catalogue.ts";

export interface OptionDoc {
  name: string;
  description: string;
  default: string;
}

/** A part's options: name, what it means (its schema's description) and its default. */
export function optionDocs(options: z.ZodType): OptionDoc[] {
  const shape = objectShape(options);
  if (shape === null) return [];
  return Object.entries(shape).map(([name, field]) => ({
    name,
    description: (field as z.ZodType).description ?? "",
    default: defaultText(field),
  }));
}

/** The object shape under a strict object, possibly wrapped in a transform (pipe). */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  let s: unknown = schema;
  for (let i = 0; i < 4 && s !== undefined; i++) {
    const def = (s as { _zod?: { def?: { type?: string; shape?: Record<string, z.ZodType>; in?: unknown } } })
      ._zod?.def;
    if (def?.type === "object") return def.shape ?? null;
    s = def?.in;
  }
  return null;
}

interface ZodDef {
  type?: string;
  defaultValue?: unknown;
  innerType?: { _zod: { def: ZodDef } };
}

/**
 * A field's default as a scenario would write it. Durations are parsed by a transform (a pipe), so a
 * numeric default under one is microseconds and is shown as a duration.
 */
function defaultText(field: z.ZodType): string {
  const def = (field as unknown as { _zod: { def: ZodDef } })._zod.def;
  if (def.type !== "default") return "required";
  const value = def.defaultValue;
  const inner = def.innerType?._zod.def.type;
  if (typeof value === "number" && inner === "pipe") return formatDurationUs(value);
  if (typeof value === "object" && value !== null && "dist" in value) {
    const v = value as { dist: string; valueUs?: number };
    return v.dist === "constant" && v.valueUs !== undefined ? formatDurationUs(v.valueUs) : JSON.stringify(v);
  }
  return String(value);
}

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
  return lines.join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
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
