// The building blocks of option schemas, so a plugin's options read and fail exactly like every other
// scenario field: durations such as "30s", bounded numbers, names from a list, node references, lists,
// strict mappings and `kind:`-style dispatch. The scenario schema (sim/scenario/schema.ts) is built from
// the same blocks. Each gives one message for every way a value can be wrong, so a problem reads the same
// whether the value was of the wrong type or just out of range.
import { z } from "zod";
import { formatDurationUs, parseDuration } from "../spec/duration.ts";
import { formatCount } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";

/** A YAML mapping (not a list, not null): what every `{ field: ... }` value must be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function intIn(min: number, max: number) {
  const error = `expected an integer from ${formatCount(min)} to ${formatCount(max)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export function numberIn(min: number, max: number, options: { minExclusive?: boolean } = {}) {
  const low = options.minExclusive ? `greater than ${formatCount(min)}` : `from ${formatCount(min)}`;
  const high = options.minExclusive ? `and at most ${formatCount(max)}` : `to ${formatCount(max)}`;
  const error = `expected a number ${low} ${high}`;
  const base = z.number({ error });
  return (options.minExclusive ? base.gt(min, { error }) : base.gte(min, { error })).lte(max, { error });
}

export const boolean = z.boolean({ error: "expected true or false" });

export function choice<const T extends string>(values: readonly T[]) {
  const listed = values.length > 0 ? values.join(", ") : "(none registered)";
  return z.custom<T>((v) => typeof v === "string" && (values as readonly string[]).includes(v), {
    error: `expected one of: ${listed}`,
  });
}

/** A reference to a node by name; whether it exists is checked in load.ts. */
export const nodeRef = z.string({ error: "expected a node name" });

export function duration(options: { positive?: boolean } = {}) {
  return z.unknown().transform((input, ctx): number => {
    const parsed = parseDuration(input);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: `expected ${parsed.expected}`, input });
      return z.NEVER;
    }
    if (options.positive && parsed.us === 0) {
      ctx.addIssue({ code: "custom", message: `expected a duration greater than 0, such as "30s"`, input });
      return z.NEVER;
    }
    if (parsed.us > LIMITS.durationUs) {
      const max = formatDurationUs(LIMITS.durationUs);
      ctx.addIssue({ code: "custom", message: `expected a duration of at most ${max}`, input });
      return z.NEVER;
    }
    return parsed.us;
  });
}

export function list<T extends z.ZodType>(item: T, min: number, max: number, what: string) {
  const error =
    min > 0
      ? `expected a list of ${formatCount(min)} to ${formatCount(max)} ${what}`
      : `expected a list of at most ${formatCount(max)} ${what}`;
  return z.array(item, { error }).min(min, { error }).max(max, { error });
}

/**
 * A strict object whose messages name its fields: an unknown field lists the known ones, and a
 * non-mapping says which fields a mapping there would have.
 */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const fields = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `expected one of: ${fields}`
        : issue.code === "invalid_type"
          ? `expected a mapping with fields: ${fields}`
          : undefined,
  });
}

/**
 * Chooses a schema by looking at the value (a bare string vs a mapping, or a mapping's `dist:` / `op:`
 * field) and reports only that schema's problems. zod's own unions would report every alternative's
 * problems at once, which for `{ dist: normal, mean: 2ms }` means complaining that it is not a string.
 */
export function dispatch<T>(
  expected: string,
  pick: (value: unknown) => z.ZodType<T> | undefined,
): z.ZodType<T> {
  return z.unknown().transform((value, ctx): T => {
    const schema = pick(value);
    if (schema === undefined) {
      ctx.addIssue({ code: "custom", message: `expected ${expected}`, input: value });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    // Paths in these issues are relative to `value`; zod prefixes the rest as they bubble up.
    for (const issue of result.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
}
