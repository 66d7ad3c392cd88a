// Guards the precompiled build: the launcher uses dist/ only while it was built from exactly the files
// under sim/ (an edited, added or removed source sends it back to the TypeScript), and a fresh build
// mirrors every source file, bundles the command line with its workers reachable, and prints what the
// sources print.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { BUILD_STATE_KEY } from "../sim/backends/live/doctor.ts";
import {
  BUILD_STATE,
  buildState,
  builtFrom,
  DIST_DIR,
  runsBuild,
  SOURCE_DIR,
  sourceFiles,
  sourceStamp,
  // @ts-expect-error -- plain JavaScript without type declarations (it runs before any TypeScript loader)
} from "../sim/bin/sourceStamp.js";

const run = promisify(execFile);
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A small source tree with a stamp made from it, as the build leaves one. */
function builtTree(): { src: string; stampFile: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "cachesim-build-"));
  temps.push(root);
  const src = path.join(root, "sim");
  mkdirSync(path.join(src, "core"), { recursive: true });
  writeFileSync(path.join(src, "cli.ts"), "export const a = 1;\n");
  writeFileSync(path.join(src, "core", "rng.ts"), "export const b = 2;\n");
  const stampFile = path.join(root, "stamp");
  writeFileSync(stampFile, `${sourceStamp(src)}\n`);
  return { src, stampFile };
}

describe("the launcher's choice between dist/ and the sources", () => {
  it("takes the build made from today's files", () => {
    const { src, stampFile } = builtTree();
    expect(builtFrom(src, stampFile)).toBe(true);
  });

  it("refuses a build once a source is edited (a new time or size)", () => {
    const { src, stampFile } = builtTree();
    const file = path.join(src, "core", "rng.ts");
    const later = new Date(Date.UTC(2030, 0, 1));
    utimesSync(file, later, later);
    expect(builtFrom(src, stampFile)).toBe(false);
  });

  it("refuses a build once a source is added or removed, or without a stamp", () => {
    const added = builtTree();
    writeFileSync(path.join(added.src, "core", "extra.ts"), "export {};\n");
    expect(builtFrom(added.src, added.stampFile)).toBe(false);
    const removed = builtTree();
    rmSync(path.join(removed.src, "cli.ts"));
    expect(builtFrom(removed.src, removed.stampFile)).toBe(false);
    const unstamped = builtTree();
    rmSync(unstamped.stampFile);
    expect(builtFrom(unstamped.src, unstamped.stampFile)).toBe(false);
  });
});

describe("what the launcher says it runs (for cachesim doctor)", () => {
  it("names each case, and runs dist/ only for a current build or an installed package", () => {
    const { src, stampFile } = builtTree();
    expect(buildState({}, src, stampFile)).toBe("current");
    expect(buildState({ CACHESIM_FROM_SOURCE: "1" }, src, stampFile)).toBe("forced");
    const later = new Date(Date.UTC(2030, 0, 1));
    utimesSync(path.join(src, "core", "rng.ts"), later, later);
    expect(buildState({}, src, stampFile)).toBe("stale");
    rmSync(stampFile);
    expect(buildState({}, src, stampFile)).toBe("missing");
    // An installed package ships dist/ and sim/bin but not the sources.
    rmSync(path.join(src, "cli.ts"));
    expect(buildState({ CACHESIM_FROM_SOURCE: "1" }, src, stampFile)).toBe("package");
    const runs = ["current", "package", "forced", "missing", "stale"].filter((state) => runsBuild(state));
    expect(runs).toEqual(["current", "package"]);
  });

  it("leaves its answer where doctor looks for it", () => {
    // The launcher is plain JavaScript and doctor is TypeScript: both name the key, and these must agree.
    expect(BUILD_STATE_KEY).toBe(BUILD_STATE);
  });

  it("is what `cachesim doctor` reports", async () => {
    // doctor exits 1 without Redis configured; the build line comes first either way. Run from a folder
    // of its own, with its SQLite check pointed there, so that nothing is left in the repository.
    const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-doctor-"));
    temps.push(dir);
    const env = { ...process.env, CACHESIM_FROM_SOURCE: "1", REDIS_URL: "", REDIS_CLUSTER_NODES: "" };
    const doctor = await run(process.execPath, [path.resolve("sim/bin/cachesim.js"), "doctor"], {
      cwd: dir,
      env: { ...env, SQLITE_URL: path.join(dir, "doctor.sqlite") },
    }).catch((error: { stdout: string }) => error);
    expect(doctor.stdout).toContain(
      "build: the TypeScript sources through tsx, as CACHESIM_FROM_SOURCE=1 asks",
    );
  });
});

