// A parsed scenario file three ways: its YAML nodes (for line:column positions), the plain JavaScript the
// schema reads (for the "found ..." half of a message), and the problems found so far. Every problem the
// loader, the frame and the sections report goes through here, so each reads "file:line:col: path:
// expected X, found Y" and a file with many mistakes lists them in file order, up to a cap.
import { type Alias, type Document, isAlias, isMap, isSeq, type Node, type Pair, type YAMLMap } from "yaml";
import type { z } from "zod";
import { inFileOf } from "../plugin/scenarioFiles.ts";
import type { Segment } from "../sections/section.ts";
import {
  formatPath,
  MAX_PROBLEMS_COLLECTED,
  problem,
  problemMessage,
  quote,
  renderFound,
  ScenarioError,
  type ScenarioProblem,
} from "../spec/errors.ts";
import { bulkOpsOf } from "./bulkOps.ts";
import { BulkValues, bulkOf } from "./bulkValues.ts";
import { keyText } from "./yamlTree.ts";

export type Position = { line: number; column: number };

/** File order reads best; problems without a position go last. Array sort is stable. */
export function sortProblems(problems: ScenarioProblem[]): ScenarioProblem[] {
  const line = (p: ScenarioProblem) => p.line ?? Number.POSITIVE_INFINITY;
  return problems.sort((a, b) => line(a) - line(b) || (a.column ?? 0) - (b.column ?? 0));
}

/** The parsed file three ways (YAML nodes for positions, plain JS for "found"), plus problems so far. */
export class LocatedDoc {
  private readonly collected: ScenarioProblem[] = [];
  private readonly seen = new Set<string>();
  private uncollected = 0;
  /** Per mapping, its pairs by the text of their key: finding a field stays O(1) in huge mappings. */
  private readonly pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly raw: unknown,
    private readonly positionAt: (offset: number) => Position,
    private readonly aliasTargets: ReadonlyMap<Alias, Node>,
  ) {}

  /** Records a problem, once (the same path and message twice is one problem), up to the cap. */
  add(p: ScenarioProblem): void {
    const key = `${p.path}\u0000${p.message}`;
    if (this.seen.has(key)) return;
    if (this.full()) {
      this.uncollected += 1;
      return;
    }
    this.seen.add(key);
    this.collected.push(p);
  }

  /** Whether the cap on collected problems is reached (later ones are only counted). */
  full(): boolean {
    return this.collected.length >= MAX_PROBLEMS_COLLECTED;
  }

  skip(count: number): void {
    this.uncollected += count;
  }

  hasProblems(): boolean {
    return this.collected.length > 0;
  }

  error(): ScenarioError {
    return new ScenarioError(sortProblems([...this.collected]), this.uncollected);
  }

  /** An alias's target (found by toPlainTree), or the node itself. */
  resolve(node: unknown): unknown {
    return isAlias(node) ? (this.aliasTargets.get(node) ?? node) : node;
  }

  /** The YAML node at a path (through aliases), or undefined when the field is absent. */
  node(segments: readonly Segment[]): Node | undefined {
    let current: unknown = this.doc.contents;
    for (const segment of segments) {
      current = this.resolve(current);
      const bulk = bulkOf(current);
      const ops = bulkOpsOf(current);
      if (ops !== undefined) current = typeof segment === "number" ? ops.node(segment) : undefined;
      else if (bulk !== undefined) {
        const i = bulk.indexOf(String(segment));
        current = i === undefined ? undefined : bulk.node(i, "value");
      } else if (isSeq(current) && typeof segment === "number") current = current.items[segment];
      else if (isMap(current)) current = this.pairs(current).get(String(segment))?.value;
      else return undefined;
    }
    return current && typeof current === "object" && "range" in current ? (current as Node) : undefined;
  }

  pairs(map: YAMLMap): Map<string, Pair> {
    let index = this.pairIndex.get(map);
    if (index === undefined) {
      index = new Map();
      for (const pair of map.items as Pair[]) {
        const text = keyText(this.resolve(pair.key));
        if (text !== undefined && !index.has(text)) index.set(text, pair);
      }
      this.pairIndex.set(map, index);
    }
    return index;
  }

  positionOf(node: unknown): Position | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.positionAt(range[0]) : undefined;
  }

  /** Position of the value at a path; for a field that is absent, of the nearest thing that is there. */
  locate(segments: readonly Segment[]): Position | undefined {
    for (let n = segments.length; n >= 0; n--) {
      const range = this.node(segments.slice(0, n))?.range;
      if (range) return this.positionAt(range[0]);
    }
    return this.doc.contents === null ? { line: 1, column: 1 } : undefined;
  }

  /** Position of a key inside the mapping at `segments` (for unknown fields), else of the mapping. */
  locateKey(segments: readonly Segment[], key: string): Position | undefined {
    const map = this.resolve(this.node(segments));
    if (isMap(map)) {
      const position = this.positionOf(this.pairs(map).get(key)?.key);
      if (position) return position;
    }
    return this.locate(segments);
  }

  valueAt(segments: readonly Segment[]): unknown {
    let value: unknown = this.raw;
    for (const segment of segments) {
      if (typeof value !== "object" || value === null) return undefined;
      value =
        value instanceof BulkValues
          ? value.get(String(segment))
          : (value as Record<string | number, unknown>)[segment];
    }
    return value;
  }

  /** Records "path: expected X, found Y". */
  refuse(segments: readonly Segment[], expected: string, found: string): void {
    this.add(problem(this.file, formatPath(segments), this.locate(segments), expected, found));
  }

  /** Records "path: expected X, found <the file's value at path>". */
  expect(segments: readonly Segment[], expected: string, suffix = ""): void {
    const found = renderFound(this.valueAt(segments));
    this.add(problem(this.file, formatPath(segments), this.locate(segments), expected, found, suffix));
  }

  fromIssue(issue: z.core.$ZodIssue): ScenarioProblem[] {
    const segments = issue.path.filter((s): s is Segment => typeof s === "string" || typeof s === "number");
    const pathText = formatPath(segments);
    if (issue.code === "unrecognized_keys") {
      const known = issue.message.replace(/^expected /, "");
      return issue.keys.map((key) =>
        problemMessage(
          this.file,
          pathText,
          this.locateKey(segments, key),
          `unknown field ${quote(key)} (expected ${known})`,
          known,
          quote(key),
        ),
      );
    }
    const expected = issue.message.startsWith("expected ")
      ? issue.message.slice("expected ".length)
      : fallback(issue);
    // A mistake inside a file the field names is shown where it is in that file.
    const inFile = inFileOf(issue);
    if (inFile !== undefined) return [problem(inFile.file, pathText, inFile, expected, inFile.found)];
    const emptyFile = segments.length === 0 && this.doc.contents === null;
    const found = emptyFile ? "an empty file" : renderFound(this.valueAt(segments));
    return [problem(this.file, pathText, this.locate(segments), expected, found)];
  }
}

/** For issues raised without one of schema.ts's messages (should be rare: zod internals). */
function fallback(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `a ${issue.expected}`;
    case "invalid_value":
      return `one of: ${issue.values.map((v) => String(v)).join(", ")}`;
    default:
      return issue.message;
  }
}
