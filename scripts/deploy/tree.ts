/** Lists the files under a folder (relative POSIX paths, sorted) with their sizes. */
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
