// ScenarioError: a mistake in a scenario file (or in how it was named on the command line). It is the
// user's to fix, so it carries a message written for them and no stack trace; the CLI prints the message.

/** Problems beyond this many are summarised in one line: past a screenful, more lines only hide the first. */
export const MAX_PROBLEMS_SHOWN = 20;

/**
 * Problems beyond this many are only counted, not built: locating and sorting each one costs time, and
 * a file with 160,000 mistakes should say so in a second, not list them in minutes.
 */
export const MAX_PROBLEMS_COLLECTED = 1_000;

export interface ScenarioProblem {
  /** The file as the user named it. */
  file: string;
  /** Field path such as `nodes[1].cache.ttl`; "" for the file as a whole. */
  path: string;
  /** 1-based position in the file, when known. */
  line: number | undefined;
  column: number | undefined;
  /** What was expected, e.g. `a duration such as "30s"`; "" when `message` says it all. */
  expected: string;
  /** Short rendering of what was found, e.g. `"abc"`; "" when not applicable. */
  found: string;
  /** The text after the path, e.g. `expected a duration ..., found "abc"`. */
  message: string;
}

export class ScenarioError extends Error {
  readonly problems: readonly ScenarioProblem[];
  /** Further problems that were counted but not collected (see MAX_PROBLEMS_COLLECTED). */
  readonly uncollected: number;

  constructor(problems: readonly ScenarioProblem[], uncollected = 0) {
    super(formatProblems(problems, uncollected));
    this.name = "ScenarioError";
    this.problems = problems;
    this.uncollected = uncollected;
    // Whatever ends up printing this (the CLI, Node's uncaught-exception handler) shows only the
    // problems: a stack trace points into the loader, which is not where the mistake is.
    this.stack = this.message;
  }
}

export function isScenarioError(error: unknown): error is ScenarioError {
  return error instanceof ScenarioError;
}

/** Builds a problem in the usual "expected X, found Y" form. */
export function problem(
  file: string,
  path: string,
  position: { line: number; column: number } | undefined,
  expected: string,
  found: string,
  suffix = "",
): ScenarioProblem {
  return {
    file,
    path,
    line: position?.line,
    column: position?.column,
    expected,
    found,
    message: `expected ${expected}, found ${found}${suffix}`,
  };
}

/** Builds a problem whose message does not fit "expected X, found Y" (syntax errors, unknown fields). */
export function problemMessage(
  file: string,
  path: string,
  position: { line: number; column: number } | undefined,
  message: string,
  expected = "",
  found = "",
): ScenarioProblem {
  return { file, path, line: position?.line, column: position?.column, expected, found, message };
}

/** `file:line:col: path: message`, leaving out the parts that are unknown or empty. */
export function formatProblem(p: ScenarioProblem): string {
  let where = p.file;
  if (p.line !== undefined) where += `:${p.line}${p.column !== undefined ? `:${p.column}` : ""}`;
  return p.path === "" ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

export function formatProblems(problems: readonly ScenarioProblem[], uncollected = 0): string {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map(formatProblem);
  const hidden = problems.length - shown.length + uncollected;
  if (hidden > 0) shown.push(`...and ${hidden} more problem${hidden === 1 ? "" : "s"}`);
  return shown.join("\n");
}

/** Field path segments to text: ["nodes", 1, "cache", "ttl"] -> `nodes[1].cache.ttl`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) {
      out += out === "" ? segment : `.${segment}`;
    } else out += `[${quote(String(segment))}]`;
  }
  return out;
}

/** Longest stretch of the user's own text a message quotes; the rest is cut with "...". */
const QUOTE_CHARS = 40;

/**
 * Text from the file, quoted for a message: control characters escaped (a NUL would end the line for
 * some terminals and hide the rest), and cut to QUOTE_CHARS characters so one bad name cannot make a
 * message thousands of characters long.
 */
export function quote(text: string): string {
  let out = "";
  let n = 0;
  for (const ch of text) {
    if (n === QUOTE_CHARS) return `"${out}..."`;
    out += JSON.stringify(ch).slice(1, -1);
    n += 1;
  }
  return `"${out}"`;
}

/** 10000000 -> "10,000,000"; written out by hand so messages do not depend on the ICU build. */
export function formatCount(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) < 10_000) return String(n);
  const digits = String(Math.abs(n));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${grouped}` : grouped;
}

/** A short rendering of a value from the file, for "found ..." (long values are cut). */
export function renderFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    const shown = keys
      .slice(0, 4)
      .map((k) => (/^[A-Za-z0-9_.-]{1,40}$/.test(k) ? k : quote(k)))
      .join(", ");
    return keys.length === 0 ? "an empty mapping" : `a mapping { ${shown}${keys.length > 4 ? ", ..." : ""} }`;
  }
  return typeof value;
}

/** Lists names for messages, cut short when there are many. */
export function listNames(names: readonly string[]): string {
  if (names.length === 0) return "(none)";
  return names.length > 12
    ? `${names.slice(0, 12).join(", ")}, ... (${names.length} in all)`
    : names.join(", ");
}
