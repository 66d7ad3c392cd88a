// YAML text -> yaml Document, with a fast path for the one field a scenario may fill with a million
// entries: `data.values`, written one `key: value` per line (as a generator writes it). The yaml package
// spends ~20 µs of CPU per entry on such a mapping (lexer and parser are chains of generators) and holds
// ~110 bytes of heap per byte of text, so 1,000,000 entries took ~24 s and ~1.5 GB; and every later
// stage paid again for a yaml node, a JS property and a map entry per key.
//
// Here the lines of `data.values` are cut out of the text when each is plainly one `key: value` pair
// (same indent, a one-line plain or quoted scalar on each side, an optional comment); yaml parses the
// small rest, and the entries are typed with the document's own schema (`1`, `true`, `~` and `0x1f`
// become what they would) and kept in a compact BulkValues, with their offsets in the original text.
// Duplicate keys (by the text they become, as in yamlTree.ts) are found here in linear time. Anything
// the line patterns do not recognise (anchors, tags, flow collections, multi-line scalars, escapes
// beyond JSON's, tabs, control characters) is left to yaml, and so is a cut that does not land where
// expected (inside a block scalar, a flow collection, ...).
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
  type ScalarTag,
} from "yaml";
import { quote } from "../spec/errors.ts";
import { BulkValues } from "./bulkValues.ts";
import { keyText, type TreeProblem } from "./yamlTree.ts";

export interface BulkOptions {
  /** Entries `data.values` needs before it is read on the fast path (small ones gain nothing). */
  minEntries: number;
  /**
   * Entries `data.values` may hold (the schema's limit): reading stops at the first one past it, so a
   * 64 MiB file of tiny entries cannot build millions of them before being refused.
   */
  maxEntries: number;
}

export const BULK_DEFAULTS: BulkOptions = { minEntries: 256, maxEntries: 1_000_000 };

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
  /** Bytes (UTF-8) of text the yaml parser itself read (the whole text unless `data.values` was cut). */
  parsedBytes: number;
  /** Entries read on the fast path. */
  bulkEntries: number;
  /** Duplicate keys found on the fast path, worded and placed as yamlTree.ts words and places them. */
  problems: TreeProblem[];
}

// One scalar on one line. Plain: no leading indicator, words separated by spaces, no `: ` and no ` #`
// inside; quoted: JSON's escapes only (double) or '' (single); no control characters anywhere.
const CTL = String.raw`\x00-\x1f\x7f-\x9f`;
const PLAIN_FIRST = `[^\\s${CTL}\\-?:,\\[\\]{}#&*!|>'"%@\\x60]|-(?=[^\\s${CTL}])`;
const PLAIN_REST = `(?:[^\\s${CTL}:]|:(?=[^\\s${CTL}]))`;
const PLAIN_WORD = `(?:[^\\s${CTL}:#]|:(?=[^\\s${CTL}]))${PLAIN_REST}*`;
const PLAIN = `(?:${PLAIN_FIRST})${PLAIN_REST}*(?: +${PLAIN_WORD})*`;
const DOUBLE = `"(?:[^"\\\\${CTL}]|\\\\["\\\\/bfnrt]|\\\\u[0-9A-Fa-f]{4})*"`;
const SINGLE = `'(?:[^'${CTL}]|'')*'`;
const SCALAR = `(${PLAIN})|(${DOUBLE})|(${SINGLE})`;
const COMMENT = String.raw`(?: +#[^\x00-\x08\x0a-\x1f\x7f]*)?`;
/** `<indent>key: value` -> 1 indent, 2-4 key (plain, double, single), 5-7 value (same). */
const ENTRY = new RegExp(`^( +)(?:${SCALAR}): +(?:${SCALAR}) *${COMMENT}$`);
/** `<indent>key:` with nothing after but a comment -> 1 indent, 2-4 key. */
const PARENT = new RegExp(`^( *)(?:${SCALAR}): *${COMMENT}$`);
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;

const PLAIN_T = 0;
const DOUBLE_T = 1;
const SINGLE_T = 2;

/** The lines of `data.values`, as found in the text: offsets in the original text. */
interface Block {
  /** Offset of the `values` key, which must end up as a key in `data` with an empty value. */
  parentOffset: number;
  /** Cut [start, end): from the first entry line to the end of the last one, newline included. */
  start: number;
  end: number;
  /** Keys and values as written (quotes included). */
  keys: string[];
  values: string[];
  /** Per entry: key type * 3 + value type. */
  types: number[];
  keyOffsets: number[];
  valueOffsets: number[];
  /** Where the first entry past `maxEntries` is, when there is one (reading stopped there). */
  overflowOffset?: number;
}

function indentOf(text: string, from = 0): number {
  let i = from;
  while (text.charCodeAt(i) === 32) i++;
  return i - from;
}

