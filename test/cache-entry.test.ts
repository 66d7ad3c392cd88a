// Guards the global cache's stored-entry format: encodeEntry writes exactly `version|expiresAtUs|n` or
// `version|expiresAtUs|s<value>` (the text the live store's Lua scripts read) whatever path builds it,
// and decodeInto reads back what was written.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeInto, encodeEntry } from "../sim/model/globalCache.ts";
import { Operation } from "../sim/model/operation.ts";
import { Oracle } from "../sim/model/oracle.ts";
import type { SimNode } from "../sim/model/simNode.ts";

/** The format as the documentation states it, built the plain way. */
function plain(value: string | null, version: number, expiresAtUs: number): string {
  return `${version}|${expiresAtUs}|${value === null ? "n" : `s${value}`}`;
}

const node = { index: 0, name: "n", epoch: 0 } as unknown as SimNode;

describe("encodeEntry", () => {
  it("writes the documented text for typical entries", () => {
    expect(encodeEntry("node3#12", 4, 30_000_500)).toBe("4|30000500|snode3#12");
    expect(encodeEntry(null, 0, 0)).toBe("0|0|n");
    expect(encodeEntry("", 1, 9)).toBe("1|9|s");
    expect(encodeEntry("v", Number.MAX_SAFE_INTEGER, 10 ** 15)).toBe(
      `${Number.MAX_SAFE_INTEGER}|${10 ** 15}|sv`,
    );
  });

  it("writes values outside ASCII, long values and numbers that are not plain integers the same way", () => {
    expect(encodeEntry("café ✓ 𝄞", 2, 7)).toBe("2|7|scafé ✓ 𝄞");
    const long = "x".repeat(10_000);
    expect(encodeEntry(long, 3, 11)).toBe(`3|11|s${long}`);
    expect(encodeEntry("v", 1, 1.5)).toBe("1|1.5|sv");
    expect(encodeEntry("v", 2 ** 60, 1)).toBe(`${2 ** 60}|1|sv`);
  });

  it("agrees with the plain form for any value and any integer", () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: "binary", maxLength: 300 })),
        fc.maxSafeNat(),
        fc.maxSafeNat(),
        (value, version, expiresAtUs) => {
          expect(encodeEntry(value, version, expiresAtUs)).toBe(plain(value, version, expiresAtUs));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("is read back by decodeInto", () => {
    const key = new Oracle().key("k");
    for (const value of ["node1#5", null, "é"]) {
      const op = new Operation(node, key, 1, 0);
      op.arrivedUs = 100;
      decodeInto(encodeEntry(value, 7, 200), op);
      expect([op.found, op.value, op.version, op.entryExpiresAtUs]).toEqual(["hit", value, 7, 200]);
      op.arrivedUs = 200;
      decodeInto(encodeEntry(value, 7, 200), op);
      expect(op.found).toBe("expired");
    }
  });
});
