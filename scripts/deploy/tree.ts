/** A Space folder's files (relative POSIX paths, sorted, with sizes), and the names never deployed. */
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export interface TreeFile {
  path: string;
  bytes: number;
}

export async function listTree(root: string, dir = root): Promise<TreeFile[]> {
  const out: TreeFile[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listTree(root, full)));
    else if (entry.isFile()) {
      out.push({ path: relative(root, full).split(sep).join("/"), bytes: (await stat(full)).size });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** True for a file name that holds secrets by convention (.env, .env.local; not .env.example). */
export function isEnvFile(name: string): boolean {
  const env = name === ".env" || name.startsWith(".env.");
  return env && !/\.(?:example|sample|template)$/.test(name);
}
