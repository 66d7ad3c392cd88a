// The latency models in words, for `cachesim run --help` and the README (whose table a test checks
// against the registry): each model's name, what it does, and its options.
import { markdownCell as cell, optionDocs } from "../../plugin/describe.ts";
import { latencyModels } from "./registry.ts";

/** The README's table of latency models. */
export function latencyModelsMarkdown(): string {
  const out = ["| `dist` | what it does | options (default) |", "|---|---|---|"];
  for (const model of latencyModels.all()) {
    const options = optionDocs(model.options)
      .map((o) => `\`${o.name}\` (${o.default}): ${cell(o.description)}`)
      .join("<br>");
    out.push(`| \`${model.name}\` | ${cell(model.summary)} | ${options === "" ? "none" : options} |`);
  }
  return out.join("\n");
}

/** The same for a terminal. */
export function latencyModelsText(): string {
  const lines = [
    "Latency models (network.cache, network.database, database.service): a duration such as 500us, or",
    `{ ${latencyModels.selector}: <model>, ...options }:`,
  ];
  for (const model of latencyModels.all()) {
    lines.push(`  ${model.name.padEnd(12)} ${model.summary}`);
    for (const o of optionDocs(model.options)) {
      lines.push(`  ${"".padEnd(12)}   ${o.name}: ${o.description} (${o.default})`);
    }
  }
  return lines.join("\n");
}
