// The layer rules for sim/, declared once. `npm test` runs `depcruise sim --config .dependency-cruiser.cjs`
// and test/layers.test.ts proves on a fixture that these rules catch an upward import and a circle.
//
// LAYERS lists the layers bottom → top. A file may import from its own layer or any layer below it, never
// from a layer above. Folders in the same layer may import each other as long as no circle forms (the
// no-circular rule). Every folder under sim/ must appear here: a new folder is a layer decision.
const LAYERS = [
  { name: "core", folders: ["core"], holds: "the kernel: scheduler, events, RNG, distributions, exact histograms" },
  { name: "spec", folders: ["spec"], holds: "plain-data scenario types, durations, limits, errors, defaults" },
  { name: "plugin", folders: ["plugin"], holds: "the registry and the option builders every plugin uses" },
  { name: "model", folders: ["model"], holds: "tiers, links, database, oracle, eviction; the ports backends implement" },
  { name: "parts", folders: ["backends", "strategies", "faults"], holds: "adapters, strategy parts, fault kinds" },
  { name: "workloads", folders: ["workloads"], holds: "request generators and trace readers" },
  { name: "metrics", folders: ["metrics"], holds: "the recorder, counters and the column declarations" },
  { name: "report", folders: ["report"], holds: "CSV/HTML writers, tables, compare" },
  {
    name: "sections",
    folders: ["sections"],
    holds: "the scenario's sections: each one's schema, defaults, checks and what it adds to a run",
  },
  { name: "scenario", folders: ["scenario"], holds: "the loader that composes the registries and sections into a scenario" },
  { name: "run", folders: ["run"], holds: "running one scenario end to end" },
  { name: "drivers", folders: ["sweep", "progress"], holds: "sweeps over many runs, progress display" },
  {
    name: "entry",
    folders: ["commands", "api", "tools", "bin", "cli.ts", "main.ts", "index.ts"],
    holds: "commands, the library (api/, listed in index.ts), benchmarks and tools, the CLI and its entry point",
  },
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const pathOf = (folders) => `^sim/(${folders.map(escape).join("|")})(/|$)`;

const upward = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.name} (${layer.holds}) must not import a higher layer`,
  severity: "error",
  from: { path: pathOf(layer.folders) },
  to: { path: pathOf(LAYERS.slice(index + 1).flatMap((higher) => higher.folders)) },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "no import circles, type-only imports included",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-in-a-layer",
      comment: "every folder under sim/ belongs to a layer declared in .dependency-cruiser.cjs",
      severity: "error",
      from: { path: "^sim/", pathNot: pathOf(LAYERS.flatMap((layer) => layer.folders)) },
      to: {},
    },
    {
      name: "not-to-unresolvable",
      comment: "an import that resolves to nothing is a typo or a moved file",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    skipAnalysisNotInRules: true,
    // Packages are resolved through their `exports` maps, as Node does (csv-parse/sync, tsx/esm/api).
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types"],
    },
  },
};

// The layer list for docs/architecture.md's table (`npm run docs:tables`), not enumerable so that
// dependency-cruiser's own check of this file's shape does not see it.
Object.defineProperty(module.exports, "layers", { value: LAYERS, enumerable: false });
