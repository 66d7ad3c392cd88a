#!/usr/bin/env node
// Launcher. Runs the precompiled CLI in dist/ when it was built from exactly today's sources (`npm
// install` and `npm run build` make it); otherwise registers tsx and runs the TypeScript directly, so a
// fresh clone needs no build step and an edited source is never shadowed by a stale build.
// CACHESIM_FROM_SOURCE=1 forces the sources.
// First, before any other module loads: it sets how the heap grows.
import "./heapGrowth.js";
import { builtFrom } from "./sourceStamp.js";

if (process.env.CACHESIM_FROM_SOURCE !== "1" && builtFrom()) {
  await import("../../dist/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../main.ts");
}
