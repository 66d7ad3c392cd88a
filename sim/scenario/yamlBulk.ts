// YAML text -> yaml Document, with a fast path for the fields a scenario may fill with hundreds of
// thousands of entries: `data.values`, written one `key: value` per line, and `script:` lists, written
// one `- { at: ..., op: ..., key: ... }` per line (as generators write them). The yaml package spends
// ~20 µs of CPU per entry on such a mapping (lexer and parser are chains of generators) and holds ~110
// bytes of heap per byte of text while it parses, so 1,000,000 entries took ~24 s and ~1.5 GB, and 8 MiB
// of script ops 25 s and 900 MB; and every later stage paid again for a yaml node per value.
//
// Here those lines are cut out of the text when each is plainly one entry (same indent, one-line plain
// or quoted scalars, an optional comment; for ops, only the fields at, op, key and value, each once);
// yaml parses the small rest, and the scalars are typed with the document's own schema (`1`, `true`, `~`
// and `0x1f` become what they would) and kept compactly (BulkValues, BulkOps) with their offsets in the
// original text. Duplicate `data.values` keys (by the text they become, as in yamlTree.ts) are found here
// in linear time. Anything the line patterns do not recognise (anchors, tags, nested collections,
// multi-line scalars, escapes beyond JSON's, tabs, control characters) is left to yaml, and so is a cut
// that does not land where expected (inside a block scalar, a flow collection, ...).
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
import { BulkOps, OP_FIELDS, type OpField } from "./bulkOps.ts";
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
  /** Script ops all `script:` lists together may hold (the schema's limit); the same for them. */
  maxOps: number;
}

export const BULK_DEFAULTS: BulkOptions = { minEntries: 256, maxEntries: 1_000_000, maxOps: 1_000_000 };

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
  /** Bytes (UTF-8) of text the yaml parser itself read (the whole text unless `data.values` was cut). */
  parsedBytes: number;
  /** `data.values` entries read on the fast path. */
  bulkEntries: number;
  /** Script ops read on the fast path. */
  bulkOps: number;
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
// The same inside a flow mapping, where `,`, `[`, `]`, `{` and `}` end a plain scalar.
const FLOW = String.raw`,\[\]{}`;
const FLOW_PLAIN_FIRST = `[^\\s${CTL}\\-?:#&*!|>'"%@\\x60${FLOW}]|-(?=[^\\s${CTL}${FLOW}])`;
const FLOW_PLAIN_REST = `(?:[^\\s${CTL}:${FLOW}]|:(?=[^\\s${CTL}${FLOW}]))`;
const FLOW_PLAIN_WORD = `(?:[^\\s${CTL}:#${FLOW}]|:(?=[^\\s${CTL}${FLOW}]))${FLOW_PLAIN_REST}*`;
const FLOW_PLAIN = `(?:${FLOW_PLAIN_FIRST})${FLOW_PLAIN_REST}*(?: +${FLOW_PLAIN_WORD})*`;
/** `<indent>- {` and the spaces after it -> 1 indent. */
const OP_START = /^( *)- +\{ */;
/** `field: value` and what ends it (`,` or `}`) -> 1 field, 2-4 value (plain, double, single), 5 end. */
const OP_PAIR = new RegExp(`(at|op|key|value): +(?:(${FLOW_PLAIN})|(${DOUBLE})|(${SINGLE})) *(,|\\})`, "y");
/** What may follow an op's `}`. */
const LINE_END = new RegExp(`^ *${COMMENT}$`);
/** `<indent>script:` or `<indent>- script:` -> 1 everything before the key. */
const SCRIPT_KEY = new RegExp(`^( *(?:- +)?)script: *${COMMENT}$`);

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
}

/** The lines of one workload's `script:` list, each a one-line flow mapping `- { at: ..., op: ... }`. */
interface OpsBlock {
  /** Offset of the `script` key, which must end up as a key of a `workloads` item with an empty value. */
  parentOffset: number;
  start: number;
  end: number;
  /** Per op and field (OP_FIELDS order): the value as written (quotes included), "" when absent. */
  written: string[];
  /** Per op and field: the value's type, -1 when absent. */
  types: number[];
  keyOffsets: number[];
  valueOffsets: number[];
  opOffsets: number[];
}

type Cut = { start: number; end: number };

