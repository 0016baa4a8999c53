/** `npm run docs:check`: the README and the guides (scripts/docs/check-docs.ts); exits 1 on a problem. */
import { existsSync } from "node:fs";
import { checkDocs } from "./docs/check-docs.js";

const files = ["README.md", "DEPLOYMENT.md", "FEATURES.md", "data/snapshot/README.md"].filter((f) =>
  existsSync(f),
);
const problems = checkDocs(files);
for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
if (problems.length > 0) {
  console.error(`docs check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`docs check: ${files.join(", ")}: every npm run command exists, every link resolves`);
