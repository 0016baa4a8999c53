/**
 * `npm run scan:secrets`: the secret scan of the tree. Scans every file git tracks or would
 * track (untracked files not ignored by .gitignore), so node_modules and artifacts are out and a
 * new file is in before it is committed. Exits 1 on any finding; prints where, never the value.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { formatFindings, scanFiles } from "./secrets/scan.js";

const root = process.cwd();
const listed = execFileSync(
  "git",
  ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
  {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  },
)
  .toString("utf8")
  .split("\0")
  .filter((p) => p !== "" && existsSync(p));
const findings = await scanFiles(root, listed);
if (findings.length > 0) {
  for (const line of formatFindings(findings)) console.error(line);
  console.error(
    `secret scan: ${findings.length} finding(s) in ${listed.length} files; remove them (and rotate any real credential)`,
  );
  process.exit(1);
}
console.log(`secret scan: ${listed.length} files, no token or key found`);
