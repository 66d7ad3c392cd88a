// Guards that the original project's .env (bare REDIS_URL host plus REDIS_PORT / REDIS_USERNAME / REDIS_PASSWORD, quoted, SQLLITE_URL) runs a live scenario through the CLI against a password-protected Redis.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "sim", "bin", "cachesim.js");

const AUTH_PORT = process.env.CACHESIM_TEST_REDIS_AUTH_PORT;
const AUTH_PASSWORD = process.env.CACHESIM_TEST_REDIS_AUTH_PASSWORD;
const configured = Boolean(AUTH_PORT && AUTH_PASSWORD);
if (!configured) {
  console.warn(
    "password-protected Redis tests skipped: CACHESIM_TEST_REDIS_AUTH_PORT / CACHESIM_TEST_REDIS_AUTH_PASSWORD are not set; " +
      'start it with: eval "$(bash .ci/services.sh start)"',
  );
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The environment without any live setting of our own, so that only the .env file configures the run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(REDIS_|SQLITE_URL|SQLLITE_URL|CACHESIM_)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

/** python-dotenv's set_key quoting: single quotes, a quote inside escaped as \'. */
const quoted = (value: string) => `'${value.replaceAll("'", "\\'")}'`;

function projectDir(password: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cachesim-auth-"));
  tempDirs.push(dir);
  writeFileSync(
    path.join(dir, ".env"),
    [
      "# the original project's settings, as they were",
      "REDIS_URL='127.0.0.1'",
      `REDIS_PORT=${AUTH_PORT}`,
      "REDIS_USERNAME='default'",
      `REDIS_PASSWORD=${quoted(password)}`,
      "SQLLITE_URL='records.sqlite'",
      "",
    ].join("\n"),
  );
  return dir;
}

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd,
      env: cleanEnv(),
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe.skipIf(!configured)("the original project's .env against a password-protected Redis", () => {
  const password = AUTH_PASSWORD as string;

  it("runs both stories live through the CLI, with the in-process reports (the goldens), and leaves no key behind", async () => {
    const dir = projectDir(password);
    for (const story of ["local-stale", "global-coordinator"]) {
      const scenario = path.join(ROOT, "scenarios", `${story}.yaml`);
      const live = await cli(["run", scenario, "--live", "--out", `live-${story}`], dir);
      expect(live.stderr).toBe("");
      expect(live.code).toBe(0);
      expect(live.stdout).toContain(`backends: redis 127.0.0.1:${AUTH_PORT}; sqlite records.sqlite`);
      expect(live.stdout + live.stderr).not.toContain(password);
      for (const file of ["summary.csv", "timeseries.csv", "trace.csv"]) {
        expect(readFileSync(path.join(dir, `live-${story}`, file), "utf8")).toBe(
          readFileSync(path.join(ROOT, "test", "golden", story, file), "utf8"),
        );
      }
      if (story === "global-coordinator") {
        // Redis itself served reads: the global tier was really used, over the authenticated connection.
        const total = readFileSync(path.join(dir, `live-${story}`, "summary.csv"), "utf8")
          .trim()
          .split("\n")
          .at(-1) as string;
        expect(Number(total.split(",")[4])).toBeGreaterThan(0);
      }
    }
    const redis = new Redis({ host: "127.0.0.1", port: Number(AUTH_PORT), password, lazyConnect: true });
    try {
      await redis.connect();
      expect(await redis.keys("cachesim:*")).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 120_000);

  it("doctor explains what it understood from that file, with the password hidden", async () => {
    const dir = projectDir(password);
    const doctor = await cli(["doctor"], dir);
    expect(doctor.code).toBe(0);
    const out = doctor.stdout;
    expect(out).toContain("REDIS_PASSWORD (hidden)");
    expect(out).toContain("form: REDIS_URL holds a bare host");
    expect(out).toContain(`port: ${AUTH_PORT} (from REDIS_PORT)`);
    expect(out).toContain("user: default (from REDIS_USERNAME)");
    expect(out).toContain("password: set, hidden (from REDIS_PASSWORD)");
    expect(out).toContain("TLS: no");
    expect(out).toContain("mode: one standalone server");
    expect(out).toContain("connected and authenticated");
    expect(out).toContain(`target: the SQLite file ${path.join(dir, "records.sqlite")}`);
    expect(out).not.toContain(password);
  }, 60_000);

  it("a wrong password in that style fails the run with WRONGPASS, exit 1, nothing written, no secret shown", async () => {
    const wrong = "Wrong-pw-'31";
    const dir = projectDir(wrong);
    const result = await cli(
      ["run", path.join(ROOT, "scenarios", "local-stale.yaml"), "--live", "--out", "out"],
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`127.0.0.1:${AUTH_PORT}`);
    expect(result.stderr).toContain("WRONGPASS");
    expect(result.stdout + result.stderr).not.toContain(wrong);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, "out"))).toBe(false);
  }, 60_000);
});
