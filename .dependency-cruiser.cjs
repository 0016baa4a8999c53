/**
 * The one-way doors of the design (README, "Layout"): CLI -> stages -> libraries -> core; the
 * server and the loaders never reach the stages; the loaders never run browser code; nothing
 * in the pipeline or core imports the dashboard; no cycles. `npm run lint:deps` checks them.
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
      name: "server-and-loaders-never-import-stages",
      severity: "error",
      comment: "the serving bundle and the page build must not pull in training or evaluation",
      from: { path: "^dashboard/(server|loaders)/", pathNot: "^dashboard/server/startup/" },
      to: { path: "^pipeline/(stages|evaluation|zoo|replay)/" },
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
