// Guards the compiled command line's start with V8's code cache (sim/core/v8CodeCache.ts): a missing
// cache is written when asked, a written one is used, one V8 cannot use is rejected and written again,
// the bundle runs the same every way, a folder that cannot be written costs only the cache, each thread
// writes through a half-written file of its own, the real bundle (dist/cli.cjs, started by dist/main.js)
// writes, uses and reports its cache in `cachesim doctor`, a sweep's worker thread, from the same bundle,
// writes a cache of its own after its first point and then starts from it, with the same outcome, and so
// do `cachesim mrc --jobs` threads.
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import vm from "node:vm";
import { threadId } from "node:worker_threads";
import { Piscina } from "piscina";
import { afterAll, describe, expect, it, vi } from "vitest";
// @ts-expect-error -- plain JavaScript without type declarations (it runs before any TypeScript loader)
import { builtFrom, DIST_DIR } from "../sim/bin/sourceStamp.js";
import { codeCachePath, loadBundle, loadForThread } from "../sim/core/v8CodeCache.ts";

const run = promisify(execFile);
const temp = mkdtempSync(path.join(os.tmpdir(), "cachesim-code-cache-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A bundle in the form build.js gives dist/cli.cjs: one function expression taking CommonJS's arguments. */
const BUNDLE = `(function (exports, require, module, __filename, __dirname, importMetaUrl, importPackage) {
"use strict";
function square(n) { return n * n; }
exports.answer = () => square(6) + square(2) + 2;
exports.where = { importMetaUrl, filename: __filename, dirname: __dirname, path: require("node:path").sep };
exports.importPackage = importPackage;
})`;

function bundleIn(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "bundle.cjs");
  writeFileSync(file, BUNDLE);
  return file;
}

describe("loadBundle", () => {
  it("writes a cache when asked, then starts from it, with the same exports", async () => {
    const file = bundleIn(path.join(temp, "fresh"));
    const first = loadBundle(file);
    expect(first.state).toBe("absent");
    expect((first.exports.answer as () => number)()).toBe(42);
    expect(first.exports.where).toEqual({
      importMetaUrl: pathToFileURL(file).href,
      filename: file,
      dirname: path.dirname(file),
      path: path.sep,
    });
    // The bundle's packages are imported by the loader, an ES module.
    const imported = await (first.exports.importPackage as (s: string) => Promise<typeof path>)("node:path");
    expect(imported.sep).toBe(path.sep);
    expect(existsSync(codeCachePath(file))).toBe(false);
    expect(first.save()).toBe(true);
    expect(existsSync(codeCachePath(file))).toBe(true);
    // Written to a file of its own and renamed: nothing is left beside it.
    expect(readdirSync(path.dirname(file)).sort()).toEqual(["bundle.cjs", "bundle.cjs.cache"]);

    const second = loadBundle(file);
    expect(second.state).toBe("used");
    expect((second.exports.answer as () => number)()).toBe(42);
  });

  it("runs a bundle whose cache V8 rejects, and writes the cache again", () => {
    const file = bundleIn(path.join(temp, "rejected"));
    writeFileSync(codeCachePath(file), "not a code cache");
    const loaded = loadBundle(file);
    expect(loaded.state).toBe("rejected");
    expect((loaded.exports.answer as () => number)()).toBe(42);
    expect(loaded.save()).toBe(true);
    expect(loadBundle(file).state).toBe("used");
  });

  it("answers false, throws nothing, and serializes nothing, when the cache cannot be written", () => {
    const dir = path.join(temp, "gone");
    const file = bundleIn(dir);
    const loaded = loadBundle(file);
    rmSync(dir, { recursive: true, force: true });
    const serialize = vi.spyOn(vm.Script.prototype, "createCachedData");
    try {
      expect(loaded.save()).toBe(false);
      expect(serialize).not.toHaveBeenCalled();
    } finally {
      serialize.mockRestore();
    }
    expect(existsSync(dir)).toBe(false);
  });
});

describe("loadForThread", () => {
  it("writes the cache for its kind after the first task only, and not at all once one was used", () => {
    const file = bundleIn(path.join(temp, "thread"));
    const cacheFile = codeCachePath(file, "thread");
    expect(cacheFile).toBe(`${file}.thread.cache`);
    const first = loadForThread(file, "thread");
    expect((first.exports.answer as () => number)()).toBe(42);
    first.afterTask();
    expect(existsSync(cacheFile)).toBe(true);
    rmSync(cacheFile);
    first.afterTask();
    expect(existsSync(cacheFile)).toBe(false);

    loadForThread(file, "thread").afterTask();
    const written = readFileSync(cacheFile);
    writeFileSync(cacheFile, written);
    const used = loadForThread(file, "thread");
    rmSync(cacheFile);
    used.afterTask();
    // It found a cache it could use, so it writes none.
    expect(existsSync(cacheFile)).toBe(false);
    // The command line's cache is another file.
    expect(existsSync(codeCachePath(file))).toBe(false);
  });

  it("takes the bundle's URL, and writes through a file of its own thread's", () => {
    const file = bundleIn(path.join(temp, "thread-url"));
    const cacheFile = codeCachePath(file, "mrc");
    // Another thread of this process half-way through writing the same cache (a sweep's threads may
    // finish their first points together): this thread must neither write into its file nor remove it.
    const otherThreads = path.join(
      path.dirname(file),
      `bundle.cjs.mrc.cache.${process.pid}-${threadId + 1}.partial`,
    );
    mkdirSync(otherThreads);
    // And the name one file per process would give, which every thread of it would share.
    const perProcess = path.join(path.dirname(file), `bundle.cjs.mrc.cache.${process.pid}.partial`);
    mkdirSync(perProcess);
    const loaded = loadForThread(pathToFileURL(file), "mrc");
    expect((loaded.exports.answer as () => number)()).toBe(42);
    loaded.afterTask();
    expect(loadBundle(file, "mrc").state).toBe("used");
    expect(statSync(otherThreads).isDirectory()).toBe(true);
    expect(statSync(perProcess).isDirectory()).toBe(true);
    expect(
      readdirSync(path.dirname(file))
        .filter((name) => !name.endsWith(".partial"))
        .sort(),
    ).toEqual(["bundle.cjs", path.basename(cacheFile)]);
  });
});

/**
 * Runs `use` on a copy of dist/ without its caches, in a folder of its own under node_modules (where its
 * packages resolve from), so that no other test's run of dist/ decides what this one finds.
 */
async function withDistCopy(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(path.dirname(DIST_DIR), "node_modules", ".cachesim-dist-"));
  try {
    cpSync(DIST_DIR, dir, { recursive: true, filter: (from: string) => !from.endsWith(".cache") });
    await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fresh = builtFrom();
describe.skipIf(!fresh)("the compiled command line (dist/)", () => {
  it("writes its cache as the first command ends, and the next command starts from it", async () => {
    await withDistCopy(async (dir) => {
      const cachesim = (...args: string[]) =>
        run(process.execPath, ["--import", "./sim/bin/heapGrowth.js", path.join(dir, "main.js"), ...args], {
          timeout: 60_000,
          env: { ...process.env, SQLITE_URL: path.join(dir, "doctor.sqlite") },
        }).catch((error: { stdout: string; stderr: string }) => error);
      const startUp = (stdout: string) => stdout.split("\n").find((line) => line.startsWith("start-up:"));

      const first = await cachesim("doctor");
      expect(startUp(first.stdout)).toMatch(/no V8 code cache for dist\/cli\.cjs yet/);
      expect(existsSync(path.join(dir, "cli.cjs.cache"))).toBe(true);
      const second = await cachesim("doctor");
      expect(startUp(second.stdout)).toBe("start-up: V8's code cache for dist/cli.cjs was used");
      const listed = await cachesim("strategies");
      expect(listed.stdout).toContain("write-through");
      expect(listed.stderr).toBe("");

      writeFileSync(path.join(dir, "cli.cjs.cache"), "not a code cache");
      const rejected = await cachesim("doctor");
      expect(startUp(rejected.stdout)).toMatch(/V8 rejected the code cache/);
      const again = await cachesim("doctor");
      expect(startUp(again.stdout)).toBe("start-up: V8's code cache for dist/cli.cjs was used");
    });
  });
});
describe.skipIf(!fresh)("a sweep's compiled worker thread (dist/)", () => {
  it("writes its code cache after its first point, and a thread after it starts from it", async () => {
    await withDistCopy(async (dir) => {
      const cacheFile = path.join(dir, "cli.cjs.thread.cache");
      const task = {
        file: "scenarios/local-stale.yaml",
        text: readFileSync("scenarios/local-stale.yaml", "utf8"),
        seed: undefined,
        keepDir: null,
      };
      const onePoint = async () => {
        const pool = new Piscina({
          filename: pathToFileURL(path.join(dir, "sweep", "pointWorker.js")).href,
          minThreads: 1,
          maxThreads: 1,
        });
        try {
          expect(await pool.run({ ready: true })).toBe(true);
          return await pool.run({ task, stop: null });
        } finally {
          await pool.destroy();
        }
      };
      const first = await onePoint();
      expect(existsSync(cacheFile)).toBe(true);
      const written = statSync(cacheFile).mtimeMs;
      const second = await onePoint();
      expect(second).toEqual(first);
      // A thread that used the cache leaves it as it was.
      expect(statSync(cacheFile).mtimeMs).toBe(written);
    });
  });
});
describe.skipIf(!fresh)("a miss-ratio curve's compiled worker threads (dist/)", () => {
  it("write their code cache, and the curves are those of one thread", async () => {
    await withDistCopy(async (dir) => {
      const curves = async (jobs: string) => {
        const out = path.join(dir, `out-${jobs}`);
        const args = [path.join(dir, "main.js"), "mrc", "scenarios/local-stale.yaml", "--sizes", "1..3+1"];
        await run(
          process.execPath,
          [...args, "--policies", "lru,fifo", "--jobs", jobs, "--out", out, "--quiet"],
          {
            timeout: 60_000,
          },
        );
        return readFileSync(path.join(out, "mrc.csv"), "utf8");
      };
      const oneThread = await curves("1");
      expect(existsSync(path.join(dir, "cli.cjs.mrc.cache"))).toBe(false);
      expect(await curves("2")).toBe(oneThread);
      expect(existsSync(path.join(dir, "cli.cjs.mrc.cache"))).toBe(true);
      expect(await curves("2")).toBe(oneThread);
    });
  });
});
if (!fresh)
  console.warn("code-cache.test.ts: dist/ is not built from today's sources; its bundle is not checked");
