// Vega-Lite spec -> SVG text, in Node, with no browser and no canvas: Vega's headless view renders the
// scene graph straight to SVG markup. The same spec and data give the same bytes.
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
