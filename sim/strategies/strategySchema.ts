// How a scenario names its strategy: a preset (`strategy: global`) or a mapping of the four slots, each
// part named bare or as `{ name, …its options }`:
//
//   strategy:
//     read: cache-aside
//     write: { name: double-delete, delay: 5ms }
//     fill: lease
//
// Slots left out take their default part. Each part's options are checked by that part's own schema,
// and a combination `checkStrategy` refuses is reported at the slot it names, so every problem reads
// like any other scenario error: position, field path, expected, found.
import { z } from "zod";
import type { StrategyChoice } from "../spec/types.ts";
import {
  checkStrategy,
  presetChoice,
  SLOT_DEFAULTS,
  STRATEGY_SLOTS,
  type StrategySlot,
  strategyPresets,
} from "./catalogue.ts";

const SLOTS = Object.keys(STRATEGY_SLOTS) as StrategySlot[];

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function strategySchema(): z.ZodType<StrategyChoice> {
  const presets = strategyPresets.names().join(", ");
  const expected = `expected one of: ${presets}, or a mapping with fields: ${SLOTS.join(", ")}`;
  return z.unknown().transform((value, ctx): StrategyChoice => {
    let failed = false;
    const fail = (path: Array<string | number>, message: string, input: unknown) => {
      failed = true;
      ctx.addIssue({ code: "custom", message, path, input });
    };
    if (typeof value === "string" && strategyPresets.has(value)) return presetChoice(value);
    if (!isMapping(value)) {
      fail([], expected, value);
      return z.NEVER;
    }
    const unknown = Object.keys(value).filter((k) => !(SLOTS as string[]).includes(k));
    if (unknown.length > 0) {
      failed = true;
      ctx.addIssue({
        code: "unrecognized_keys",
        keys: unknown,
        path: [],
        input: value,
        message: `expected one of: ${SLOTS.join(", ")}`,
      });
    }
    const choice = { name: "custom" } as StrategyChoice;
    for (const slot of SLOTS) {
      const registry = STRATEGY_SLOTS[slot];
      const names = `expected one of: ${registry.names().join(", ")}`;
      const raw = value[slot] ?? SLOT_DEFAULTS[slot];
      let name: unknown = raw;
      let options: Record<string, unknown> = {};
      if (isMapping(raw)) {
        const { name: named, ...rest } = raw;
        name = named;
        options = rest;
        if (typeof name !== "string" || !registry.has(name)) {
          fail([slot, "name"], names, name);
          continue;
        }
      } else if (typeof name !== "string" || !registry.has(name)) {
        fail([slot], `${names}, or a mapping { name, …options }`, raw);
        continue;
      }
      const parsed = registry.get(name).options.safeParse(options);
      if (!parsed.success) {
        failed = true;
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ ...issue, path: [slot, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
        }
        continue;
      }
      choice[slot] = { name, options: parsed.data };
    }
    if (failed) return z.NEVER;
    for (const problem of checkStrategy(choice))
      fail(
        [problem.slot],
        `a valid combination: ${problem.message}`,
        value[problem.slot] ?? SLOT_DEFAULTS[problem.slot],
      );
    return failed ? z.NEVER : choice;
  });
}
