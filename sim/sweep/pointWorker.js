// Worker-thread entry for the sweep's pool (piscina): serves runPoint. Plain JavaScript because it is
// loaded before any TypeScript loader. Run from the sources, it registers tsx in this thread first, as
// the launcher does for the main one; compiled into dist/ (where the build defines CACHESIM_COMPILED),
// its sibling is already JavaScript.
if (typeof CACHESIM_COMPILED === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
}
const { runPoint } = await import("./runPoint.ts");
const { keepBetweenRuns } = await import("../core/betweenRuns.ts");

// This thread runs a sweep's points one after another for as long as it lives: each point takes what
// the last one built for its sizes instead of building it again (core/betweenRuns.ts).
keepBetweenRuns();

export default runPoint;
