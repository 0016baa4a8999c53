/**
 * File store: atomic writes (temporary file, fsync, rename) so a crash leaves the previous
 * version whole, content hashes, and schema-checked JSON reads.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { z } from "zod";

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactError";
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** JSON with sorted-free, stable two-space formatting and a final newline. */
function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, toJson(value));
}

export async function readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new ArtifactError(`${path} is missing; run the stage that writes it first`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArtifactError(
      `${path} does not match its contract at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hash of several named parts, independent of the order they are given in. */
export function combineHashes(parts: Record<string, string>): string {
  const keys = Object.keys(parts).sort();
  return sha256(keys.map((k) => `${k}=${parts[k]}`).join("\n"));
}

async function hashFile(path: string): Promise<string> {
  return sha256(await readFile(path));
}

/**
 * Hash of the given files by file name and content (not by folder, so the same files in a
 * shard folder and in the main folder hash alike); a missing file hashes as "missing".
 */
export async function hashFiles(paths: readonly string[]): Promise<string> {
  const parts: Record<string, string> = {};
  for (const p of paths) parts[basename(p)] = existsSync(p) ? await hashFile(p) : "missing";
  return combineHashes(parts);
}

export async function listFiles(dir: string, suffix: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const names = await readdir(dir);
  const files: string[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith(suffix) || name.startsWith(".")) continue;
    if ((await stat(join(dir, name))).isFile()) files.push(join(dir, name));
  }
  return files;
}
