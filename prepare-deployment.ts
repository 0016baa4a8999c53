/**
 * `npm run deploy:prepare -- --target docker|static [--out DIR] [--push] [--max-mb N]`
 * Assembles a Hugging Face Space folder (scripts/deploy/assemble.ts), validates it (front matter,
 * required files, size, no .env, no token or key, the bundle's contracts) and prints every file
 * it would upload. Nothing leaves the machine unless --push is given: then the folder is
 * committed to the Space named by HF_SPACE (owner/name) with the token in HF_TOKEN.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "./core/config.js";
import { assembleSpace } from "./scripts/deploy/assemble.js";
import type { Target } from "./scripts/deploy/front-matter.js";
import { PushError, pushSpace } from "./scripts/deploy/push.js";
import { DEFAULT_MAX_BYTES, validateSpace } from "./scripts/deploy/validate.js";

function fail(message: string, code = 1): never {
  console.error(`deploy:prepare: ${message}`);
  process.exit(code);
}

const { values } = parseArgs({
  options: {
    target: { type: "string" },
    out: { type: "string" },
    push: { type: "boolean", default: false },
    "max-mb": { type: "string" },
  },
});
const target = values.target as Target | undefined;
if (target !== "docker" && target !== "static") {
  fail("--target must be docker or static (usage: --target docker|static [--out DIR] [--push])", 2);
}
if (values.push && (!process.env.HF_TOKEN || !process.env.HF_SPACE)) {
  fail(
    `--push needs HF_TOKEN (a write token) and HF_SPACE (owner/name) in the environment; missing: ${[
      !process.env.HF_TOKEN && "HF_TOKEN",
      !process.env.HF_SPACE && "HF_SPACE",
    ]
      .filter(Boolean)
      .join(", ")}`,
    2,
  );
}
const config = loadConfig();
const out = resolve(values.out ?? `space-${target}`);
const maxBytes = values["max-mb"] ? Number(values["max-mb"]) * 1024 * 1024 : DEFAULT_MAX_BYTES;
try {
  await assembleSpace({
    target,
    repoDir: process.cwd(),
    artifactsDir: resolve(config.ARTIFACTS_DIR),
    dashboardDir: resolve(config.DASHBOARD_DIR),
    out,
  });
} catch (error) {
  fail((error as Error).message);
}
const check = await validateSpace(out, target, maxBytes);
for (const f of check.files) console.log(`${String(f.bytes).padStart(10)}  ${f.path}`);
console.log(
  `${check.files.length} file(s), ${(check.totalBytes / 1024 / 1024).toFixed(1)} MB in ${out}`,
);
if (check.problems.length > 0) {
  for (const p of check.problems) console.error(`  - ${p}`);
  fail(
    `the ${target} Space folder is not valid (${check.problems.length} problem(s)); nothing was uploaded`,
  );
}
if (!values.push) {
  console.log(`dry run: the ${target} Space folder is valid; add --push to upload it`);
} else {
  try {
    const result = await pushSpace({
      dir: out,
      space: process.env.HF_SPACE!,
      token: process.env.HF_TOKEN!,
      ...(process.env.HF_HUB_URL ? { hubUrl: process.env.HF_HUB_URL } : {}),
      title: `Deploy ${target} (${new Date().toISOString()})`,
    });
    console.log(
      result.commit === null
        ? `Space ${process.env.HF_SPACE}: already up to date, nothing uploaded`
        : `Space ${process.env.HF_SPACE}: commit ${result.commit}, ${result.uploaded.length} file(s) uploaded, ${result.deleted.length} deleted`,
    );
  } catch (error) {
    fail(error instanceof PushError ? error.message : `push failed: ${(error as Error).message}`);
  }
}
