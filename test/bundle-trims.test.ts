// Guards what the command line's bundle leaves out of its text (sim/bin/bundleTrims.js): bundled with
// those plugins, ioredis-mock still runs Lua and answers COMMAND from the packages it loads on first
// use, zod still gives its English messages, and neither the interpreter, the COMMAND tables nor the
// other locales are in the bundle's text.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error -- plain JavaScript without type declarations (the build script imports it)
import { atFirstUse, englishOnly } from "../sim/bin/bundleTrims.js";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
// Inside node_modules, so the bundle finds its packages at run time from where it sits, as dist/ does.
const cache = path.join(ROOT, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const temp = mkdtempSync(path.join(cache, "cachesim-bundle-trims-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const ENTRY = `
import Redis from "ioredis-mock";
import { z } from "zod";
const redis = new Redis();
const lua = await redis.eval("return ARGV[1] .. '!'", 0, "hello");
const docs = await redis.command("docs", "get");
const info = await redis.command("info", "get");
const problem = z.object({ ttl: z.number() }).safeParse({ ttl: "x" });
console.log(JSON.stringify({
  lua,
  docs: Array.isArray(docs) && docs.length > 0,
  info: Array.isArray(info) && info.length > 0,
  locales: Object.keys(z.locales),
  message: problem.error.issues[0].message,
}));
redis.disconnect();
`;

describe("the bundle's trims", () => {
  it("leave Lua, COMMAND and English messages working while keeping their text out", async () => {
    const entry = path.join(temp, "entry.mjs");
    writeFileSync(entry, ENTRY);
    const outfile = path.join(temp, "bundle.mjs");
    await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      plugins: [atFirstUse, englishOnly],
      banner: {
        js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
      },
      logLevel: "error",
    });
    const text = readFileSync(outfile, "utf8");
    // A line of fengari's parser, a key of the COMMAND DOCS table, and a message from zod's German locale.
    for (const absent of ["luaY_parser", "Returns the string value of a key.", "Ungültige Eingabe"])
      expect(text.includes(absent), absent).toBe(false);
    const ran = await exec(process.execPath, [outfile], { cwd: temp });
    expect(JSON.parse(ran.stdout)).toEqual({
      lua: "hello!",
      docs: true,
      info: true,
      locales: ["en"],
      message: "Invalid input: expected number, received string",
    });
  });
});
