// Guards the installable package: `npm pack` makes a tarball that installs into an empty folder with
// no network (the lock file's packages come from npm's cache, which `npm ci` filled), after which
// `npx cachesim run` on a scenario shipped in the package and `import ... from "cachesim"` both work,
// with no TypeScript compiler, esbuild or tsx installed. Prints the tarball's and the install's size,
// and keeps the sizes docs/library.md quotes within a tenth of them.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
/** Packing builds dist/ with its declarations; installing copies a few dozen packages from the cache. */
const STEP_TIMEOUT_MS = 300_000;

function hasNpm(): boolean {
  try {
    execFileSync("npm", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const npm = hasNpm();
if (!npm) console.warn("package.test.ts: npm is not on the PATH; the package cannot be packed here");

const temp = mkdtempSync(path.join(os.tmpdir(), "cachesim-package-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Bytes under dir, every file counted once. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** How far docs/library.md's package sizes may be from the measured ones (a fraction). */
const DOCUMENTED_DRIFT = 0.1;

/** The sizes docs/library.md's table quotes, in bytes (files: a count). */
function documentedSizes(): Record<"tarball" | "files" | "unpacked" | "installed", number> {
  const page = readFileSync(path.join(ROOT, "docs", "library.md"), "utf8");
  const unit: Record<string, number> = { kB: 1e3, MB: 1e6 };
  const row = (label: string, pattern: RegExp): RegExpExecArray => {
    const match = pattern.exec(page);
    if (match === null) throw new Error(`docs/library.md: no "${label}" row in the size table`);
    return match;
  };
  const tarball = row("the tarball", /^\| the tarball \| ([\d.]+) (kB|MB) \((\d+) files\) \|$/m);
  const unpacked = row("unpacked", /^\| unpacked \| ([\d.]+) (kB|MB) \|$/m);
  const installed = row("installed", /^\| installed, [^|]+\| ([\d.]+) (kB|MB) of `node_modules` \|$/m);
  const bytes = (m: RegExpExecArray) => Number(m[1]) * (unit[m[2] as string] as number);
  return {
    tarball: bytes(tarball),
    files: Number(tarball[3]),
    unpacked: bytes(unpacked),
    installed: bytes(installed),
  };
}

/**
 * An empty project that depends on the tarball, with a lock file naming the exact packages the
 * repository's lock file gives cachesim (its non-development entries): `npm ci --offline` then takes
 * every one from the cache, as a machine with network would take them from the registry.
 */
function projectFor(tarball: string): string {
  const project = path.join(temp, "project");
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const spec = `file:${tarball}`;
  const root = lock.packages[""];
  // npm applies `overrides` only in the project that installs (ours gives yargs the string-width that
  // builds no emoji table at start, docs/benchmark.md); this project declares the same, so that the
  // packages our lock file names are the ones it resolves. A project without it gets yargs' own choice.
  const overrides = pkg.overrides === undefined ? {} : { overrides: pkg.overrides };
  const packages: Record<string, unknown> = {
    "": { name: "uses-cachesim", dependencies: { cachesim: spec }, ...overrides },
    "node_modules/cachesim": {
      version: pkg.version,
      resolved: spec,
      license: pkg.license,
      dependencies: root.dependencies,
      optionalDependencies: root.optionalDependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean }>)) {
    if (key !== "" && entry.dev !== true) packages[key] = entry;
  }
  execFileSync("mkdir", ["-p", project]);
  const manifest = {
    name: "uses-cachesim",
    private: true,
    type: "module",
    dependencies: { cachesim: spec },
    ...overrides,
  };
  writeFileSync(path.join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    path.join(project, "package-lock.json"),
    `${JSON.stringify({ name: "uses-cachesim", lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
  return project;
}

describe.skipIf(!npm)("the packed tarball", () => {
  it(
    "installs offline into an empty folder and runs without a compiler",
    async () => {
      const packed = await exec("npm", ["pack", "--pack-destination", temp, "--json"], {
        cwd: ROOT,
        timeout: STEP_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      });
      const [info] = JSON.parse(packed.stdout) as Array<{
        filename: string;
        size: number;
        files: Array<{ path: string }>;
      }>;
      // The build leaves a code cache in dist/ (sim/core/v8CodeCache.ts); it belongs to this machine.
      expect(info?.files.filter((file) => /\.(cache|partial)$/.test(file.path))).toEqual([]);
      const tarball = path.join(temp, info?.filename as string);
      expect(existsSync(tarball)).toBe(true);
      const project = projectFor(tarball);
      // Optional packages are native modules for live mode (better-sqlite3 compiles SQLite when it has
      // no network for its prebuilt binary); the package runs without them, and no install script is needed.
      await exec(
        "npm",
        ["ci", "--offline", "--omit=optional", "--no-audit", "--no-fund", "--ignore-scripts"],
        {
          cwd: project,
          timeout: STEP_TIMEOUT_MS,
        },
      );
      const modules = path.join(project, "node_modules");
      // Sizes as installed, before the first command writes its code cache into the package's dist/.
      const installed = bytesUnder(modules);
      const own = bytesUnder(path.join(modules, "cachesim"));
      for (const tool of ["typescript", "esbuild", "tsx"])
        expect(existsSync(path.join(modules, tool))).toBe(false);
      expect(existsSync(path.join(modules, "cachesim", "sim", "cli.ts"))).toBe(false);
      expect(existsSync(path.join(modules, "cachesim", "dist", "index.d.ts"))).toBe(true);

      const ran = await exec(
        "npx",
        ["--offline", "cachesim", "run", "node_modules/cachesim/scenarios/local-stale.yaml", "--out", "out"],
        { cwd: project, timeout: STEP_TIMEOUT_MS },
      );
      expect(ran.stdout).toContain("all 8 expectations met");
      const summary = readFileSync(path.join(project, "out", "summary.csv"), "utf8");
      expect(summary).toBe(
        readFileSync(path.join(ROOT, "test", "golden", "local-stale", "summary.csv"), "utf8"),
      );

      const script = [
        'import { loadScenario, runScenario } from "cachesim";',
        'const scenario = await loadScenario("node_modules/cachesim/scenarios/local-stale.yaml");',
        "const result = await runScenario(scenario);",
        "console.log(JSON.stringify(result.summary.all.stale_reads), result.expectations.passed);",
      ].join("\n");
      const imported = await exec(process.execPath, ["--input-type=module", "-e", script], {
        cwd: project,
        timeout: STEP_TIMEOUT_MS,
      });
      expect(imported.stdout.trim()).toBe("3 true");
      // The command line wrote V8's code cache beside its bundle (sim/core/v8CodeCache.ts).
      expect(existsSync(path.join(modules, "cachesim", "dist", "cli.cjs.cache"))).toBe(true);
      // docs/library.md quotes these sizes; they drift with every file added, so the page must stay
      // within a tenth of what is measured here, and says so when it does not.
      const documented = documentedSizes();
      for (const [what, measured] of [
        ["tarball", info?.size as number],
        ["files", info?.files.length as number],
        ["unpacked", own],
        ["installed", installed],
      ] as const) {
        expect(
          Math.abs(documented[what] - measured) / measured,
          `docs/library.md's ${what} (${documented[what]}) against ${measured} measured`,
        ).toBeLessThan(DOCUMENTED_DRIFT);
      }
      console.log(
        `package.test.ts: tarball ${info?.size} bytes (${info?.files.length} files); ` +
          `installed node_modules ${installed} bytes, of which cachesim ${own}`,
      );
    },
    4 * STEP_TIMEOUT_MS,
  );
});
