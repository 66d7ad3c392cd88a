// A mixture of latency models: most hops from one, some from another (99 % fast, 1 % slow: GC pauses,
// cross-zone hops, a retry after a lost packet). `of` lists the components, each a latency model
// mapping with a `weight`: any positive number, a component's share being its weight over the sum of
// them all (0.99 and 0.01, or 99 and 1, are the same mixture). Components are any model, a mixture
// too, nested at most LIMITS.mixtureDepth deep. Each hop takes one draw from the link's stream to
// choose the component, then the chosen component samples, drawing from the same stream: the link
// still has one stream, and the numbers it gives depend only on the seed and the model.
//
// The components are read by the latency field of the registry this model is in, which holds this
// model too: the registry is passed as a function, called only once a mixture is parsed or made.
import { z } from "zod";
import { isPlainObject, list, numberIn, strict } from "../../plugin/options.ts";
import type { Registry } from "../../plugin/registry.ts";
import { formatCount } from "../../spec/errors.ts";
import { LIMITS } from "../../spec/limits.ts";
import type { LatencyModel } from "../../spec/types.ts";
import { latencyField } from "./field.ts";
import { type LatencyModelPlugin, samplerOf } from "./latencyModel.ts";

type Issue = Parameters<z.core.$RefinementCtx["addIssue"]>[0];

/** A weight's upper bound: any share is expressible well below it, and sums stay exact enough. */
const WEIGHT_MAX = 1e9;
const COMPONENT_EXAMPLE = "{ weight: 0.99, dist: constant, value: 200us }";

/** How many mixtures deep a model is: 0 for a plain model, 1 for a mixture of plain models. */
export function mixtureDepth(model: LatencyModel): number {
  let inner = -1;
  for (const value of Object.values(model)) {
    if (!Array.isArray(value)) continue;
    for (const item of value)
      if (isPlainObject(item)) inner = Math.max(inner, mixtureDepth(item as LatencyModel));
  }
  return inner + 1;
}

export function mixtureOf(
  models: () => Registry<LatencyModelPlugin>,
): LatencyModelPlugin<{ weights: number[]; of: LatencyModel[] }> {
  let field: z.ZodType<LatencyModel> | undefined;
  const weight = numberIn(0, WEIGHT_MAX, { minExclusive: true });
  const component = z.unknown().transform((value, ctx): { weight: number; model: LatencyModel } => {
    if (!isPlainObject(value)) {
      ctx.addIssue({
        code: "custom",
        message: `expected a component such as ${COMPONENT_EXAMPLE}`,
        input: value,
      });
      return z.NEVER;
    }
    const { weight: w, ...model } = value;
    const parsedWeight = weight.safeParse(w);
    if (!parsedWeight.success) {
      const message = `expected a weight greater than 0 (at most ${formatCount(WEIGHT_MAX)}); a component's share is its weight over the sum of all the weights`;
      ctx.addIssue({ code: "custom", message, path: ["weight"], input: w });
    }
    field ??= latencyField(models());
    const parsedModel = field.safeParse(model);
    if (!parsedModel.success) {
      for (const issue of parsedModel.error.issues) {
        // The model's own fields are listed; a component also has its weight.
        const message =
          issue.code === "unrecognized_keys" && issue.path.length === 0
            ? issue.message.replace(/^expected one of: /, "expected one of: weight, ")
            : issue.message;
        ctx.addIssue({ ...issue, message } as Issue);
      }
    }
    if (!parsedWeight.success || !parsedModel.success) return z.NEVER;
    return { weight: parsedWeight.data, model: parsedModel.data };
  });

  return {
    name: "mixture",
    summary: "each hop from one of the models in `of`, chosen by `weight` (99 % fast, 1 % slow)",
    example: {
      of: [
        { weight: 0.95, dist: "normal", mean: "1ms", stddev: "100us" },
        { weight: 0.05, dist: "uniform", min: "2.5ms", max: "3ms" },
      ],
    },
    options: strict({
      of: list(component, 1, LIMITS.mixtureComponents, `components such as ${COMPONENT_EXAMPLE}`).describe(
        `the components: a latency model mapping each, with a \`weight\` > 0; a component's share is its weight over the sum of all the weights; mixtures nest at most ${LIMITS.mixtureDepth} deep`,
      ),
    }).transform((o, ctx) => {
      const of = o.of.map((c) => c.model);
      const depth = 1 + Math.max(...of.map(mixtureDepth));
      if (depth > LIMITS.mixtureDepth) {
        const message = `expected mixtures nested at most ${LIMITS.mixtureDepth} deep (these are ${depth})`;
        ctx.addIssue({ code: "custom", message, path: ["of"], input: o.of });
        return z.NEVER;
      }
      return { weights: o.of.map((c) => c.weight), of };
    }),
    create(rng, { weights, of }) {
      const registry = models();
      const samplers = of.map((model) => samplerOf(registry, model, rng));
      const sums: number[] = [];
      let total = 0;
      for (const w of weights) {
        total += w;
        sums.push(total);
      }
      const last = samplers.length - 1;
      return () => {
        const u = rng.next() * total;
        let i = 0;
        // Components are few (LIMITS.mixtureComponents); the last takes what rounding leaves over.
        while (i < last && (sums[i] as number) <= u) i++;
        return (samplers[i] as () => number)();
      };
    },
  };
}
