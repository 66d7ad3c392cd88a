// A scenario field that names a plugin from a registry: bare (`arrival: poisson`) or as a mapping whose selector field names it and whose other fields are its
// options (`arrival: { process: onoff, on: 1s, off: 4s }`), plus any fields the mapping shares with
// every plugin of the kind (`keys: { count, prefix, dist: zipf, s: 0.99 }`). The output is the mapping
// as written, flat, with the selector filled in and every option defaulted, so a resolved scenario reads
// like the file. Problems come out as zod issues with paths relative to the field, which the loader
// turns into file:line messages like every other.
import { type ZodRawShape, z } from "zod";
import { isPlainObject, strict } from "../plugin/options.ts";
import type { Plugin, Registry } from "../plugin/registry.ts";

type Issue = Parameters<z.core.$RefinementCtx["addIssue"]>[0];

function fieldsOf(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape === undefined ? [] : Object.keys(shape);
}

export interface PluginFieldOptions {
  /** Fields every plugin of the kind takes beside its own (parsed first; required ones stay required). */
  shared?: ZodRawShape;
  /** The plugin a mapping without a selector field gets; without one the selector is required. */
  defaultName?: string;
}

/** Selector and options of a chosen plugin, flat: `{ process: "onoff", on: 1000000, off: 4000000 }`. */
export type PluginValue = Record<string, unknown>;

export function pluginField<P extends Plugin>(registry: Registry<P>, options: PluginFieldOptions = {}) {
  const selector = registry.selector;
  const shared = options.shared ?? {};
  const sharedSchema = strict(shared);
  const sharedNames = Object.keys(shared);
  const names = registry.names();
  const nameError = `expected one of: ${names.join(", ")}`;
  const example = `${names[0]} or { ${selector}: ${names[0]}, ... }`;

  return z.unknown().transform((value, ctx): PluginValue => {
    const forward = (issues: readonly z.core.$ZodIssue[], rewriteUnknown?: string) => {
      for (const issue of issues) {
        if (issue.code === "unrecognized_keys" && rewriteUnknown !== undefined) {
          ctx.addIssue({ ...issue, message: rewriteUnknown } as Issue);
        } else ctx.addIssue({ ...issue } as Issue);
      }
    };
    let name: string;
    let fields: Record<string, unknown>;
    if (typeof value === "string" && sharedNames.length === 0) {
      name = value;
      fields = {};
      if (!registry.has(name)) {
        ctx.addIssue({ code: "custom", message: nameError, input: value });
        return z.NEVER;
      }
    } else if (isPlainObject(value)) {
      const written = value[selector];
      if (written === undefined && options.defaultName === undefined) {
        ctx.addIssue({ code: "custom", message: nameError, input: written, path: [selector] });
        return z.NEVER;
      }
      if (written !== undefined && (typeof written !== "string" || !registry.has(written))) {
        ctx.addIssue({ code: "custom", message: nameError, input: written, path: [selector] });
        return z.NEVER;
      }
      name = (written as string | undefined) ?? (options.defaultName as string);
      fields = value;
    } else {
      const expected =
        sharedNames.length === 0
          ? `expected ${example}`
          : `expected a mapping with fields: ${[...sharedNames, selector].join(", ")}, ...`;
      ctx.addIssue({ code: "custom", message: expected, input: value });
      return z.NEVER;
    }

    const plugin = registry.get(name);
    const own = fieldsOf(plugin.options);
    const sharedPart: Record<string, unknown> = {};
    const ownPart: Record<string, unknown> = {};
    let failed = false;
    for (const [field, fieldValue] of Object.entries(fields)) {
      if (field === selector) continue;
      if (sharedNames.includes(field)) sharedPart[field] = fieldValue;
      else if (own.includes(field) || !isOtherPluginsField(registry, field)) ownPart[field] = fieldValue;
      else {
        // A field another plugin of the kind takes: say which, rather than just "unknown field".
        const takers = registry.all().filter((p) => fieldsOf(p.options).includes(field));
        const which = takers.map((p) => `\`${selector}: ${p.name}\``).join(" or ");
        ctx.addIssue({
          code: "custom",
          message: `expected no \`${field}:\` unless ${which}`,
          input: fieldValue,
          path: [field],
        });
        failed = true;
      }
    }
    const allFields = [...sharedNames, selector, ...own].join(", ");
    const sharedParsed = sharedSchema.safeParse(sharedPart);
    if (!sharedParsed.success) {
      forward(sharedParsed.error.issues);
      failed = true;
    }
    const ownParsed = plugin.options.safeParse(ownPart);
    if (!ownParsed.success) {
      forward(ownParsed.error.issues, `expected one of: ${allFields}`);
      failed = true;
    }
    if (failed || !sharedParsed.success || !ownParsed.success) return z.NEVER;
    return { ...sharedParsed.data, [selector]: name, ...(ownParsed.data as object) };
  });
}

function isOtherPluginsField<P extends Plugin>(registry: Registry<P>, field: string): boolean {
  return registry.all().some((p) => fieldsOf(p.options).includes(field));
}

/** Splits a flat plugin value back into the plugin's name and its own options. */
export function pluginOptions(value: PluginValue, selector: string, shared: readonly string[] = []) {
  const options: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    if (field !== selector && !shared.includes(field)) options[field] = fieldValue;
  }
  return { name: value[selector] as string, options };
}
