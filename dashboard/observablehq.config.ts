/**
 * Observable Framework configuration of the dashboard: pages in src/, built to dist/.
 * Built offline: nothing is imported from a CDN (pages import Plot, Inputs and htl from
 * node_modules), no global stylesheet (the default is a web font) and no footer link.
 * Build with `npm run dashboard:build` (dashboard/build.ts), which clears the loader cache first.
 */
import { loaderContext } from "./loaders/artifacts.js";
import { loadFeatureRegistry } from "./loaders/symbols.js";

export default {
  title: "SENSEX next-day forecast",
  root: "src",
  output: process.env.DASHBOARD_OUTPUT_DIR ?? "dist",
  pages: [
    { name: "Overview", path: "/index" },
    { name: "Constituents", path: "/constituents" },
    { name: "Indicators", path: "/indicators" },
    { name: "What if", path: "/what-if" },
    { name: "Model", path: "/model" },
    { name: "Track record", path: "/track-record" },
    { name: "Pipeline", path: "/pipeline" },
  ],
  // one stylesheet: Framework's defaults, the air (light) and near-midnight (dark) themes
  style: "style.css",
  globalStylesheets: [],
  head: '<link rel="icon" href="data:,">',
  header: "",
  footer: "",
  search: false,
  pager: false,
  toc: false,
  // links end in .html, so any static host (a static Space) serves them
  preserveExtension: true,
  /** the per-symbol series, fetched by the pages when a symbol is picked */
  async *dynamicPaths() {
    const registry = await loadFeatureRegistry(loaderContext());
    for (const s of registry.symbols) yield `/data/symbols/${s.slug}.json`;
  },
};
