/**
 * The source files a stage's output depends on, read from its module graph rather than kept as a
 * list by hand (a hand list goes stale the day someone adds an import). esbuild resolves the
 * static and literal dynamic imports from the stage's module, as bundling it would; on top of
 * that, files named by a relative `new URL` against `import.meta.url` are followed: a worker's entry
 * (.ts) as part of the graph, anything else (a reviewed recipe .json) as data the stage reads.
 * The packages the graph imports are listed beside it, so the stage key can hold their installed
 * versions: upgrading technicalindicators reruns the feature stage, an unrelated dev tool does not.
 */
import { isBuiltin } from "node:module";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const REPOSITORY_ROOT = fileURLToPath(new URL("..", import.meta.url));
const URL_REFERENCE = /new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url\s*,?\s*\)/g;

/** Relative paths named by `new URL(<literal>, import.meta.url)` in a source text, as written. */
export function urlReferences(source: string): string[] {
  return [...source.matchAll(URL_REFERENCE)].map((m) => m[1]!);
}

/** The package an import specifier names: `@scope/name` or `name`, without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

interface StageGraph {
  /** repository files reachable from the entry, sorted, relative to the root */
  files: string[];
  /** packages those files import (not node's built-ins), sorted */
  packages: string[];
}

/**
 * Every repository file reachable from `entry` (a path relative to the repository root) and the
 * packages they import; throws when the graph does not resolve.
 */
export async function stageGraph(entry: string, root = REPOSITORY_ROOT): Promise<StageGraph> {
  const files = new Set<string>();
  const packages = new Set<string>();
  let entries = [entry];
  while (entries.length > 0) {
    const result = await build({
      absWorkingDir: root,
      entryPoints: entries,
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outdir: join(root, "build", "source-graph"),
      logLevel: "silent",
    });
    const next: string[] = [];
    for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
      for (const i of imports) {
        if (i.external && !isBuiltin(i.path)) packages.add(packageName(i.path));
      }
      if (files.has(input)) continue;
      files.add(input);
      for (const reference of urlReferences(await readFile(join(root, input), "utf8"))) {
        const path = relative(root, resolve(root, dirname(input), reference));
        if (files.has(path)) continue;
        if (path.endsWith(".ts")) next.push(path);
        else files.add(path);
      }
    }
    entries = [...new Set(next)];
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** The repository files of the stage graph alone. */
export async function sourceGraph(entry: string, root = REPOSITORY_ROOT): Promise<string[]> {
  return (await stageGraph(entry, root)).files;
}

/** The installed version of a package, read from its own package.json under node_modules. */
export async function installedVersion(name: string, root = REPOSITORY_ROOT): Promise<string> {
  const manifest = join(root, "node_modules", name, "package.json");
  const { version } = JSON.parse(await readFile(manifest, "utf8")) as { version?: string };
  if (!version) throw new Error(`${manifest} names no version`);
  return version;
}
