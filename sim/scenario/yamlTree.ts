// The parsed YAML tree -> plain JS values, in one pass that no file can make run away. yaml's own toJS
// is recursive (a file nested thousands deep overflows the stack), resolves each alias by scanning every
// anchor before it (quadratic in aliases), lets aliases multiply the data the schema then walks (an 8 MiB
// file could stand for 20M script ops), and merges keys that differ only in YAML spelling (`1` and "1").
// This walk is iterative, bounded in depth and in expanded size, and reports duplicate keys by the text
// they become, so every later stage sees a bounded amount of data.
import { type Alias, type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair } from "yaml";
import { formatCount, quote } from "../spec/errors.ts";
import { BulkOps } from "./bulkOps.ts";
import { BulkValues } from "./bulkValues.ts";

export const TREE_LIMITS = {
  /**
   * Nesting depth, aliases included. A scenario needs about 6 levels (workloads[0].script[0].at); 64
   * leaves room for any sane layout and stays far from the call stack of anything recursive later.
   */
  depth: 64,
  /**
   * Values (scalars, lists and mappings) once aliases are expanded. 1,000,000 `data.values` entries
   * (the most a file may hold) are 2M values; beyond 2.5M, aliases are multiplying the file, and every
   * later stage would pay for each copy.
   */
  values: 2_500_000,
  /** Aliases in one file; a scenario that needs more is generated, and can as well write the values out. */
  aliases: 100_000,
} as const;

export interface TreeProblem {
  /** Offset in the text of the node the problem is about. */
  offset: number | undefined;
  /** Field path of that node (segments as in the JS value). */
  segments: Array<string | number>;
  message: string;
}

export interface PlainTree {
  value: unknown;
  problems: TreeProblem[];
  /** Each alias node's target, so positions can be found through aliases without yaml's linear resolve. */
  aliasTargets: Map<Alias, Node>;
}

type Segment = string | number;

interface Frame {
  node: Node;
  segments: Segment[];
  depth: number;
  items: unknown[];
  next: number;
  isMap: boolean;
  values: unknown[];
  keys: string[];
  /** Keys seen so far in a mapping, by the text they become, with the pair that had them first. */
  seen: Map<string, Pair> | undefined;
  height: number;
  /** Expanded size counted before this collection was entered. */
  sizeBefore: number;
}

/** Text a mapping key becomes in the JS object (as yaml's toJS does: null -> "", else String(value)). */
export function keyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return "";
  if (isScalar(key)) return key.value === null ? "" : String(key.value);
  return undefined;
}

class Stop extends Error {}

