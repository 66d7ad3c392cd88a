// A big `data.values` mapping as read by the fast path (yamlBulk.ts): entries in file order, each key
// and value typed as YAML types it, with the text as written and its offset in the file. It stands in
// for the plain JS object (a million-key object costs ~1 µs per key to build and again to walk) until
// the loader turns it into the scenario's list of pairs.
import { Scalar } from "yaml";

export class BulkValues {
  /** Key text -> entry index (each key is there once: duplicates are refused while reading). */
  private readonly index = new Map<string, number>();

  constructor(
    /** Keys as YAML typed them (a string, or a number, boolean or null for unquoted `1`, `true`, `~`). */
    readonly keys: unknown[],
    /** The text each key becomes as a JS property (String(key), "" for null). */
    readonly keyTexts: string[],
    /** Each key's source as yaml's nodes keep it: as written when plain, decoded when quoted. */
    readonly keySources: string[],
    readonly values: unknown[],
    readonly valueSources: string[],
    readonly keyOffsets: Int32Array,
    readonly valueOffsets: Int32Array,
  ) {}

  get count(): number {
    return this.keys.length;
  }

  /** Records `text` as entry i's key; the index of the entry that had it first, or undefined. */
  claim(text: string, i: number): number | undefined {
    const first = this.index.get(text);
    if (first === undefined) this.index.set(text, i);
    return first;
  }

  indexOf(text: string): number | undefined {
    return this.index.get(text);
  }

  /** The value for a key text, as a plain object would give it. */
  get(text: string): unknown {
    const i = this.index.get(text);
    return i === undefined ? undefined : this.values[i];
  }

  /** A yaml node for entry i's key or value, made when a message needs its position or spelling. */
  node(i: number, which: "key" | "value"): Scalar {
    const scalar = new Scalar(which === "key" ? this.keys[i] : this.values[i]);
    const offset = (which === "key" ? this.keyOffsets[i] : this.valueOffsets[i]) as number;
    scalar.source = (which === "key" ? this.keySources[i] : this.valueSources[i]) as string;
    scalar.range = [offset, offset, offset];
    return scalar;
  }
}

/** The node yamlBulk.ts puts where `data.values` is: a scalar holding the BulkValues. */
export function bulkOf(node: unknown): BulkValues | undefined {
  return node instanceof Scalar && node.value instanceof BulkValues ? node.value : undefined;
}