interface Blocks {
  values: Block | undefined;
  scripts: OpsBlock[];
  /** Where the first entry past `maxEntries`, or the first op past `maxOps`, is. */
  overflow?: { offset: number; what: "values" | "ops" };
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

function typeOf(match: RegExpExecArray, first: number): number {
  return match[first] !== undefined ? PLAIN_T : match[first + 1] !== undefined ? DOUBLE_T : SINGLE_T;
}

/**
 * Reads one op line into `block`; false when the line is not one the fast path reads (then yaml reads
 * the whole list). A field given twice is yaml's to report.
 */
function readOpLine(text: string, lineStart: number, block: OpsBlock): boolean {
  const start = OP_START.exec(text);
  if (start === null) return false;
  const written = ["", "", "", ""];
  const types = [-1, -1, -1, -1];
  const keyOffsets = [-1, -1, -1, -1];
  const valueOffsets = [-1, -1, -1, -1];
  let at = start[0].length;
  for (;;) {
    OP_PAIR.lastIndex = at;
    const pair = OP_PAIR.exec(text);
    if (pair === null) return false;
    const f = OP_FIELDS.indexOf(pair[1] as OpField);
    if (types[f] !== -1) return false;
    types[f] = typeOf(pair, 2);
    written[f] = (pair[2] ?? pair[3] ?? pair[4]) as string;
    keyOffsets[f] = lineStart + at;
    const afterColon = at + (pair[1] as string).length + 1;
    valueOffsets[f] = lineStart + afterColon + indentOf(text, afterColon);
    at = OP_PAIR.lastIndex;
    if (pair[5] === "}") break;
    at += indentOf(text, at);
    if (text.charCodeAt(at) === 0x7d /* } */) {
      at += 1;
      break;
    }
  }
  if (!LINE_END.test(text.slice(at))) return false;
  block.written.push(...written);
  block.types.push(...types);
  block.keyOffsets.push(...keyOffsets);
  block.valueOffsets.push(...valueOffsets);
  block.opOffsets.push(lineStart + start[0].indexOf("{"));
  return true;
}

/**
 * Finds the lines of `data.values` that are all one-line `key: value` pairs, and the `script:` lists of
 * `workloads` whose items are all one-line flow mappings. A block with any other line is left to yaml.
 */
function findBlocks(source: string, options: BulkOptions): Blocks {
  const found: Blocks = { values: undefined, scripts: [] };
  let topKey: string | undefined;
  let parent: { kind: "values" | "script"; offset: number; indent: number } | undefined;
  let values: Block | undefined;
  let ops: OpsBlock | undefined;
  let opsTotal = 0;
  /** A line inside the block that the fast path cannot take: the block is yaml's. */
  let abandoned = false;
  let blockIndent = -1;
  const close = () => {
    if (!abandoned && values !== undefined && values.keys.length >= options.minEntries) found.values = values;
    if (!abandoned && ops !== undefined && ops.opOffsets.length >= options.minEntries)
      found.scripts.push(ops);
    else if (ops !== undefined) opsTotal -= ops.opOffsets.length;
    parent = undefined;
    values = undefined;
    ops = undefined;
    abandoned = false;
    blockIndent = -1;
  };
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
    const lineEnd = end < source.length ? end + 1 : end;
    if (parent?.kind === "values") {
      if (indent > parent.indent) {
        if (abandoned) continue;
        if (blockIndent === -1) blockIndent = indent;
        const match = indent === blockIndent ? ENTRY.exec(text) : null;
        if (match === null) {
          abandoned = true;
          continue;
        }
        values ??= {
          parentOffset: parent.offset,
          start: lineStart,
          end: 0,
          keys: [],
          values: [],
          types: [],
          keyOffsets: [],
          valueOffsets: [],
        };
        const key = (match[2] ?? match[3] ?? match[4]) as string;
        // The value starts after `key:` and the spaces that follow it.
        const afterColon = indent + key.length + 1;
        if (values.keys.length === options.maxEntries) {
          return { ...found, overflow: { offset: lineStart + indent, what: "values" } };
        }
        values.keys.push(key);
        values.values.push((match[5] ?? match[6] ?? match[7]) as string);
        values.types.push(typeOf(match, 2) * 3 + typeOf(match, 5));
        values.keyOffsets.push(lineStart + indent);
        values.valueOffsets.push(lineStart + afterColon + indentOf(text, afterColon));
        values.end = lineEnd;
        continue;
      }
      // `data.values` ends here.
      close();
    } else if (parent?.kind === "script") {
      // A block sequence may sit at its key's own indent.
      if (indent > parent.indent || (indent === parent.indent && text.startsWith("- ", indent))) {
        if (abandoned) continue;
        if (blockIndent === -1) blockIndent = indent;
        ops ??= {
          parentOffset: parent.offset,
          start: lineStart,
          end: 0,
          written: [],
          types: [],
          keyOffsets: [],
          valueOffsets: [],
          opOffsets: [],
        };
        if (indent !== blockIndent || !readOpLine(text, lineStart, ops)) {
          abandoned = true;
          continue;
        }
        opsTotal += 1;
        if (opsTotal > options.maxOps) {
          return { ...found, overflow: { offset: lineStart + indent, what: "ops" } };
        }
        ops.end = lineEnd;
        continue;
      }
      close();
    }
    if (indent === 0) {
      const match = PARENT.exec(text);
      topKey =
        match === null ? undefined : unquote((match[2] ?? match[3] ?? match[4]) as string, typeOf(match, 2));
      continue;
    }
    if (topKey === "data") {
      const match = PARENT.exec(text);
      if (
        match !== null &&
        unquote((match[2] ?? match[3] ?? match[4]) as string, typeOf(match, 2)) === "values"
      )
        parent = { kind: "values", offset: lineStart + indent, indent };
    } else if (topKey === "workloads") {
      const match = SCRIPT_KEY.exec(text);
      if (match !== null) {
        const column = (match[1] as string).length;
        parent = { kind: "script", offset: lineStart + column, indent: column };
      }
    }
  }
  close();
  return found;
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;

export type ParseOutcome =
  | ParsedYaml
  | { tooBig: number }
  | { tooMany: number; what: "values" | "ops"; lineCounter: LineCounter };

/**
 * Parses like yaml's parseDocument (prettyErrors and uniqueKeys off: see load.ts), reading
 * `data.values` and big `script:` lists on the fast path when it can. The yaml parser itself never reads
 * more than `maxBytes` of UTF-8 (it holds ~110 bytes of heap per byte): past that, `tooBig` says how
 * much it would have read.
 */
export function parseYaml(
  source: string,
  maxBytes: number,
  options: BulkOptions = BULK_DEFAULTS,
): ParseOutcome {
  const blocks = findBlocks(source, options);
  if (blocks.overflow !== undefined) {
    const { offset, what } = blocks.overflow;
    return { tooMany: offset, what, lineCounter: lineCounterOf(source) };
  }
  if (blocks.values !== undefined || blocks.scripts.length > 0) {
    const fast = parseCut(source, blocks, maxBytes);
    if (fast !== undefined) return fast;
  }
  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > maxBytes) return { tooBig: bytes };
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { ...PARSE_OPTIONS, lineCounter });
  return { doc, lineCounter, parsedBytes: bytes, bulkEntries: 0, bulkOps: 0, problems: [] };
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

