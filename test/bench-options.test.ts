// Guards the benchmark scripts' own options (sim/tools/benchOptions.ts): a bad number is refused on one
// line naming the option, its bounds and what was typed, with exit 2 and nothing run (before, `npm run
// bench -- --requests abc` ran without a request limit and `bench:trace` died with a stack trace).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { wholeNumbers } from "../sim/tools/benchOptions.ts";

const exec = promisify(execFile);

/** Runs a benchmark script from its source; returns its exit code and what it printed. */
async function tool(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const ran = await exec(process.execPath, ["--import", "tsx", file, ...args], { timeout: 120_000 });
    return { code: 0, stdout: ran.stdout, stderr: ran.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("benchmark options", () => {
  it("takes whole numbers within their bounds and leaves absent options alone", () => {
    const check = wholeNumbers({ requests: [1, 100], runs: [1, 5] });
    expect(check({ requests: 100 })).toBe(true);
    expect(() => check({ requests: 0 })).toThrow(
      "--requests: expected a whole number from 1 to 100, found 0",
    );
    expect(() => check({ requests: 7, runs: 2.5 })).toThrow(
      "--runs: expected a whole number from 1 to 5, found 2.5",
    );
  });

  it("refuses a bad number with one line and exit 2, before any work", async () => {
    const bench = await tool("sim/tools/bench.ts", ["--requests", "abc"]);
    expect(bench.code).toBe(2);
    expect(bench.stdout).toBe("");
    expect(bench.stderr.trim()).toBe(
      '--requests: expected a whole number from 1 to 1000000000000, found "abc" (--help lists the options)',
    );
    const kernel = await tool("sim/tools/kernelBench.ts", ["--events=0"]);
    expect(kernel.code).toBe(2);
    expect(kernel.stderr.trim()).toBe(
      "--events: expected a whole number from 1 to 1000000000, found 0 (--help lists the options)",
    );
    const trace = await tool("sim/tools/traceBench.ts", ["--runs", "1.5"]);
    expect(trace.code).toBe(2);
    expect(trace.stderr).not.toContain("    at ");
    expect(trace.stderr.trim()).toBe(
      "--runs: expected a whole number from 1 to 100, found 1.5 (--help lists the options)",
    );
  });
});
