// A plugin's options in words, read from its schema: each field's name, its description and its
// default as a scenario would write it. The catalogue, the latency models and the README tables built
// from them all describe options this one way.
import type { z } from "zod";
import { formatDurationUs } from "../spec/duration.ts";

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
  // An optional field with no default is one of several ways to say something (empirical's file or values).
  if (def.type === "optional") return "optional";
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

/** Text for one cell of a Markdown table: a `|` inside it would end the cell. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}
