// The scenario field that holds a latency model, composed from the registry: a bare duration (the model
// that takes the shorthand, `constant`), or `{ dist: <model>, ...its options }` checked by that model's
// own schema. Problems come out as zod issues with paths relative to the field, which the loader turns
// into file:line messages like every other.
import { z } from "zod";
import { choice, dispatch, duration, isPlainObject } from "../../plugin/options.ts";
import type { Registry } from "../../plugin/registry.ts";
import { DURATION_EXPECTED } from "../../spec/duration.ts";
import type { LatencyModel } from "../../spec/types.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";

type Issue = Parameters<z.core.$RefinementCtx["addIssue"]>[0];

/** The YAML field names of a model's options (its schema is a strict object, maybe refined and piped). */
export function optionFields(schema: z.ZodType): string[] {
  let s: unknown = schema;
  for (let i = 0; i < 4 && s !== undefined; i++) {
    const def = (s as { _zod?: { def?: { type?: string; shape?: object; in?: unknown } } })._zod?.def;
    if (def?.type === "object") return Object.keys(def.shape ?? {});
    s = def?.in;
  }
  return [];
}

/**
 * The field for the models of `registry` (sim/model/latency/registry.ts's `latencyModels` for a
 * scenario; passed in, since a mixture in that registry reads its components with this same field).
 */
export function latencyField(registry: Registry<LatencyModelPlugin>): z.ZodType<LatencyModel> {
  const selector = registry.selector;
  const shorthandModel = registry.all().find((m) => m.shorthand !== undefined);
  const shorthand =
    shorthandModel === undefined
      ? undefined
      : duration().transform(
          (us) =>
            ({
              [selector]: shorthandModel.name,
              ...(shorthandModel.shorthand as (us: number) => LatencyModel)(us),
            }) as LatencyModel,
        );
  const unknownModel = z.looseObject({
    [selector]: choice(registry.names()),
  }) as unknown as z.ZodType<LatencyModel>;
  const models = new Map(
    registry.all().map((model) => {
      const known = `expected one of: ${[selector, ...optionFields(model.options)].join(", ")}`;
      const schema = z.unknown().transform((value, ctx): LatencyModel => {
        const { [selector]: _, ...options } = value as Record<string, unknown>;
        const parsed = model.options.safeParse(options);
        if (parsed.success) return { [selector]: model.name, ...parsed.data } as LatencyModel;
        for (const issue of parsed.error.issues) {
          // The model's schema knows only its options; the mapping also has the selector. (An unknown
          // field deeper down, in a mixture's component, is that component's to name.)
          const own = issue.code === "unrecognized_keys" && issue.path.length === 0;
          const message = own ? known : issue.message;
          ctx.addIssue({ ...issue, message } as Issue);
        }
        return z.NEVER;
      });
      return [model.name, schema] as const;
    }),
  );
  const example = "{ dist: normal, mean: 2ms, stddev: 500us }";
  return dispatch<LatencyModel>(`${DURATION_EXPECTED}, or a latency model such as ${example}`, (value) => {
    if (!isPlainObject(value))
      return typeof value === "string" || typeof value === "number" ? shorthand : undefined;
    const name = value[selector];
    if (typeof name === "string" && models.has(name)) return models.get(name);
    return unknownModel;
  });
}
