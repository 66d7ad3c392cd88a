// The `mitigations:` list of a scenario file: stampede mitigations applied to the strategy's read path,
// in the order listed, under any strategy (a preset or a composition). Each item is a mitigation named
// bare (`single-flight`) or as a mapping whose `name:` names it and whose other fields are its options
// (`{ name: xfetch, beta: 2 }`). The runner hands the list to the strategy as it composes it
// (sim/strategies/compose.ts); without the section the list is empty.
import { z } from "zod";
import { choice, dispatch, isPlainObject, list } from "../plugin/options.ts";
import type { PluginChoice } from "../plugin/registry.ts";
import { mitigations } from "../strategies/mitigations/registry.ts";
import { section } from "./section.ts";

export const MITIGATIONS_MAX = 16;

const item = dispatch<PluginChoice>(
  `a mitigation: one of ${mitigations.names().join(", ")}, or { name, ...options }`,
  (value) => {
    const name = typeof value === "string" ? value : isPlainObject(value) ? value.name : undefined;
    if (typeof name !== "string" || !mitigations.has(name)) {
      const known = choice(mitigations.names());
      return (typeof value === "string"
        ? known
        : z.looseObject({ name: known })) as unknown as z.ZodType<PluginChoice>;
    }
    const options = mitigations.get(name).options;
    return z.unknown().transform((v, ctx): PluginChoice => {
      const fields: Record<string, unknown> = isPlainObject(v) ? { ...v } : {};
      delete fields.name;
      const parsed = options.safeParse(fields);
      if (parsed.success) return { name, options: parsed.data };
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
      return z.NEVER;
    });
  },
);

export const mitigationsSection = section({
  field: "mitigations",
  schema: list(item, 0, MITIGATIONS_MAX, "mitigations"),
  resolve: (input): PluginChoice[] => input ?? [],
});