/** @param lineAt 1-based line of a text offset, for "first on line N". */
export function toPlainTree(doc: Document, lineAt: (offset: number) => number): PlainTree {
  const problems: TreeProblem[] = [];
  const aliasTargets = new Map<Alias, Node>();
  /** Latest node holding each anchor name (YAML lets a later anchor of the same name take over). */
  const anchors = new Map<string, Node>();
  /** For anchored nodes once finished: JS value, expanded size and height. */
  const finished = new Map<Node, { value: unknown; size: number; height: number }>();
  const open = new Set<Node>();
  const stack: Frame[] = [];
  let size = 0;
  let aliasCount = 0;
  // What the last leaf visited gave (kept in variables: one object per leaf would double the garbage).
  let leafValue: unknown;
  let leafHeight = 0;

  const fail = (node: unknown, segments: Segment[], message: string): never => {
    problems.push({
      offset: (node as Node | null)?.range?.[0],
      segments,
      message: `invalid YAML: ${message}`,
    });
    throw new Stop();
  };
  const tooDeep = (node: unknown, segments: Segment[]) =>
    fail(node, segments, `nested more than ${TREE_LIMITS.depth} levels deep (aliases included)`);

  const target = (alias: Alias, segments: Segment[]): Node => {
    aliasCount += 1;
    if (aliasCount > TREE_LIMITS.aliases)
      fail(alias, segments, `more than ${formatCount(TREE_LIMITS.aliases)} aliases`);
    const found = anchors.get(alias.source);
    if (found === undefined) return fail(alias, segments, `alias *${alias.source} names no anchor before it`);
    aliasTargets.set(alias, found);
    if (open.has(found)) fail(alias, segments, `alias *${alias.source} is inside the node it names`);
    return found;
  };

  /** Visits one node: leaves and aliases set leafValue/leafHeight and return false; collections open a frame. */
  const enter = (node: unknown, parent: Frame | undefined, key: Segment): boolean => {
    const depth = parent === undefined ? 0 : parent.depth + 1;
    const here = () => (parent === undefined ? [] : [...parent.segments, key]);
    if (node === null || node === undefined) {
      size += 1;
      leafValue = null;
      leafHeight = 0;
      return false;
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    if (isAlias(n)) {
      const done = finished.get(target(n, here()));
      if (done === undefined) return fail(n, here(), `alias *${n.source} cannot be resolved here`);
      size += done.size;
      if (depth + done.height > TREE_LIMITS.depth) tooDeep(n, here());
      leafValue = done.value;
      leafHeight = done.height;
      return false;
    }
    if (isScalar(n)) {
      // A `data.values` read on the fast path counts as the key and value scalars it stands for, a
      // `script:` list as its ops (their fields are bounded by the line they are on).
      if (n.value instanceof BulkOps) {
        size += 1 + n.value.count;
        if (depth + 2 > TREE_LIMITS.depth) tooDeep(n, here());
        leafValue = n.value.ops;
        leafHeight = 2;
        return false;
      }
      size += n.value instanceof BulkValues ? 1 + 2 * n.value.count : 1;
      if (n.anchor) finished.set(n, { value: n.value, size: 1, height: 0 });
      leafValue = n.value;
      leafHeight = 0;
      return false;
    }
    if (isSeq(n) || isMap(n)) {
      size += 1;
      if (depth >= TREE_LIMITS.depth) tooDeep(n, here());
      open.add(n);
      stack.push({
        node: n,
        segments: here(),
        depth,
        items: n.items,
        next: 0,
        isMap: isMap(n),
        values: [],
        keys: [],
        seen: isMap(n) ? new Map() : undefined,
        height: 0,
        sizeBefore: size - 1,
      });
      return true;
    }
    leafValue = null;
    leafHeight = 0;
    return false;
  };

  /** A mapping's next key as text, or undefined when the pair is to be skipped (problem recorded). */
  const mapKey = (frame: Frame, pair: Pair): string | undefined => {
    const keyNode = pair.key as Node | null;
    if (keyNode?.anchor) {
      anchors.set(keyNode.anchor, keyNode);
      if (isScalar(keyNode)) finished.set(keyNode, { value: keyNode.value, size: 1, height: 0 });
    }
    const resolved = isAlias(keyNode) ? target(keyNode, frame.segments) : keyNode;
    const text = keyText(resolved);
    if (text === undefined) {
      problems.push({
        offset: keyNode?.range?.[0],
        segments: frame.segments,
        message: "expected a plain key (text, a number or true/false), found a list or mapping used as a key",
      });
      return undefined;
    }
    const first = (frame.seen as Map<string, Pair>).get(text);
    if (first !== undefined) {
      const offset = (first.key as Node | null)?.range?.[0];
      const where = offset === undefined ? "earlier" : `first on line ${lineAt(offset)}`;
      problems.push({
        offset: keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0],
        segments: [...frame.segments, text],
        message: `expected each key once in a mapping, found ${quote(text)} again (${where})`,
      });
      return undefined;
    }
    (frame.seen as Map<string, Pair>).set(text, pair);
    return text;
  };

  let result: unknown;
  try {
    if (!enter(doc.contents, undefined, "")) result = leafValue;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as Frame;
      if (size > TREE_LIMITS.values) {
        fail(
          frame.node,
          frame.segments,
          `more than ${formatCount(TREE_LIMITS.values)} values once aliases are expanded`,
        );
      }
      if (frame.next < frame.items.length) {
        const item = frame.items[frame.next];
        const index = frame.next;
        frame.next += 1;
        let child: unknown = item;
        let key: Segment = index;
        if (frame.isMap) {
          const text = mapKey(frame, item as Pair);
          if (text === undefined) continue;
          frame.keys.push(text);
          key = text;
          child = (item as Pair).value;
        }
        if (!enter(child, frame, key)) {
          frame.values.push(leafValue);
          if (leafHeight + 1 > frame.height) frame.height = leafHeight + 1;
        }
        continue;
      }
      // All children done: build this collection's value and hand it to the parent.
      stack.pop();
      open.delete(frame.node);
      let value: unknown = frame.values;
      if (frame.isMap) {
        const object: Record<string, unknown> = {};
        for (let i = 0; i < frame.keys.length; i++) {
          const key = frame.keys[i] as string;
          // A key named __proto__ must be an ordinary (and then unknown) field, not the prototype.
          if (key === "__proto__") {
            Object.defineProperty(object, key, {
              value: frame.values[i],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else object[key] = frame.values[i];
        }
        value = object;
      }
      if (frame.node.anchor) {
        finished.set(frame.node, { value, size: size - frame.sizeBefore, height: frame.height });
      }
      const parent = stack[stack.length - 1];
      if (parent === undefined) result = value;
      else {
        parent.values.push(value);
        if (frame.height + 1 > parent.height) parent.height = frame.height + 1;
      }
    }
  } catch (error) {
    if (error instanceof Stop) return { value: undefined, problems, aliasTargets };
    throw error;
  }
  return { value: result, problems, aliasTargets };
}
