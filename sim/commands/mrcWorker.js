// Worker-thread entry for `cachesim mrc --jobs` (piscina): serves runMrcPoint. Plain JavaScript because
// it is loaded before any TypeScript loader. Run from the sources, it registers tsx in this thread first,
// as the launcher does for the main one; compiled into dist/ (where the build defines CACHESIM_COMPILED),
// its sibling is already JavaScript.
if (typeof CACHESIM_COMPILED === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
}
const { runMrcPoint } = await import("./mrcPoint.ts");

export default runMrcPoint;
