/**
 * Checks a Space folder before anything leaves the machine: the README front matter, the
 * files the target needs, the total size, no environment file, no token or key in any file,
 * and (docker) the serving bundle against its contracts. Returns every problem found.
 */
import { readFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createEngine } from "@secretlint/node";
import { frontMatterProblems, type Target } from "./front-matter.js";
import { servingBundleFiles } from "./serving-bundle.js";
import { isEnvFile, listTree, type TreeFile } from "./tree.js";

/** The repository's own secretlint rules, the same ones `npm run scan:secrets` applies. */
const SECRETLINT_CONFIG = fileURLToPath(new URL("../../.secretlintrc.json", import.meta.url));

interface SecretlintResult {
  filePath: string;
  messages: { ruleId: string; messageId?: string; loc: { start: { line: number } } }[];
}

/** Path, line and rule of every secret secretlint finds; the matched value is never kept. */
async function secretProblems(dir: string, files: readonly TreeFile[]): Promise<string[]> {
  const filePathList = files.map((f) => join(dir, f.path));
  if (filePathList.length === 0) return [];
  const engine = await createEngine({
    configFilePath: SECRETLINT_CONFIG,
    formatter: "json",
    color: false,
    maskSecrets: true,
  });
  const { output } = await engine.executeOnFiles({ filePathList });
  return (JSON.parse(output) as SecretlintResult[]).flatMap((result) =>
    result.messages.map((m) => {
      const rule = `${m.ruleId.replace("@secretlint/secretlint-rule-", "")}/${m.messageId ?? ""}`;
      return `${relative(dir, result.filePath)}:${m.loc.start.line}: secretlint ${rule}`;
    }),
  );
}

const REQUIRED_FILES: Record<Target, readonly string[]> = {
  static: ["README.md", "index.html"],
  docker: [
    "README.md",
    "Dockerfile",
    ".dockerignore",
    "package.json",
    "package-lock.json",
    "dashboard/server/main.ts",
    "dashboard/build.ts",
    "artifacts/registry/aliases.json",
    "artifacts/forecasts/latest.json",
  ],
};

/** Default size limit of a Space folder (Hugging Face stores files over 10 MB through Xet/LFS). */
export const DEFAULT_MAX_BYTES = 300 * 1024 * 1024;

interface Validation {
  files: TreeFile[];
  totalBytes: number;
  problems: string[];
}

export async function validateSpace(
  dir: string,
  target: Target,
  maxBytes = DEFAULT_MAX_BYTES,
): Promise<Validation> {
  const files = await listTree(dir);
  const problems: string[] = [];
  const present = new Set(files.map((f) => f.path));
  for (const required of REQUIRED_FILES[target]) {
    if (!present.has(required)) problems.push(`${required} is missing`);
  }
  if (present.has("README.md")) {
    problems.push(...frontMatterProblems(await readFile(join(dir, "README.md"), "utf8"), target));
  }
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  if (totalBytes > maxBytes) {
    problems.push(`the folder holds ${totalBytes} bytes, over the limit of ${maxBytes}`);
  }
  for (const f of files) {
    if (isEnvFile(basename(f.path)))
      problems.push(`${f.path}: an environment file must not be deployed`);
  }
  problems.push(
    ...(await secretProblems(
      dir,
      files.filter((f) => !isEnvFile(basename(f.path))),
    )),
  );
  if (target === "docker" && present.has("artifacts/registry/aliases.json")) {
    try {
      await servingBundleFiles(join(dir, "artifacts"));
    } catch (error) {
      problems.push(`serving bundle: ${(error as Error).message}`);
    }
  }
  return { files, totalBytes, problems };
}
