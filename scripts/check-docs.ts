/**
 * `npm run docs:check`: the README and the guides; exits 1 on a problem. The check: every `npm run <script>` a Markdown file mentions exists in package.json, and
 * every relative link (and its #anchor, for Markdown targets) resolves. Outside links are not
 * fetched (CI must not depend on the network); they are only required to be https.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

interface DocProblem {
  file: string;
  line: number;
  message: string;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_[\]()]/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) anchors.add(headingAnchor(m[1]!));
  return anchors;
}

export function checkMarkdown(
  file: string,
  text: string,
  scripts: Record<string, string>,
): DocProblem[] {
  const problems: DocProblem[] = [];
  const lines = text.split("\n");
  let fenced = false;
  lines.forEach((line, i) => {
    const at = { file, line: i + 1 };
    if (/^\s*```/.test(line)) fenced = !fenced;
    for (const m of line.matchAll(/npm run ([\w:.-]+)/g)) {
      if (!(m[1]! in scripts)) problems.push({ ...at, message: `npm run ${m[1]}: no such script` });
    }
    if (fenced) return;
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) {
        if (target.startsWith("http:")) problems.push({ ...at, message: `${target}: use https` });
        continue;
      }
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const resolved = path === "" ? file : join(dirname(file), path);
      if (!existsSync(resolved)) {
        problems.push({ ...at, message: `link ${target}: ${resolved} does not exist` });
      } else if (anchor && resolved.endsWith(".md")) {
        const anchors = anchorsOf(resolved === file ? text : readFileSync(resolved, "utf8"));
        if (!anchors.has(anchor))
          problems.push({ ...at, message: `link ${target}: no heading #${anchor}` });
      }
    }
  });
  return problems;
}

export function checkDocs(files: readonly string[], packageJson = "package.json"): DocProblem[] {
  const { scripts } = JSON.parse(readFileSync(packageJson, "utf8")) as {
    scripts: Record<string, string>;
  };
  return files.flatMap((f) => checkMarkdown(f, readFileSync(f, "utf8"), scripts));
}

const DOCS = ["README.md", "DEPLOYMENT.md", "FEATURES.md", "data/snapshot/README.md"];

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  const files = DOCS.filter((f) => existsSync(f));
  const problems = checkDocs(files);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  if (problems.length > 0) {
    console.error(`docs check: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`docs check: ${files.join(", ")}: every npm run command exists, every link resolves`);
}