// `npm ci` / `npm install` build dist/ (the `prepare` script); after an edit it is stale until rebuilt.
const fresh = builtFrom();
describe.skipIf(!fresh)("a build of today's sources (dist/)", () => {
  it("has a compiled file for every source outside sim/bin", () => {
    // cli.ts compiles to the command line's CommonJS bundle (sim/core/v8CodeCache.ts says why).
    const compiledName = (file: string) => (file === "cli.ts" ? "cli.cjs" : file.replace(/\.ts$/, ".js"));
    const missing = (sourceFiles() as string[])
      .filter((file) => !file.startsWith(`bin${path.sep}`))
      .map((file) => path.join(DIST_DIR, compiledName(file)))
      .filter((file) => !existsSync(file));
    expect(missing).toEqual([]);
    expect(SOURCE_DIR).toBe(path.resolve("sim"));
  });

  it("runs the same CLI as the sources", async () => {
    const args = ["sim/bin/cachesim.js", "strategies"];
    const compiled = await run(process.execPath, args);
    const source = await run(process.execPath, args, { env: { ...process.env, CACHESIM_FROM_SOURCE: "1" } });
    expect(compiled.stdout).toContain("write-through");
    expect(compiled.stdout).toBe(source.stdout);
  });

  it("prints the same help as the sources, and the version yargs would print", async () => {
    const fromSource = { env: { ...process.env, CACHESIM_FROM_SOURCE: "1" } };
    for (const argv of [["--help"], ["run", "--help"], ["sweep", "--help"], ["--version"]]) {
      const compiled = await run(process.execPath, ["sim/bin/cachesim.js", ...argv]);
      const source = await run(process.execPath, ["sim/bin/cachesim.js", ...argv], fromSource);
      expect(compiled.stdout).toBe(source.stdout);
    }
    // A lone --version is answered before yargs loads (sim/main.ts); after a command, yargs answers it.
    const early = await run(process.execPath, ["sim/bin/cachesim.js", "--version"]);
    const byYargs = await run(process.execPath, ["sim/bin/cachesim.js", "strategies", "--version"]);
    expect(early.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(early.stdout).toBe(byYargs.stdout);
  });

  it("bundles the command line and keeps the worker entry points it starts file for file", () => {
    // The bundle finds each worker from the top of dist/; the worker must be there, compiled.
    const bundled = readFileSync(path.join(DIST_DIR, "cli.cjs"), "utf8");
    const workers = [...bundled.matchAll(/new URL\("\.\/([^"]+\.js)",\s*cachesimImportMetaUrl\)/g)].map(
      (m) => m[1],
    );
    expect(workers).toEqual(expect.arrayContaining(["sweep/pointWorker.js", "commands/mrcWorker.js"]));
    for (const worker of workers) expect(existsSync(path.join(DIST_DIR, worker as string))).toBe(true);
  });

  it("answers ioredis-mock's imports of its Lua interpreter and COMMAND tables with loads on first use", () => {
    // What the stand-ins then do is guarded by bundle-trims.test.ts; here, that the bundle uses them.
    const bundled = readFileSync(path.join(DIST_DIR, "cli.cjs"), "utf8");
    // esbuild numbers the wrapper's arguments apart from the bundle's own `exports` and `module`.
    const wrapperAt = (name: string) =>
      bundled.search(new RegExp(`"at-first-use:${name}"\\(exports\\d*,module\\d*\\)\\{`));
    for (const name of ["fengari", "fengari-interop"]) {
      const at = wrapperAt(name);
      expect(at, name).toBeGreaterThan(-1);
      expect(bundled.slice(at, at + 400), name).toMatch(/lazyPackage\d*\(load\)/);
    }
    for (const table of ["command-docs", "command-info"])
      expect(wrapperAt(`ioredis-mock/data/${table}\\.json`), table).toBeGreaterThan(-1);
    expect(bundled.includes("luaY_parser")).toBe(false);
  });
});
if (!fresh)
  console.warn("build.test.ts: dist/ is not built from today's sources; run `npm run build` to check it");
