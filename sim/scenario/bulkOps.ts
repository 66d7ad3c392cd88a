// A big `script:` list as read by the fast path (yamlBulk.ts): the ops as the plain objects yaml's
// nodes would have become, and where each field was written. yaml holds ~27 bytes of nodes per byte of
// such a list (and ~100 while it parses), so 8 MiB of ops took ~1 GB; here each op costs its object and
// four offsets. The yaml node of an op is made only when a message needs its position or spelling.
import { Pair, Scalar, YAMLMap } from "yaml";

/** The fields an op line may have, in the order their offsets are kept. */
export const OP_FIELDS = ["at", "op", "key", "value"] as const;
export type OpField = (typeof OP_FIELDS)[number];

export class BulkOps {
  constructor(
    /** Each op as a plain object, its fields typed as YAML types them (a string, number, boolean or null). */
    readonly ops: Array<Record<string, unknown>>,
    /** Per op, the offset of its `{`. */
    readonly opOffsets: Int32Array,
    /** Per op and field (OP_FIELDS order): offset of the field's key, -1 when absent. */
    readonly keyOffsets: Int32Array,
    /** Per op and field: offset of the field's value. */
    readonly valueOffsets: Int32Array,
    /**
     * Sources of the values that YAML typed as something other than a string (`key: 007` is the number
     * 7, written "007"), by op × 4 + field: what a message quotes. Strings are their own source.
     */
    readonly sources: ReadonlyMap<number, string>,
  ) {}

  get count(): number {
    return this.ops.length;
  }

  /** A yaml flow mapping for op i, with its pairs' positions and spellings, for messages. */
  node(i: number): YAMLMap | undefined {
    const op = this.ops[i];
    if (op === undefined) return undefined;
    const map = new YAMLMap();
    map.flow = true;
    const at = this.opOffsets[i] as number;
    map.range = [at, at, at];
    OP_FIELDS.forEach((field, f) => {
      const keyAt = this.keyOffsets[i * 4 + f] as number;
      if (keyAt < 0) return;
      const key = new Scalar(field);
      key.source = field;
      key.range = [keyAt, keyAt, keyAt];
      const value = new Scalar(op[field]);
      const valueAt = this.valueOffsets[i * 4 + f] as number;
      value.source = this.sources.get(i * 4 + f) ?? String(op[field]);
      value.range = [valueAt, valueAt, valueAt];
      map.items.push(new Pair(key, value));
    });
    return map;
  }
}

/** The node yamlBulk.ts puts where a `script:` list is: a scalar holding the BulkOps. */
export function bulkOpsOf(node: unknown): BulkOps | undefined {
  return node instanceof Scalar && node.value instanceof BulkOps ? node.value : undefined;
}