/** The text of a one-line scalar key as written (quotes removed, JSON escapes decoded). */
function unquote(written: string, type: number): string {
  if (type === PLAIN_T) return written;
  if (type === DOUBLE_T)
    return written.includes("\\") ? (JSON.parse(written) as string) : written.slice(1, -1);
  return written.slice(1, -1).replaceAll("''", "'");
}

/** Finds the lines of `data.values` when they are all one-line `key: value` pairs. */
function findBlock(source: string, options: BulkOptions): Block | undefined {
  let topKey: string | undefined;
  let parent: { offset: number; indent: number } | undefined;
  let block: Block | undefined;
  let blockIndent = -1;
  let start = 0;
  while (start < source.length) {
    const newline = source.indexOf("\n", start);
    const end = newline === -1 ? source.length : newline;
    const lineStart = start;
    start = end + 1;
    let text = source.slice(lineStart, end);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    // Comments and blank lines belong to no block (yaml ignores them wherever they are).
    if (BLANK_OR_COMMENT.test(text)) continue;
    const indent = indentOf(text);
    if (parent !== undefined) {
      if (indent > parent.indent) {
        if (blockIndent === -1) blockIndent = indent;
        const match = indent === blockIndent ? ENTRY.exec(text) : null;
        // A line the fast path cannot take (nested, multi-line, ...): yaml reads `data.values` whole.
        if (match === null) return undefined;
        block ??= {
          parentOffset: parent.offset,
          start: lineStart,
          end: 0,
          keys: [],
          values: [],
          types: [],
          keyOffsets: [],
          valueOffsets: [],
        };
        const keyType = match[2] !== undefined ? PLAIN_T : match[3] !== undefined ? DOUBLE_T : SINGLE_T;
        const key = (match[2] ?? match[3] ?? match[4]) as string;
        const valueType = match[5] !== undefined ? PLAIN_T : match[6] !== undefined ? DOUBLE_T : SINGLE_T;
        // The value starts after `key:` and the spaces that follow it.
        const afterColon = indent + key.length + 1;
        if (block.keys.length === options.maxEntries) {
          return { ...block, overflowOffset: lineStart + indent };
        }
        block.keys.push(key);
        block.values.push((match[5] ?? match[6] ?? match[7]) as string);
        block.types.push(keyType * 3 + valueType);
        block.keyOffsets.push(lineStart + indent);
        block.valueOffsets.push(lineStart + afterColon + indentOf(text, afterColon));
        block.end = end < source.length ? end + 1 : end;
        continue;
      }
      // `data.values` ends here: done.
      return block !== undefined && block.keys.length >= options.minEntries ? block : undefined;
    }
    const match = PARENT.exec(text);
    const keyType =
      match === null ? -1 : match[2] !== undefined ? PLAIN_T : match[3] !== undefined ? DOUBLE_T : SINGLE_T;
    const key = match === null ? undefined : unquote((match[2] ?? match[3] ?? match[4]) as string, keyType);
    if (indent === 0) topKey = key;
    else if (match !== null && topKey === "data" && key === "values")
      parent = { offset: lineStart + indent, indent };
  }
  return block !== undefined && block.keys.length >= options.minEntries ? block : undefined;
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;

/**
 * Parses like yaml's parseDocument (prettyErrors and uniqueKeys off: see load.ts), reading
 * `data.values` on the fast path when it can. The yaml parser itself never reads more than `maxBytes`
 * of UTF-8 (it holds ~110 bytes of heap per byte): past that, `tooBig` says how much it would have read.
 */
export function parseYaml(
  source: string,
  maxBytes: number,
  options: BulkOptions = BULK_DEFAULTS,
): ParsedYaml | { tooBig: number } | { tooMany: number; lineCounter: LineCounter } {
  const block = findBlock(source, options);
  if (block?.overflowOffset !== undefined) {
    return { tooMany: block.overflowOffset, lineCounter: lineCounterOf(source) };
  }
  if (block !== undefined) {
    const fast = parseCut(source, block, maxBytes);
    if (fast !== undefined) return fast;
  }
  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > maxBytes) return { tooBig: bytes };
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { ...PARSE_OPTIONS, lineCounter });
  return { doc, lineCounter, parsedBytes: bytes, bulkEntries: 0, problems: [] };
}

function lineCounterOf(source: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  let at = source.indexOf("\n");
  while (at !== -1) {
    counter.addNewLine(at + 1);
    at = source.indexOf("\n", at + 1);
  }
  return counter;
}

