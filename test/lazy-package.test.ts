// Guards the stand-in the command line's bundle gives ioredis-mock for its Lua interpreter: nothing of
// the real package loads until a part is used, a part taken apart early still reads and calls through
// to the real one, and Lua scripts run through it as they do through fengari itself.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain JavaScript without type declarations (the build script imports it)
import { lazyPackage } from "../sim/bin/lazyPackage.js";

const require = createRequire(import.meta.url);

describe("lazyPackage", () => {
  it("loads nothing while its parts are only taken apart, then forwards reads and calls", () => {
    let loads = 0;
    const real = { math: { twice: (n: number) => 2 * n, base: 10 }, greet: (who: string) => `hi ${who}` };
    const stand = lazyPackage(() => {
      loads += 1;
      return real;
    });
    const { math, greet } = stand;
    expect(stand.__esModule).toBeUndefined();
    expect(loads).toBe(0);
    expect(math.twice(21)).toBe(42);
    expect(math.base).toBe(10);
    expect(greet("there")).toBe("hi there");
    expect(loads).toBe(1);
    // Once loaded, a part taken afterwards is the real one.
    expect(stand.math).toBe(real.math);
  });

  it("runs Lua through fengari taken apart the way ioredis-mock takes it", () => {
    const { lua, lauxlib, lualib, to_luastring } = lazyPackage(() => require("fengari"));
    const L = lauxlib.luaL_newstate();
    lualib.luaL_openlibs(L);
    expect(lauxlib.luaL_dostring(L, to_luastring("return 6 * 7"))).toBe(0);
    expect(lua.lua_tonumber(L, -1)).toBe(42);
    lua.lua_close(L);
  });
});
