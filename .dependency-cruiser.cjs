/**
 * The one-way doors of the design (README, "Layout"): CLI -> stages -> libraries -> core; the
 * server reaches the pipeline only through the predictor; the loaders read artifacts through
 * core only and never run browser code; `npm start` runs the pipeline through its runner;
 * nothing in the pipeline or core imports the dashboard; no cycles. `npm run lint:deps`
 * checks them.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "modules that import each other cannot be read, tested or changed one at a time",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-is-a-leaf",
      severity: "error",
      comment: "core/ (contracts, config, artifact layout, store) depends on no other room",
      from: { path: "^core/" },
      to: { path: "^(pipeline|dashboard|scripts|tests)/" },
    },
    {
      name: "pipeline-never-imports-the-dashboard",
      severity: "error",
      from: { path: "^pipeline/" },
      to: { path: "^dashboard/" },
    },
    {
      name: "only-the-cli-and-runner-reach-the-stages",
      severity: "error",
      comment:
        "libraries (model, evaluation, indicators, sources, registry, forecast) sit below the stages",
      from: {
        path: "^pipeline/",
        pathNot: "^pipeline/(stages/|cli\\.ts$|run\\.ts$|replay/|zoo/|report/)",
      },
      to: { path: "^pipeline/stages/" },
    },
    {
      name: "model-below-evaluation",
      severity: "error",
      comment: "evaluation trains and scores models; the model (and the predictor) never needs it",
      from: { path: "^pipeline/model/" },
      to: { path: "^pipeline/evaluation/" },
    },
    {
      name: "the-server-reaches-the-pipeline-only-through-the-predictor",
      severity: "error",
      comment:
        "the serving bundle holds core, the predictor and the feature registry, never training or evaluation",
      from: { path: "^dashboard/server/" },
      to: {
        path: "^pipeline/",
        pathNot: "^pipeline/(model/predictor|indicators/registry)\\.ts$",
      },
    },
    {
      name: "loaders-read-artifacts-through-core",
      severity: "error",
      comment: "the page build reads artifacts by their contracts and layout in core/ only",
      from: { path: "^dashboard/loaders/" },
      to: { path: "^(pipeline|dashboard/server)/" },
    },
    {
      name: "npm-start-runs-the-pipeline-through-its-runner",
      severity: "error",
      comment: "npm start brings the artifacts up to date the way the CLI does, stage by stage",
      from: { path: "^dashboard/(start\\.ts$|start/)" },
      to: {
        path: "^pipeline/",
        pathNot: "^pipeline/(run|context|progress|universe)\\.ts$",
      },
    },
    {
      name: "loaders-never-run-browser-code",
      severity: "error",
      comment: "loaders may share the pages' data types, not their code",
      from: { path: "^dashboard/loaders/" },
      to: { path: "^dashboard/src/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "production-code-never-imports-tests",
      severity: "error",
      comment: "contributor tools in scripts/ may reuse the browser tests' harness (screenshots)",
      from: { pathNot: "^(tests|scripts)/" },
      to: { path: "^tests/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|build|dashboard/dist|dashboard/src/\\.observablehq)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