function parseCut(source: string, blocks: Blocks, maxBytes: number): ParseOutcome | undefined {
  const cuts: Cut[] = [...(blocks.values === undefined ? [] : [blocks.values]), ...blocks.scripts].sort(
    (a, b) => a.start - b.start,
  );
  const pieces: string[] = [];
  /** Per cut: where it starts in the cut text, and how much was removed up to and including it. */
  const cutAt: number[] = [];
  const removedThrough: number[] = [];
  let from = 0;
  let removed = 0;
  for (const cut of cuts) {
    pieces.push(source.slice(from, cut.start));
    cutAt.push(cut.start - removed);
    removed += cut.end - cut.start;
    removedThrough.push(removed);
    from = cut.end;
  }
  pieces.push(source.slice(from));
  const text = pieces.join("");
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) return { tooBig: bytes };
  const doc = parseDocument(text, PARSE_OPTIONS);
  if (doc.schema.compat) return undefined;
  // Offsets in the cut text -> offsets in the original, for every node and problem: past the last cut
  // that starts at or before the offset, by all that was removed up to it.
  const toOriginal = (x: number): number => {
    let low = 0;
    let high = cutAt.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cutAt[mid] as number) <= x) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? x : x + (removedThrough[low - 1] as number);
  };
  const shift = (range: number[] | null | undefined) => {
    if (!range) return;
    for (let i = 0; i < range.length; i++) range[i] = toOriginal(range[i] as number);
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

  const typed = scalarTyper(doc);
  if (typed === undefined) return undefined;
  const lineCounter = lineCounterOf(source);
  const problems: TreeProblem[] = [];
  let bulkEntries = 0;
  const block = blocks.values;
  if (block !== undefined) {
    // The `values` line must be the key of a pair with an empty value in the block mapping `data`, which
    // is in the block mapping at the top.
    const pair = valuesPair(doc, block.parentOffset);
    if (pair === undefined) return undefined;
    const bulk = read(typed, block);
    if (bulk === undefined) return undefined;
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
    bulkEntries = bulk.count;
  }
  let bulkOps = 0;
  for (const script of blocks.scripts) {
    // Each `script` line must be the key of a pair with an empty value in a block mapping that is an
    // item of the block sequence `workloads` at the top.
    const pair = scriptPair(doc, script.parentOffset);
    if (pair === undefined) return undefined;
    const ops = readOps(typed, script);
    if (ops === undefined) return undefined;
    const holder = new Scalar(ops);
    holder.range = [script.opOffsets[0] as number, script.end, script.end];
    pair.value = holder;
    bulkOps += ops.count;
  }
  return { doc, lineCounter, parsedBytes: bytes, bulkEntries, bulkOps, problems };
}

