// Worker-thread entry for `cachesim mrc --jobs` (piscina): serves runMrcPoint. Plain JavaScript because
// it is loaded before any TypeScript loader. Run from the sources, it registers tsx in this thread first,
// as the launcher does for the main one; compiled into dist/ (where the build defines CACHESIM_COMPILED),
// it takes runMrcPoint from the command line's bundle, dist/cli.cjs, loaded with a code cache of its own
// (core/v8CodeCache.ts), rather than some 150 compiled files one by one, and writes that cache once its
// first point is done when it found none to use.
let runMrcPoint;
/** Called after each point: writes the thread's code cache after its first (core/v8CodeCache.ts). */
let afterPoint = () => {};
if (typeof CACHESIM_COMPILED === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
  ({ runMrcPoint } = await import("./mrcPoint.ts"));
} else {
  const { loadForThread } = await import("../core/v8CodeCache.ts");
  const loaded = loadForThread(new URL("../cli.cjs", import.meta.url), "mrc");
  ({ runMrcPoint } = loaded.exports.mrcThread);
  afterPoint = loaded.afterTask;
}

export default async function point(task) {
  try {
    return await runMrcPoint(task);
  } finally {
    afterPoint();
  }
}
