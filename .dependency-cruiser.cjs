/**
 * The one-way doors of the design (README, "Layout"): CLI -> stages -> libraries -> core; the
 * server reaches the pipeline only through the predictor; the loaders read artifacts through
 * core only and never run browser code; `npm start` runs the pipeline through its runner;
 * nothing in the pipeline or core imports the dashboard; no cycles. `npm run lint:deps`
 * checks them.
 */
/** A forbidden import: every rule here is an error. */
const forbid = (name, comment, from, to) => ({ name, severity: "error", comment, from, to });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      "no-cycles",
      "modules that import each other cannot be read, tested or changed one at a time",
      {},
      { circular: true },
    ),
    forbid(
      "core-is-a-leaf",
      "core/ (contracts, config, artifact layout, store) depends on no other room",
      { path: "^core/" },
      { path: "^(pipeline|dashboard|scripts|tests)/" },
    ),
    forbid(
      "pipeline-never-imports-the-dashboard",
      "the pipeline runs, and is tested, without the dashboard",
      { path: "^pipeline/" },
      { path: "^dashboard/" },
    ),
    forbid(
      "only-the-cli-and-runner-reach-the-stages",
      "libraries (model, evaluation, indicators, sources, registry, forecast) sit below the stages",
      {
        path: "^pipeline/",
        pathNot: "^pipeline/(stages/|cli\\.ts$|run\\.ts$|replay/|zoo/|report/)",
      },
      { path: "^pipeline/stages/" },
    ),
    forbid(
      "model-below-evaluation",
      "evaluation trains and scores models; the model (and the predictor) never needs it",
      { path: "^pipeline/model/" },
      { path: "^pipeline/evaluation/" },
    ),
    forbid(
      "the-server-reaches-the-pipeline-only-through-the-predictor",
      "the serving bundle holds core, the predictor and the feature registry, never training or evaluation",
      { path: "^dashboard/server/" },
      { path: "^pipeline/", pathNot: "^pipeline/(model/predictor|indicators/registry)\\.ts$" },
    ),
    forbid(
      "loaders-read-artifacts-through-core",
      "the page build reads artifacts by their contracts and layout in core/ only",
      { path: "^dashboard/loaders/" },
      { path: "^(pipeline|dashboard/server)/" },
    ),
    forbid(
      "npm-start-runs-the-pipeline-through-its-runner",
      "npm start brings the artifacts up to date the way the CLI does, stage by stage",
      { path: "^dashboard/(start\\.ts$|start/)" },
      { path: "^pipeline/", pathNot: "^pipeline/(run|context|progress|universe)\\.ts$" },
    ),
    forbid(
      "loaders-never-run-browser-code",
      "loaders may share the pages' data types, not their code",
      { path: "^dashboard/loaders/" },
      { path: "^dashboard/src/", dependencyTypesNot: ["type-only"] },
    ),
    forbid(
      "production-code-never-imports-tests",
      "contributor tools in scripts/ may reuse the browser tests' harness (screenshots)",
      { pathNot: "^(tests|scripts)/" },
      { path: "^tests/" },
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|build|dashboard/dist|dashboard/src/\\.observablehq)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
