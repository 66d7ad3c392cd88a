// Vega-Lite spec -> SVG text, in Node, with no browser and no canvas: Vega's headless view renders the
// scene graph straight to SVG markup. The same spec and data give the same bytes.
import type { TopLevelSpec } from "vega-lite";
import { importPackage } from "../../core/importPackage.ts";

// Imported when first needed, not at load: Vega-Lite is an ES module with a top-level await, which the
// compiled command line (CommonJS, core/v8CodeCache.ts) could not require.
let loaded: Promise<[typeof import("vega"), typeof import("vega-lite")]> | null = null;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  loaded ??= Promise.all([
    importPackage<typeof import("vega")>("vega"),
    importPackage<typeof import("vega-lite")>("vega-lite"),
  ]);
  const [vega, vegaLite] = await loaded;
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
