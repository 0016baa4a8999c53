/**
 * CSP hashes of the inline scripts in the built dashboard's pages (Observable Framework writes
 * each page's code inline), so the policy can allow exactly those and no other inline script.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

async function htmlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await htmlFiles(path)));
    else if (entry.name.endsWith(".html")) found.push(path);
  }
  return found;
}

function inlineScriptHashesOf(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attributes, body] of html.matchAll(INLINE_SCRIPT)) {
    if (/\bsrc\s*=/i.test(attributes ?? "") || !body) continue;
    hashes.push(`'sha256-${createHash("sha256").update(body).digest("base64")}'`);
  }
  return hashes;
}

export async function inlineScriptHashes(dashboardDir: string): Promise<string[]> {
  if (!existsSync(dashboardDir)) return [];
  const hashes = new Set<string>();
  for (const file of await htmlFiles(dashboardDir)) {
    for (const hash of inlineScriptHashesOf(await readFile(file, "utf8"))) hashes.add(hash);
  }
  return [...hashes].sort();
}
