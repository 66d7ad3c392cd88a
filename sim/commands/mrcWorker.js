// Worker-thread entry for `cachesim mrc --jobs` (piscina): serves runMrcPoint. Plain JavaScript because
// it is loaded before any TypeScript loader. Run from the sources, it registers tsx in this thread first,
// as the launcher does for the main one; compiled into dist/ (where the build defines CACHESIM_COMPILED),
// it takes runMrcPoint from the command line's bundle, dist/cli.cjs, loaded with a code cache of its own
// (core/v8CodeCache.ts), rather than some 150 compiled files one by one, and writes that cache once its
// first point is done when it found none to use.
let runMrcPoint;
/** The bundle, while its code cache is still to be written; null once written or when it was used. */
let unsaved = null;
if (typeof CACHESIM_COMPILED === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
  ({ runMrcPoint } = await import("./mrcPoint.ts"));
} else {
  const { loadBundle } = await import("../core/v8CodeCache.ts");
  const { fileURLToPath } = await import("node:url");
  // The bundle's packages are imported from here, an ES module of the same install.
  const bundle = loadBundle(
    fileURLToPath(new URL("../cli.cjs", import.meta.url)),
    (specifier) => import(specifier),
    "mrc",
  );
  ({ runMrcPoint } = bundle.exports.mrcThread);
  if (bundle.state !== "used") unsaved = bundle;
}

export default async function point(task) {
  try {
    return await runMrcPoint(task);
  } finally {
    if (unsaved !== null) {
      unsaved.save();
      unsaved = null;
    }
  }
}
