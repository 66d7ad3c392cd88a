// Sets a sweep point's values into the scenario's YAML text, before the scenario is validated, so a point
// is checked by the same loader as any file and its errors carry file:line and the field path. A value
// that replaces a scalar already in the file is spliced into the text in place, so every line keeps its
// number; a field the file does not have is added through the YAML document (its lines may then move).
import { isAlias, isCollection, isMap, isScalar, isSeq, type Node, parseDocument } from "yaml";

export type Segment = string | number;

export interface Override {
  /** As written: `nodes[1].network.database`. */
  path: string;
  segments: Segment[];
  value: unknown;
}

export class OverrideError extends Error {
  override readonly name = "OverrideError";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*/;
const INDEX_RE = /^\[(\d+)\]/;

/** `nodes[1].network.database` -> ["nodes", 1, "network", "database"]. */
export function parseFieldPath(path: string): Segment[] {
  const segments: Segment[] = [];
  let rest = path.trim();
  const bad = (why: string) =>
    new OverrideError(
      path,
      `not a field path (${why}): write it like defaults.cache.ttl or nodes[1].network.database`,
    );
  if (rest === "") throw bad("empty");
  while (rest !== "") {
    const name = NAME_RE.exec(rest);
    if (name === null) throw bad(`unexpected ${JSON.stringify(rest[0])}`);
    segments.push(name[0]);
    rest = rest.slice(name[0].length);
    for (let index = INDEX_RE.exec(rest); index !== null; index = INDEX_RE.exec(rest)) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
    }
    if (rest === "") break;
    if (rest[0] !== ".") throw bad(`unexpected ${JSON.stringify(rest[0])}`);
    rest = rest.slice(1);
    if (rest === "") throw bad("it ends with a dot");
  }
  return segments;
}

/** The value as YAML flow text, for splicing in place of a scalar. */
function yamlText(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "null";
  return JSON.stringify(value);
}

function describeNode(node: unknown): string {
  if (isScalar(node)) return `the plain value ${JSON.stringify(node.value)}`;
  if (isSeq(node)) return "a list";
  if (isMap(node)) return "a mapping";
  return "an alias";
}

function prefixText(segments: readonly Segment[]): string {
  return segments.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/**
 * Where the swept fields' plain values sit in a text: their [start, end) offsets, in the overrides'
 * order; "as-is" for a text with YAML errors (the loader reports those, with positions); "restructure"
 * when some override does not replace a plain value already in the file.
 */
type Places = ReadonlyArray<readonly [number, number]> | "as-is" | "restructure";

/**
 * The last text's places, for the next point of the same sweep: every point sets the same fields of the
 * same text, and a sweep reads each point twice (checked before any runs, then where it runs), so
 * parsing the text once per point cost two YAML parses a point (about 0.6 ms each for the bench world's
 * file, and their garbage). One text's places at most are kept.
 */
let lastPlaces: { text: string; fields: string; places: Places } | null = null;

function placesOf(text: string, overrides: readonly Override[]): Places {
  const fields = JSON.stringify(overrides.map((o) => o.segments));
  if (lastPlaces !== null && lastPlaces.text === text && lastPlaces.fields === fields)
    return lastPlaces.places;
  const doc = parseDocument(text, { keepSourceTokens: false });
  let places: Places = "as-is";
  if (doc.errors.length === 0) {
    const found: Array<readonly [number, number]> = [];
    places = found;
    for (const o of overrides) {
      const target = doc.getIn(o.segments, true) as Node | undefined | null;
      if (!(isScalar(target) && target.range != null && target.value !== null)) {
        places = "restructure";
        break;
      }
      found.push([target.range[0], target.range[1]]);
    }
  }
  lastPlaces = { text, fields, places };
  return places;
}

/**
 * Returns the scenario text with the overrides applied. A whole number set on a list keeps the list's
 * first N items (`nodes=1..8` on a file that lists eight nodes); anything else set on a list or a mapping
 * replaces it.
 */
export function applyOverrides(text: string, overrides: readonly Override[]): string {
  if (overrides.length === 0) return text;
  const places = placesOf(text, overrides);
  if (places === "as-is") return text;
  if (places === "restructure") return restructured(text, overrides);
  let out = text;
  const splices = places.map(([start, end], i) => ({
    start,
    end,
    text: yamlText((overrides[i] as Override).value),
  }));
  for (const s of splices.sort((x, y) => y.start - x.start))
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/**
 * applyOverrides for a point that adds or replaces more than plain values: through the YAML document,
 * printed again (its lines may then move). The plain values among the overrides are set in the document
 * too, so the printed text carries them.
 */
function restructured(text: string, overrides: readonly Override[]): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  for (const o of overrides) {
    const target = doc.getIn(o.segments, true) as Node | undefined | null;
    if (isScalar(target) && target.range != null && target.value !== null) continue;
    if (isSeq(target) && typeof o.value === "number" && Number.isInteger(o.value)) {
      const count = o.value;
      if (count < 1 || count > target.items.length) {
        throw new OverrideError(
          o.path,
          `${count} keeps the first ${count} items of a list, but ${o.path} lists ${target.items.length}: ` +
            `sweep it over 1..${target.items.length}`,
        );
      }
      target.items = target.items.slice(0, count);
      continue;
    }
    if (target === undefined || target === null || isScalar(target)) checkParents(doc, o);
    doc.setIn(o.segments, doc.createNode(o.value));
  }
  for (const o of overrides) {
    const target = doc.getIn(o.segments, true) as Node | undefined;
    if (isScalar(target) && !isCollection(o.value)) target.value = o.value;
  }
  return doc.toString({ lineWidth: 0 });
}

/** A clear word when the path runs through a plain value or past the end of a list. */
function checkParents(doc: ReturnType<typeof parseDocument>, o: Override): void {
  for (let i = 0; i < o.segments.length - 1; i++) {
    const prefix = o.segments.slice(0, i + 1);
    const node = doc.getIn(prefix, true) as Node | undefined | null;
    const next = o.segments[i + 1] as Segment;
    if (node === undefined || node === null) {
      // A missing index inside a list cannot be created: YAML lists have no gaps.
      const parent = i === 0 ? doc.contents : doc.getIn(o.segments.slice(0, i), true);
      if (typeof o.segments[i] === "number" && isSeq(parent)) {
        throw new OverrideError(
          o.path,
          `${prefixText(prefix)} does not exist: the list has ${parent.items.length} items`,
        );
      }
      return; // a missing mapping is created by setIn
    }
    if (
      isAlias(node) ||
      isScalar(node) ||
      (typeof next === "number" && !isSeq(node)) ||
      (typeof next === "string" && !isMap(node))
    ) {
      throw new OverrideError(
        o.path,
        `cannot set ${o.path}: ${prefixText(prefix)} is ${describeNode(node)}, not a ${typeof next === "number" ? "list" : "mapping"}` +
          (isScalar(node) && typeof next === "string"
            ? ` (write it as a mapping, e.g. { name: ${String(node.value)} }, to set fields in it)`
            : ""),
      );
    }
  }
  const last = o.segments.at(-1);
  const parent = doc.getIn(o.segments.slice(0, -1), true);
  if (typeof last === "number" && isSeq(parent) && last >= parent.items.length) {
    throw new OverrideError(o.path, `${o.path} does not exist: the list has ${parent.items.length} items`);
  }
}