function isEmptyValue(value: unknown): boolean {
  return value === null || (isScalar(value) && value.value === null && value.source === "");
}

function valuesPair(doc: Document, offset: number): Pair | undefined {
  const root = doc.contents;
  if (!isMap(root) || root.flow) return undefined;
  for (const top of root.items) {
    if (keyText(top.key) !== "data" || !isMap(top.value) || top.value.flow) continue;
    for (const pair of top.value.items as Pair[]) {
      const key = pair.key as Node | null;
      if (key?.range?.[0] !== offset || !isScalar(key) || keyText(key) !== "values") continue;
      return isEmptyValue(pair.value) ? pair : undefined;
    }
  }
  return undefined;
}

function scriptPair(doc: Document, offset: number): Pair | undefined {
  const root = doc.contents;
  if (!isMap(root) || root.flow) return undefined;
  for (const top of root.items) {
    if (keyText(top.key) !== "workloads" || !isSeq(top.value) || top.value.flow) continue;
    for (const item of top.value.items) {
      if (!isMap(item) || item.flow) continue;
      for (const pair of item.items as Pair[]) {
        const key = pair.key as Node | null;
        if (key?.range?.[0] !== offset || !isScalar(key) || keyText(key) !== "script") continue;
        return isEmptyValue(pair.value) ? pair : undefined;
      }
    }
  }
  return undefined;
}

/** Types a one-line scalar's source (quotes removed) as the document would; undefined past a failure. */
type Typer = {
  (source: string, type: number, atKey: boolean): unknown;
  /** Set when a scalar was one yaml's composer must see itself (then the fast path steps aside). */
  failed: boolean;
};

/**
 * Types scalars as yaml's composer would: plain scalars by the document's schema (the same tags in the
 * same order), quoted ones as strings.
 */
function scalarTyper(doc: Document): Typer | undefined {
  const schema = doc.schema;
  const tags = schema.tags.filter((t): t is ScalarTag => !t.collection && typeof t.test === "object");
  const forValues = tags.filter((t) => t.default === true);
  const forKeys = tags.filter((t) => t.default === true || t.default === "key");
  // yaml's own key for the schema's string tag (`identity.SCALAR`, not exported by name).
  const stringTag = (schema as unknown as Record<symbol, ScalarTag | undefined>)[Symbol.for("yaml.scalar")];
  if (stringTag === undefined) return undefined;
  const typed = ((source: string, type: number, atKey: boolean): unknown => {
    let tag: ScalarTag = stringTag;
    if (type === PLAIN_T) {
      for (const candidate of atKey ? forKeys : forValues) {
        if ((candidate.test as RegExp).test(source)) {
          // A key-only tag (YAML 1.1's merge key `<<`) wants a mapping after it: yaml's business.
          if (candidate.default === "key") typed.failed = true;
          tag = candidate;
          break;
        }
      }
    }
    const resolved = tag.resolve(source, onError, doc.options);
    return isScalar(resolved) ? resolved.value : resolved;
  }) as Typer;
  typed.failed = false;
  const onError = () => {
    typed.failed = true;
  };
  return typed;
}

function read(typed: Typer, block: Block): BulkValues | undefined {
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
  if (typed.failed) return undefined;
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

/** The ops of a `script:` block as the plain objects yaml's nodes would become, fields in written order. */
function readOps(typed: Typer, block: OpsBlock): BulkOps | undefined {
  const n = block.opOffsets.length;
  const ops: Array<Record<string, unknown>> = new Array(n);
  const sources = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    // Written order: by key offset.
    const order = [0, 1, 2, 3]
      .filter((f) => (block.types[i * 4 + f] as number) >= 0)
      .sort((a, b) => (block.keyOffsets[i * 4 + a] as number) - (block.keyOffsets[i * 4 + b] as number));
    const op: Record<string, unknown> = {};
    for (const f of order) {
      const type = block.types[i * 4 + f] as number;
      const source = unquote(block.written[i * 4 + f] as string, type);
      const value = typed(source, type, false);
      if (typeof value !== "string") sources.set(i * 4 + f, source);
      op[OP_FIELDS[f] as OpField] = value;
    }
    ops[i] = op;
  }
  if (typed.failed) return undefined;
  return new BulkOps(
    ops,
    Int32Array.from(block.opOffsets),
    Int32Array.from(block.keyOffsets),
    Int32Array.from(block.valueOffsets),
    sources,
  );
}
