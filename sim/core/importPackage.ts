// import() of a package by name, from code that may run inside the compiled command line. That bundle is
// a CommonJS script compiled with V8's code cache (core/v8CodeCache.ts), and in Node 20 an import() in
// such a script has no module loader to go to once its code comes from the cache; the build makes the
// bundle's CACHESIM_BUNDLE_IMPORT the importer v8CodeCache.ts (an ES module) hands it. Elsewhere (the
// sources under tsx, the library's modules) this is a plain import().

/** Defined by the build inside the command line's bundle only (sim/bin/build.js). */
declare const CACHESIM_BUNDLE_IMPORT: ((specifier: string) => Promise<unknown>) | undefined;

export function importPackage<T>(specifier: string): Promise<T> {
  const imported =
    typeof CACHESIM_BUNDLE_IMPORT === "undefined"
      ? import(/* @vite-ignore */ specifier)
      : CACHESIM_BUNDLE_IMPORT(specifier);
  return imported as Promise<T>;
}
