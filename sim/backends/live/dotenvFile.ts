// Reads a `.env` file the way python-dotenv (the original project's loader) reads it, so a file written
// for that project, or by `dotenv set`, means the same here. The npm `dotenv` package differs where it
// matters for secrets: it cuts an unquoted value at any `#` (python-dotenv only at ` #`), keeps `\'` and
// `\"` escapes inside quotes verbatim, and does not expand `${VAR}`. So this is a port of python-dotenv's
// grammar (dotenv/parser.py and variables.py, version 1.x):
//  - `[export ]KEY=VALUE`, spaces allowed around `=`; a key may be single-quoted; `KEY` alone sets nothing
//    (and cancels an earlier `KEY=…`);
//  - VALUE single-quoted (escapes `\\` `\'`), double-quoted (escapes `\\ \' \" \a \b \f \n \r \t \v`), both
//    may span lines; or unquoted, cut at the first whitespace-then-`#` and trimmed at the end;
//  - a trailing comment after a quoted value; `#` lines and blank lines are skipped;
//  - `${NAME}` and `${NAME:-default}` expand in every value, from the process environment first, then from
//    the file's earlier lines (python-dotenv's load_dotenv without override).
// A line it cannot parse is reported with its line number instead of being skipped with a warning.

export interface DotEnvProblem {
  /** 1-based line where the statement that could not be parsed starts. */
  line: number;
  /** The variable name the statement starts with, if any: never its value, which may be a secret. */
  name: string | null;
}

export interface DotEnvParse {
  /** Variables in file order, after `${…}` expansion. */
  values: Map<string, string>;
  /** Statements that could not be parsed (python-dotenv warns and skips them); at most PROBLEMS_MAX. */
  problems: DotEnvProblem[];
}

const MULTILINE_WHITESPACE = /\s*/y;
const WHITESPACE = /[^\S\r\n]*/y;
const EXPORT = /(?:export[^\S\r\n]+)?/y;
const SINGLE_QUOTED_KEY = /'([^']+)'/y;
const UNQUOTED_KEY = /([^=#\s]+)/y;
const EQUAL_SIGN = /(=[^\S\r\n]*)/y;
const SINGLE_QUOTED_VALUE = /'((?:\\'|[^'])*)'/y;
const DOUBLE_QUOTED_VALUE = /"((?:\\"|[^"])*)"/y;
const UNQUOTED_VALUE = /([^\r\n]*)/y;
const COMMENT = /(?:[^\S\r\n]*#[^\r\n]*)?/y;
const END_OF_LINE = /[^\S\r\n]*(?:\r\n|\n|\r|$)/y;
const WHITESPACE_AHEAD = /\s*/y;
const REST_OF_LINE = /[^\r\n]*(?:\r\n|\r|\n)?/y;
const DOUBLE_QUOTE_ESCAPES = /\\[\\'"abfnrtv]/g;
const SINGLE_QUOTE_ESCAPES = /\\[\\']/g;
const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;

/** Problems listed per file: a file that is not a .env at all must not make a message of every line. */
export const PROBLEMS_MAX = 10;

const ESCAPED: { [sequence: string]: string } = {
  "\\\\": "\\",
  "\\'": "'",
  '\\"': '"',
  "\\a": "\x07",
  "\\b": "\b",
  "\\f": "\f",
  "\\n": "\n",
  "\\r": "\r",
  "\\t": "\t",
  "\\v": "\v",
};

class ParseFailure extends Error {}

class Reader {
  position = 0;
  constructor(readonly text: string) {}

  hasNext(): boolean {
    return this.position < this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  read(regex: RegExp): string[] {
    regex.lastIndex = this.position;
    const match = regex.exec(this.text);
    if (!match) throw new ParseFailure();
    this.position += match[0].length;
    return match.slice(1);
  }

  lineAt(offset: number): number {
    let line = 1;
    for (let i = 0; i < offset; i++) {
      const char = this.text.charCodeAt(i);
      // \r\n counts once: the \r is a line end only when no \n follows.
      if (char === 10 || (char === 13 && this.text.charCodeAt(i + 1) !== 10)) line++;
    }
    return line;
  }
}

function parseValue(reader: Reader): string {
  const char = reader.peek();
  if (char === "'") {
    const [value = ""] = reader.read(SINGLE_QUOTED_VALUE);
    return value.replace(SINGLE_QUOTE_ESCAPES, (sequence) => ESCAPED[sequence] ?? sequence);
  }
  if (char === '"') {
    const [value = ""] = reader.read(DOUBLE_QUOTED_VALUE);
    return value.replace(DOUBLE_QUOTE_ESCAPES, (sequence) => ESCAPED[sequence] ?? sequence);
  }
  if (char === "" || char === "\n" || char === "\r") return "";
  const [part = ""] = reader.read(UNQUOTED_VALUE);
  return part.replace(/\s+#.*/, "").trimEnd();
}

/** One statement: a binding (key and value, or a key alone), nothing (a comment, the end), or a problem. */
function parseBinding(reader: Reader): { key: string | null; value: string | null } {
  reader.read(MULTILINE_WHITESPACE);
  if (!reader.hasNext()) return { key: null, value: null };
  reader.read(EXPORT);
  let key: string | null = null;
  if (reader.peek() !== "#") {
    [key = null] = reader.read(reader.peek() === "'" ? SINGLE_QUOTED_KEY : UNQUOTED_KEY);
  }
  reader.read(WHITESPACE);
  let value: string | null = null;
  if (reader.peek() === "=") {
    reader.read(EQUAL_SIGN);
    value = parseValue(reader);
  }
  reader.read(COMMENT);
  reader.read(END_OF_LINE);
  return { key, value };
}

function expand(value: string, lookup: (name: string) => string | undefined): string {
  return value.replace(VARIABLE, (_, name: string, fallback: string | undefined) => {
    return lookup(name) ?? fallback ?? "";
  });
}

/**
 * Parses `.env` text. `environment` is consulted for `${NAME}` before the file's own earlier values, as
 * python-dotenv does when it does not override the environment.
 */
export function parseDotEnv(text: string, environment: NodeJS.ProcessEnv = {}): DotEnvParse {
  const reader = new Reader(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const values = new Map<string, string>();
  const problems: DotEnvProblem[] = [];
  const lookup = (name: string) => {
    const fromEnv = environment[name];
    return fromEnv !== undefined ? fromEnv : values.get(name);
  };
  while (reader.hasNext()) {
    const start = reader.position;
    try {
      const { key, value } = parseBinding(reader);
      // A key alone sets nothing, and (as in python-dotenv) cancels what an earlier line set.
      if (key !== null && value !== null) values.set(key, expand(value, lookup));
      else if (key !== null) values.delete(key);
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      // As python-dotenv: skip the rest of the line where parsing failed, and carry on.
      const failedAt = reader.position;
      reader.read(REST_OF_LINE);
      if (problems.length < PROBLEMS_MAX) {
        WHITESPACE_AHEAD.lastIndex = start;
        const statementAt = start + (WHITESPACE_AHEAD.exec(reader.text)?.[0].length ?? 0);
        const name = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)/.exec(
          reader.text.slice(statementAt, Math.max(failedAt, statementAt + 1)),
        );
        problems.push({ line: reader.lineAt(statementAt), name: name?.[1] ?? null });
      }
    }
  }
  return { values, problems };
}
