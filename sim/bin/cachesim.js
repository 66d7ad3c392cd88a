#!/usr/bin/env node
// Launcher. Runs the precompiled CLI in dist/ when it was built from exactly today's sources (`npm
// install` and `npm run build` make it); otherwise registers tsx and runs the TypeScript directly, so a
// fresh clone needs no build step and an edited source is never shadowed by a stale build.
// CACHESIM_FROM_SOURCE=1 forces the sources. The installed package (`npm pack`) ships dist/ and this
// folder but no sources: there dist/ is what runs, and tsx (a development tool) is never needed.
// First, before any other module loads: it sets how the heap grows.
import "./heapGrowth.js";
import { BUILD_STATE, buildState, runsBuild } from "./sourceStamp.js";

// Kept for `cachesim doctor`, which says which of the two runs and why.
const state = buildState();
globalThis[BUILD_STATE] = state;

if (runsBuild(state)) {
  await import("../../dist/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../main.ts");
}
