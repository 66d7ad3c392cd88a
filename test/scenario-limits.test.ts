// Guards limits checked before any work: trace rows and requests that the scenario already fixes are
// refused when the file is loaded (exit 2, file:line:col, no report folder), and loading an 8 MiB
// scenario stays within 20 times its size in memory.
import { execFile } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { parseScenario } from "../sim/scenario/load.ts";
import { LIMITS_DEFAULTS } from "../sim/sections/limits.ts";
import type { Scenario } from "../sim/sections/registry.ts";
import { formatCount, formatProblem, ScenarioError } from "../sim/spec/errors.ts";
import { LIMITS } from "../sim/spec/limits.ts";

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-limits-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FILE = "limits.yaml";

function load(text: string, options: { trace?: boolean } = {}): Scenario | string[] {
  try {
    return parseScenario(text, FILE, {
      ...knownNames(),
      ...(options.trace ? { traceOverride: "always" as const } : {}),
    });
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map(formatProblem);
    throw error;
  }
}

const scriptOf = (n: number) =>
  Array.from({ length: n }, (_, i) => `      - { at: ${i % 1000}us, op: read, key: "k${i % 50}" }\n`).join(
    "",
  );

describe("limits.traceRows at load time", () => {
  it("refuses scripts with more ops than trace.csv may have rows, at the script", () => {
    const text = `strategy: local\nnodes: [A]\nworkloads:\n  - node: A\n    script:\n${scriptOf(LIMITS_DEFAULTS.traceRowsMax + 1)}`;
    expect(load(text)).toEqual([
      `${FILE}:6:9: workloads[0].script: expected at most 100,000 ops and requests in all, one trace.csv row each (limits.traceRows; raise it, or set report.trace: never), found 100,001 in all`,
    ]);
    expect(load(`${text}report: { trace: never }\n`)).toMatchObject({ report: { trace: "never" } });
  });

  it("points at limits.traceRows when the file sets it, and counts a generator's requests under --trace", () => {
    const text = `strategy: local\nnodes: [A]\nlimits: { traceRows: 10 }\nworkloads:\n  - node: A\n    script:\n${scriptOf(6)}  - generator: { rate: 100, requests: 5, keys: { count: 10 } }\n`;
    // Without a trace for generators the script's 6 rows fit.
    expect(load(text)).toMatchObject({ limits: { traceRowsMax: 10 } });
    expect(load(text, { trace: true })).toEqual([
      `${FILE}:3:22: limits.traceRows: expected a limit no lower than the 11 rows trace.csv will need (one per op and request), or report.trace: never, found 10`,
    ]);
  });
});

