/**
 * Assembles a Hugging Face Space folder.
 * - static: the built dashboard alone, with a README whose front matter says `sdk: static`.
 * - docker: the build context of Dockerfile.serving (as `Dockerfile`): the server and pipeline
 *   sources, the lockfile, the dashboard sources, and the published artifacts the image bakes
 *   in (the serving bundle, plus the prices and features the dashboard is built from). The
 *   Space builds the image, which builds the dashboard and serves it with the API on 7860.
 */
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { paths } from "../../core/artifact-layout.js";
import { renderReadme, type Target } from "./front-matter.js";
import { servingBundleFiles } from "./serving-bundle.js";
import { isEnvFile } from "./tree.js";

interface AssembleOptions {
  target: Target;
  repoDir: string;
  artifactsDir: string;
  dashboardDir: string;
  out: string;
}

const STATIC_BODY = `# SENSEX next-day forecast

The dashboard of sensex-mlops: next-trading-day forecasts for the SENSEX and
its 30 constituents, how far to trust them, and how they have done. Rebuilt and republished by
every scheduled pipeline run.`;

const DOCKER_BODY = `# SENSEX next-day forecast (server)

The dashboard and the JSON API (\`/api/forecast\`, \`/api/predict\`, \`/api/model\`, \`/healthz\`,
\`/readyz\`) of sensex-mlops, built from \`Dockerfile\` with the champion model baked in.`;

/** Repository paths copied into the docker Space (the build context of Dockerfile.serving). */
const DOCKER_SOURCES = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "core",
  "pipeline",
  "dashboard/build.ts",
  "dashboard/observablehq.config.ts",
  "dashboard/loaders",
  "dashboard/server",
  "dashboard/src",
  "scripts/deploy/copy-bundle.ts",
  "scripts/deploy/serving-bundle.ts",
] as const;

/** Artifacts the dashboard build reads besides the serving bundle. */
async function dashboardInputs(artifactsDir: string): Promise<string[]> {
  const out = [
    "raw/manifest.json",
    "prices/quality.json",
    "features/features.json",
    "features/features.arrow",
  ];
  const prices = paths.pricesDir(artifactsDir);
  if (existsSync(prices)) {
    for (const f of await readdir(prices)) if (f.endsWith(".csv")) out.push(`prices/${f}`);
  }
  const runs = paths.runsDir(artifactsDir);
  if (existsSync(runs))
    for (const f of await readdir(runs)) if (f.endsWith(".json")) out.push(`runs/${f}`);
  return out;
}

async function copyInto(from: string, to: string) {
  await mkdir(dirname(to), { recursive: true });
  await cp(from, to, {
    recursive: true,
    filter: (src) => {
      const name = basename(src);
      return name !== ".observablehq" && name !== "node_modules" && !isEnvFile(name);
    },
  });
}

export async function assembleSpace(opts: AssembleOptions): Promise<void> {
  await rm(opts.out, { recursive: true, force: true });
  await mkdir(opts.out, { recursive: true });
  if (opts.target === "static") {
    if (!existsSync(join(opts.dashboardDir, "index.html"))) {
      throw new Error(
        `${opts.dashboardDir}/index.html is missing: build the dashboard first (npm run dashboard:build)`,
      );
    }
    await cp(opts.dashboardDir, opts.out, { recursive: true });
    await writeFile(join(opts.out, "README.md"), renderReadme("static", STATIC_BODY));
    return;
  }
  await writeFile(join(opts.out, "README.md"), renderReadme("docker", DOCKER_BODY));
  await copyInto(join(opts.repoDir, "Dockerfile.serving"), join(opts.out, "Dockerfile"));
  await copyInto(join(opts.repoDir, ".dockerignore"), join(opts.out, ".dockerignore"));
  for (const rel of DOCKER_SOURCES) await copyInto(join(opts.repoDir, rel), join(opts.out, rel));
  const artifacts = new Set([
    ...(await servingBundleFiles(opts.artifactsDir)),
    ...(await dashboardInputs(opts.artifactsDir)),
  ]);
  const champion = [...artifacts].find((f) => f.startsWith("registry/models/"))?.split("/")[2];
  if (champion) {
    const evalDir = paths.evaluationDir(opts.artifactsDir, Number(champion));
    if (existsSync(evalDir))
      for (const f of await readdir(evalDir)) artifacts.add(`evaluation/${champion}/${f}`);
  }
  for (const rel of [...artifacts].sort()) {
    const from = join(opts.artifactsDir, rel);
    if (!existsSync(from))
      throw new Error(`${from} is missing: run the pipeline first (npm start)`);
    await copyInto(from, join(opts.out, "artifacts", rel));
  }
}
