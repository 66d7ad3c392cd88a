// Guards `npm run bench -- --stand-ins` (sim/tools/standInTimes.ts): it counts every call into
// ioredis-mock and sql.js exactly once (the counts agree with the run's own counters), and timing them
// changes nothing the run computes. What the times are is the machine's business; only counts are checked.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../sim/index.ts";
import { standInCalls } from "./support/standInCalls.ts";

const exec = promisify(execFile);
const REQUESTS = 3000;

const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-stand-ins-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The benchmark world, shortened to REQUESTS requests. */
function shortBench(): string {
  const text = readFileSync("scenarios/bench.yaml", "utf8");
  const shortened = text.replace(/requests: 1000000/, `requests: ${REQUESTS}`);
  expect(shortened).not.toBe(text);
  const file = path.join(dir, "bench-short.yaml");
  writeFileSync(file, shortened);
  return file;
}

async function bench(args: string[]): Promise<string> {
  const ran = await exec(process.execPath, ["--import", "tsx", "sim/tools/bench.ts", ...args], {
    timeout: 120_000,
  });
  return ran.stdout;
}

/** The calls counted for each operation, from the lines under "inside the stand-ins". */
function callsByOperation(stdout: string): Map<string, number> {
  const calls = new Map<string, number>();
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith("inside the stand-ins"));
  expect(start).toBeGreaterThan(0);
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}(.+?)\s+([\d,]+) calls?\s+(?:([\d.]+) us each\s+)?([\d.]+) s/.exec(line);
    if (m === null) continue;
    calls.set((m[1] as string).trim(), Number((m[2] as string).replaceAll(",", "")));
  }
  return calls;
}

describe("bench --stand-ins", () => {
  it("counts each call into the stand-ins once, and leaves the run as it was", async () => {
    const file = shortBench();
    const [timed, plain, result] = await Promise.all([
      bench(["--scenario", file, "--stand-ins"]),
      bench(["--scenario", file]),
      runScenario(await loadScenario(file)),
    ]);
    const calls = callsByOperation(timed);
    const expected = standInCalls(result.summary.all);
    expect(calls.get("ioredis-mock get")).toBe(expected.get);
    expect(calls.get("ioredis-mock set")).toBe(expected.set);
    expect(calls.get("sql.js read")).toBe(expected.read);
    expect(calls.get("sql.js write")).toBe(expected.write);
    const counted = [...calls].filter(([op]) => op !== "in all").reduce((sum, [, n]) => sum + n, 0);
    expect(calls.get("in all")).toBe(counted);
    // The same requests, hit rate and events, timed or not.
    const same = (out: string) => out.split("\n").filter((l) => /^(requests|events) {2,}/.test(l));
    expect(same(timed)).toHaveLength(2);
    expect(same(timed)).toEqual(same(plain));
    expect(same(timed)[0]).toContain(`${REQUESTS.toLocaleString("en-US")} (hit rate`);
    expect(plain).not.toContain("inside the stand-ins");
  }, 120_000);
});