describe("limits.requests at load time", () => {
  const generator = (fields: string, extra = "") =>
    `strategy: local\nnodes: [A]\nduration: 60s\n${extra}workloads:\n  - generator: { ${fields}, keys: { count: 100 } }\n`;

  it("refuses a rate that the run's duration makes more requests of than the limit, at the rate", () => {
    expect(load(generator("rate: 1e8"))).toEqual([
      `${FILE}:5:24: workloads[0].generator.rate: expected at most 1,000,000,000 requests in all workloads (limits.requests; raise it for a longer run), found 6,000,000,000 in all (over the 1m run at this rate)`,
    ]);
    // A request count below the rate's is what the run makes; raised limits let it load.
    expect(load(generator("rate: 1e8, requests: 1000"))).toMatchObject({ limits: { requestsMax: 1e9 } });
    expect(load(generator("rate: 1e8", "limits: { requests: 6000000000 }\n"))).toMatchObject({
      limits: { requestsMax: 6e9 },
    });
  });

  it("points at limits.requests when the file sets it, and at a request count that passes it", () => {
    expect(load(generator("rate: 1000", "limits: { requests: 50000 }\n"))).toEqual([
      `${FILE}:4:21: limits.requests: expected a limit no lower than the 60,000 requests the workloads will make, found 50000`,
    ]);
    expect(load(generator("rate: 1e8, requests: 2000000000"))).toEqual([
      `${FILE}:5:39: workloads[0].generator.requests: expected at most 1,000,000,000 requests in all workloads (limits.requests; raise it for a longer run), found 2,000,000,000 in all`,
    ]);
  });

  it("counts bursts by their on time and closed loops not at all", () => {
    // 1e8/s for 10 s of each minute: 1e9 exactly, within the limit; 11 s is not.
    const onoff = (on: string) => generator(`rate: 1e8, arrival: { process: onoff, on: ${on}, off: 50s }`);
    expect(load(onoff("10s"))).toMatchObject({ durationUs: 60_000_000 });
    expect(load(onoff("11s"))).toEqual([expect.stringContaining("found 1,100,000,000 in all")]);
    expect(load(generator("arrival: { process: closed, clients: 100 }"))).toMatchObject({
      durationUs: 60_000_000,
    });
  });

  it("is refused by the command line with exit 2 before anything is written", async () => {
    const file = path.join(tmp, "rate.yaml");
    writeFileSync(file, generator("rate: 1e8"));
    const out = path.join(tmp, "out");
    const r = await run(process.execPath, ["sim/bin/cachesim.js", "run", file, "--out", out]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect("code" in r ? r.code : 0).toBe(2);
    expect(r.stderr).toMatch(
      /rate\.yaml:5:24: workloads\[0\]\.generator\.rate: expected at most 1,000,000,000 requests/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe("loading memory", () => {
  /**
   * Runs `node` on a script that loads `file` with the old generation capped at `capMiB`: a load that
   * needed more live memory than that would die of it. Prints what it kept.
   */
  async function loadIn(
    file: string,
    capMiB: number,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const script = `
      import { loadScenario } from "./sim/scenario/load.ts";
      import { knownNames } from "./sim/scenario/knownNames.ts";
      const before = process.memoryUsage().heapUsed;
      const scenario = loadScenario(process.argv[1], knownNames());
      const ops = scenario.workloads.reduce((n, w) => n + (w.kind === "script" ? w.ops.length : 0), 0);
      console.log(JSON.stringify({ ops, values: scenario.data.values.length, heapMiB: (process.memoryUsage().heapUsed - before) / 2 ** 20 }));
    `;
    return run(
      process.execPath,
      [`--max-old-space-size=${capMiB}`, "--import", "tsx", "--input-type=module", "-e", script, file],
      { maxBuffer: 1 << 20 },
    )
      .then((r) => ({ code: 0, ...r }))
      .catch((e: { code: number; stdout: string; stderr: string }) => e);
  }

  /** What the loader's modules take before loading anything: measured, not guessed. */
  async function baselineMiB(): Promise<number> {
    const script = `
      import "./sim/scenario/load.ts";
      import "./sim/scenario/knownNames.ts";
      console.log(process.memoryUsage().heapUsed / 2 ** 20);
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    return Number(stdout.trim());
  }

  /** Writes an 8 MiB scenario of lines made by `line(i)` under `head`, in chunks. */
  function write(name: string, head: string, line: (i: number) => string): string {
    const file = path.join(tmp, name);
    const fd = openSync(file, "w");
    writeSync(fd, head);
    let bytes = head.length;
    for (let i = 0; bytes < 8 * 2 ** 20 - 200; ) {
      let chunk = "";
      for (const end = i + 10_000; i < end && bytes + chunk.length < 8 * 2 ** 20 - 200; i++) chunk += line(i);
      writeSync(fd, chunk);
      bytes += chunk.length;
    }
    closeSync(fd);
    return file;
  }

  it("loads 8 MiB of script ops, or of data.values, within 20 times the file's size", async () => {
    const base = await baselineMiB();
    const files = [
      write(
        "ops.yaml",
        "strategy: local\nnodes: [A]\nreport: { trace: never }\nworkloads:\n  - node: A\n    script:\n",
        (i) => `      - { at: ${i % 59_000}ms, op: write, key: "user:${i % 5000}", value: "v${i}" }\n`,
      ),
      write(
        "values.yaml",
        'strategy: local\nnodes: [A]\nworkloads:\n  - node: A\n    script:\n      - { at: 0ms, op: read, key: "user:0" }\ndata:\n  values:\n',
        (i) => `    "user:${i}": "value-${i}"\n`,
      ),
    ];
    for (const file of files) {
      const size = statSync(file).size;
      const cap = Math.ceil(base + (20 * size) / 2 ** 20);
      const r = await loadIn(file, cap);
      expect(r.stderr, `${path.basename(file)} within ${cap} MiB of old generation`).not.toMatch(
        /heap out of memory/,
      );
      expect(r.code).toBe(0);
      const loaded = JSON.parse(r.stdout) as { ops: number; values: number; heapMiB: number };
      console.log(
        `${path.basename(file)}: ${(size / 2 ** 20).toFixed(1)} MiB loaded with the old generation capped at ${cap} MiB; ${loaded.heapMiB.toFixed(0)} MiB of heap kept`,
      );
      expect(loaded.ops + loaded.values).toBeGreaterThan(100_000);
    }
  }, 120_000);
});

describe("the limits table in docs/scenario-format.md", () => {
  it("lists every limit with its cap", () => {
    const doc = readFileSync("docs/scenario-format.md", "utf8");
    const table = doc.slice(doc.indexOf("<!-- limits:begin"), doc.indexOf("<!-- limits:end -->"));
    const rows = [...table.matchAll(/^\| `(\w+)` \| ([\d,]+) \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(Object.entries(LIMITS).map(([name, cap]) => [name, formatCount(cap)]));
    // And the limits a file may set, with their defaults.
    for (const [field, value] of [
      ["events", LIMITS_DEFAULTS.eventsMax],
      ["traceRows", LIMITS_DEFAULTS.traceRowsMax],
      ["requests", LIMITS_DEFAULTS.requestsMax],
    ] as const)
      expect(doc).toMatch(new RegExp(`\\| \`limits\\.${field}\` \\|.*\\| \`${value}\` \\|`));
  });
});
