// Guards that a .env file means here what it means to python-dotenv (the original project's loader): quotes, escapes, export, comments, ${VAR}.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: .env text holds ${NAME} on purpose, for python-dotenv to expand
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackendError } from "../sim/backends/live/backendError.ts";
import { ENV_FILE_BYTES_MAX, loadEnv } from "../sim/backends/live/config.ts";
import { PROBLEMS_MAX, parseDotEnv } from "../sim/backends/live/dotenvFile.ts";

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cachesim-dotenv-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const values = (text: string, env: NodeJS.ProcessEnv = {}) =>
  Object.fromEntries(parseDotEnv(text, env).values);

describe("parseDotEnv reads what python-dotenv reads", () => {
  // Each expected value below is what python-dotenv 1.2.2's dotenv_values() returns for the same text.
  it("reads the original project's file as it is", () => {
    const text = [
      "REDIS_URL='your-redis-host'",
      "REDIS_PORT=12345",
      "REDIS_USERNAME='default'",
      "REDIS_PASSWORD='your-password'",
      "SQLLITE_URL=sqlitecloud://host.sqlite.cloud:8860/db.sqlite?apikey=abc",
      "",
    ].join("\n");
    expect(values(text)).toEqual({
      REDIS_URL: "your-redis-host",
      REDIS_PORT: "12345",
      REDIS_USERNAME: "default",
      REDIS_PASSWORD: "your-password",
      SQLLITE_URL: "sqlitecloud://host.sqlite.cloud:8860/db.sqlite?apikey=abc",
    });
  });

  it("reads what `dotenv set` writes: single quotes, \\' inside them, and `export`", () => {
    // python-dotenv's set_key writes KEY='value' with ' escaped as \', and `export KEY='value'` on request.
    expect(values(`REDIS_PASSWORD='it\\'s a "pw" #1'\nexport X='y'\n`)).toEqual({
      REDIS_PASSWORD: `it's a "pw" #1`,
      X: "y",
    });
  });

  it("decodes the escapes python-dotenv decodes, per quote style", () => {
    expect(values(String.raw`A="esc \" quote"`)).toEqual({ A: 'esc " quote' });
    expect(values(String.raw`A="tab\tnew\nline \\ back \x41"`)).toEqual({
      A: "tab\tnew\nline \\ back \\x41",
    });
    expect(values(String.raw`A='a\\b \n'`)).toEqual({ A: "a\\b \\n" });
    expect(values(String.raw`A=raw\n`)).toEqual({ A: "raw\\n" });
  });

  it("cuts a comment only after whitespace in an unquoted value, and after any quoted one", () => {
    expect(values("A=pa#ss\nB=plain # comment\nC='x' # c\nD=\"y\"# c\nE=   spaced   \n# F=no\n")).toEqual({
      A: "pa#ss",
      B: "plain",
      C: "x",
      D: "y",
      E: "spaced",
    });
  });

  it("reads spaces around '=', quoted keys, empty values, multi-line quotes and CRLF", () => {
    expect(values("A = 1\r\n'B'=2\r\nC=\r\nD=\"multi\nline\"\nE\n")).toEqual({
      A: "1",
      B: "2",
      C: "",
      D: "multi\nline",
    });
  });

  it("lets a key alone cancel what an earlier line set, as python-dotenv does", () => {
    expect(values("A=1\nA\nB=2\n")).toEqual({ B: "2" });
  });

  it("expands ${NAME} and ${NAME:-default}: the environment first, then earlier lines", () => {
    expect(values("HOST=cache\nURL=${HOST}:${PORT:-6379}\nQ='${HOST}'\n", {})).toEqual({
      HOST: "cache",
      URL: "cache:6379",
      Q: "cache",
    });
    expect(values("HOST=cache\nURL=${HOST}\n", { HOST: "from-env" }).URL).toBe("from-env");
    expect(values("A=$HOST {x}\n").A).toBe("$HOST {x}");
  });

  it("reports a statement it cannot parse by line, naming the variable but never its value", () => {
    const parsed = parseDotEnv("A=1\nREDIS_PASSWORD='Secr3t' junk\nB: 2\nC=3\n");
    expect(Object.fromEntries(parsed.values)).toEqual({ A: "1", C: "3" });
    expect(parsed.problems).toEqual([
      { line: 2, name: "REDIS_PASSWORD" },
      { line: 3, name: "B" },
    ]);
    const many = parseDotEnv("'x\n".repeat(1000));
    expect(many.problems).toHaveLength(PROBLEMS_MAX);
  });
});

