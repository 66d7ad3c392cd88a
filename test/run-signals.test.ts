// Guards stopping a run from outside: SIGINT and SIGTERM sent to a real `cachesim run` mid-run make it
// clean up at once (no partial folder left) and exit 130 / 143; a SIGKILLed run's leftover folder is
// removed by the next run into the same parent; a bad --out is one line and exit 2.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openEndedWorld } from "./support/openEndedWorld.ts";

const CLI = path.resolve("sim/bin/cachesim.js");

/** A generated workload far longer than any test waits for: it is always still running when signalled. */
const LONG_SCENARIO = openEndedWorld({ name: "long", duration: "10000s" });

let root: string;
let scenarioFile: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cachesim-signal-"));
  scenarioFile = path.join(root, "long.yaml");
  fs.writeFileSync(scenarioFile, LONG_SCENARIO);
});

afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
  fs.rmSync(root, { recursive: true, force: true });
});

function partials(): string[] {
  return fs.readdirSync(root).filter((name) => name.includes(".partial-"));
}

/** Starts a run and resolves once it is simulating (its partial folder exists and it has had time). */
async function startRun(): Promise<{
  proc: ChildProcess;
  exited: Promise<{ code: number | null; stderr: string }>;
}> {
  const proc = spawn(
    process.execPath,
    [CLI, "run", scenarioFile, "--out", path.join(root, "report"), "--quiet"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  child = proc;
  let stderr = "";
  proc.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    proc.on("exit", (code) => resolve({ code, stderr }));
  });
  for (let waited = 0; partials().length === 0; waited += 100) {
    if (proc.exitCode !== null) throw new Error(`the run ended early: ${stderr}`);
    if (waited > 90_000) throw new Error("the run never created its partial folder");
    await new Promise((r) => setTimeout(r, 100));
  }
  // The folder is made just before the data is seeded: let the simulation itself get going.
  await new Promise((r) => setTimeout(r, 1500));
  return { proc, exited };
}

describe("a run that is told to stop", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal}: cleans up at once and exits ${code}`, { timeout: 180_000 }, async () => {
      const { proc, exited } = await startRun();
      proc.kill(signal);
      const result = await exited;
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toContain(`stopped by ${signal} at virtual time`);
      expect(result.stderr).toContain("no report was written");
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(fs.readdirSync(root).sort()).toEqual(["long.yaml"]);
    });
  }

  it("SIGKILL leaves a partial folder, which the next run into the same parent removes", {
    timeout: 180_000,
  }, async () => {
    const { proc, exited } = await startRun();
    const left = partials();
    proc.kill("SIGKILL");
    await exited;
    expect(partials()).toEqual(left);
    const next = spawn(
      process.execPath,
      [CLI, "run", "scenarios/local-stale.yaml", "--out", path.join(root, "other"), "--quiet"],
      { stdio: "ignore" },
    );
    child = next;
    const code = await new Promise((resolve) => next.on("exit", resolve));
    expect(code).toBe(0);
    expect(partials()).toEqual([]);
    expect(fs.readdirSync(root).sort()).toEqual(["long.yaml", "other"]);
  });
});

describe("an --out that cannot be written", () => {
  it("is one line naming the path and the cause, exit 2, nothing written", { timeout: 120_000 }, async () => {
    const file = path.join(root, "a-file");
    fs.writeFileSync(file, "x");
    const out = path.join(file, "report");
    const proc = spawn(process.execPath, [CLI, "run", "scenarios/local-stale.yaml", "--out", out], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise((resolve) => proc.on("exit", resolve));
    expect(code).toBe(2);
    // Scenario warnings may come first; the error is the one last line, with no stack trace.
    expect(stderr.trimEnd().split("\n").at(-1)).toBe(
      `cachesim: cannot write the report to ${out}: a part of the path is not a folder`,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(root).sort()).toEqual(["a-file", "long.yaml"]);
  });
});