function parseCut(
  source: string,
  block: Block,
  maxBytes: number,
): ParsedYaml | { tooBig: number } | undefined {
  const text = source.slice(0, block.start) + source.slice(block.end);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) return { tooBig: bytes };
  const doc = parseDocument(text, PARSE_OPTIONS);
  if (doc.schema.compat) return undefined;
  // Offsets in the cut text -> offsets in the original, for every node and problem.
  const removed = block.end - block.start;
  const shift = (range: number[] | null | undefined) => {
    if (!range) return;
    for (let i = 0; i < range.length; i++) {
      if ((range[i] as number) >= block.start) range[i] = (range[i] as number) + removed;
    }
  };
  // Iterative: yaml's visit recurses, and a hostile file nests thousands deep.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isNode(node)) continue;
    shift(node.range);
    if (isSeq(node)) for (const item of node.items) stack.push(item);
    else if (isMap(node)) for (const pair of node.items as Pair[]) stack.push(pair.key, pair.value);
  }
  shift(doc.range);
  for (const problem of [...doc.errors, ...doc.warnings]) shift(problem.pos);

  // The `values` line must be the key of a pair with an empty value in the block mapping `data`, which
  // is in the block mapping at the top.
  const pair = valuesPair(doc, block.parentOffset);
  if (pair === undefined) return undefined;
  const bulk = read(doc, block);
  if (bulk === undefined) return undefined;
  const lineCounter = lineCounterOf(source);
  const problems: TreeProblem[] = [];
  for (let i = 0; i < bulk.count; i++) {
    const text = bulk.keyTexts[i] as string;
    const first = bulk.claim(text, i);
    if (first === undefined) continue;
    const line = lineCounter.linePos(bulk.keyOffsets[first] as number).line;
    problems.push({
      offset: bulk.keyOffsets[i] as number,
      segments: ["data", "values", text],
      message: `expected each key once in a mapping, found ${quote(text)} again (first on line ${line})`,
    });
  }
  const holder = new Scalar(bulk);
  holder.range = [block.keyOffsets[0] as number, block.end, block.end];
  pair.value = holder;
  return { doc, lineCounter, parsedBytes: bytes, bulkEntries: bulk.count, problems };
}

function valuesPair(doc: Document, offset: number): Pair | undefined {
  const root = doc.contents;
  if (!isMap(root) || root.flow) return undefined;
  for (const top of root.items) {
    if (keyText(top.key) !== "data" || !isMap(top.value) || top.value.flow) continue;
    for (const pair of top.value.items as Pair[]) {
      const key = pair.key as Node | null;
      if (key?.range?.[0] !== offset || !isScalar(key) || keyText(key) !== "values") continue;
      const value = pair.value;
      const empty = value === null || (isScalar(value) && value.value === null && value.source === "");
      return empty ? pair : undefined;
    }
  }
  return undefined;
}

/**
 * Types the entries as yaml's composer would: plain scalars by the document's schema (the same tags in
 * the same order), quoted ones as strings.
 */
function read(doc: Document, block: Block): BulkValues | undefined {
  const schema = doc.schema;
  const tags = schema.tags.filter((t): t is ScalarTag => !t.collection && typeof t.test === "object");
  const forValues = tags.filter((t) => t.default === true);
  const forKeys = tags.filter((t) => t.default === true || t.default === "key");
  // yaml's own key for the schema's string tag (`identity.SCALAR`, not exported by name).
  const stringTag = (schema as unknown as Record<symbol, ScalarTag | undefined>)[Symbol.for("yaml.scalar")];
  if (stringTag === undefined) return undefined;
  let failed = false;
  const onError = () => {
    failed = true;
  };
  const typed = (source: string, type: number, atKey: boolean): unknown => {
    let tag: ScalarTag = stringTag;
    if (type === PLAIN_T) {
      for (const candidate of atKey ? forKeys : forValues) {
        if ((candidate.test as RegExp).test(source)) {
          // A key-only tag (YAML 1.1's merge key `<<`) wants a mapping after it: yaml's business.
          if (candidate.default === "key") failed = true;
          tag = candidate;
          break;
        }
      }
    }
    const resolved = tag.resolve(source, onError, doc.options);
    return isScalar(resolved) ? resolved.value : resolved;
  };
  const n = block.keys.length;
  const keys: unknown[] = new Array(n);
  const keyTexts: string[] = new Array(n);
  const keySources: string[] = new Array(n);
  const values: unknown[] = new Array(n);
  const valueSources: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const types = block.types[i] as number;
    const keyType = Math.floor(types / 3);
    const keySource = unquote(block.keys[i] as string, keyType);
    const key = typed(keySource, keyType, true);
    keys[i] = key;
    keySources[i] = keySource;
    keyTexts[i] = key === null ? "" : String(key);
    const valueSource = unquote(block.values[i] as string, types % 3);
    values[i] = typed(valueSource, types % 3, false);
    valueSources[i] = valueSource;
  }
  if (failed) return undefined;
  return new BulkValues(
    keys,
    keyTexts,
    keySources,
    values,
    valueSources,
    Int32Array.from(block.keyOffsets),
    Int32Array.from(block.valueOffsets),
  );
}