// An independent check, where python-dotenv is at hand: random files, both parsers, same answers.
const python = spawnSync("python3", ["-c", "import dotenv"], { encoding: "utf8" });
const havePythonDotenv = python.status === 0;
if (!havePythonDotenv)
  console.warn(
    "python-dotenv cross-check skipped: `python3 -c 'import dotenv'` fails (pip install python-dotenv)",
  );

describe.skipIf(!havePythonDotenv)("parseDotEnv against python-dotenv itself", () => {
  it("agrees on 500 random files built from the grammar's tricky pieces", () => {
    const script = `
import io, json, random
from dotenv import dotenv_values
random.seed(7)
pieces = ["A", "B", "export ", "'", '"', "\\\\", "=", " ", "#", "\\n", "\\r\\n", "x", "\${A}", "\${N:-d}",
          "\\\\n", "\\\\'", '\\\\"', "\\t", "K_1", ":", "$", "{", "}"]
cases = []
for _ in range(500):
    text = "".join(random.choice(pieces) for _ in range(random.randint(1, 30)))
    parsed = dotenv_values(stream=io.StringIO(text))
    cases.append({"text": text, "values": {k: v for k, v in parsed.items() if v is not None}})
print(json.dumps(cases))
`;
    // An empty environment on both sides, so ${…} resolves only from the file.
    const output = execFileSync("python3", ["-c", script], {
      encoding: "utf8",
      env: { PATH: process.env.PATH },
      stdio: ["ignore", "pipe", "ignore"],
    });
    const cases = JSON.parse(output) as Array<{ text: string; values: { [name: string]: string } }>;
    expect(cases).toHaveLength(500);
    const disagreements = cases.filter(
      (c) => JSON.stringify(values(c.text)) !== JSON.stringify(Object.fromEntries(Object.entries(c.values))),
    );
    expect(disagreements.slice(0, 3)).toEqual([]);
  });
});

describe("loadEnv", () => {
  it("refuses a .env it cannot parse, naming the file and line, without the value", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, ".env"), 'REDIS_URL=cache\nREDIS_PASSWORD="Unclosed99\n');
    const error = (() => {
      try {
        loadEnv({}, dir);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(BackendError);
    const message = (error as BackendError).message;
    expect(message).toContain(`${path.join(dir, ".env")}: cannot parse line 2 (REDIS_PASSWORD)`);
    expect(message).not.toContain("Unclosed99");
  });

  it("refuses a .env that is not a regular file, or too big to be a settings file", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, ".env"));
    expect(() => loadEnv({}, dir)).toThrow(/not a regular file/);
    const big = tempDir();
    writeFileSync(path.join(big, ".env"), `A=${"x".repeat(ENV_FILE_BYTES_MAX)}\n`);
    expect(() => loadEnv({}, big)).toThrow(/more than a settings file can be/);
  });

  it("expands ${…} from the real environment, which also wins over the file", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, ".env"), "REDIS_HOST=file-host\nREDIS_URL=${REDIS_HOST}:7000\n");
    expect(loadEnv({}, dir).env.REDIS_URL).toBe("file-host:7000");
    expect(loadEnv({ REDIS_HOST: "env-host" }, dir).env.REDIS_URL).toBe("env-host:7000");
  });
});
