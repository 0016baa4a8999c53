/**
 * Pushes a Space folder to the Hugging Face Hub in one commit with @huggingface/hub: only the
 * files whose content differs from the Space (compared by git blob id, or LFS sha256), plus
 * deletions of files the folder no longer has. A push with nothing changed makes no commit.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HubApiError, commit, listFiles, type CommitOperation } from "@huggingface/hub";
import { listTree } from "./tree.js";

interface PushOptions {
  dir: string;
  space: string;
  token: string;
  hubUrl?: string;
  title?: string;
}

interface PushResult {
  uploaded: string[];
  deleted: string[];
  commit: string | null;
}

export class PushError extends Error {
  override name = "PushError";
}

/** The id git gives a file's content (what the Hub lists as `oid` for a regular file). */
export function gitBlobId(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.byteLength}\0`).update(content).digest("hex");
}

function explain(error: unknown, space: string): PushError {
  if (error instanceof HubApiError) {
    if (error.statusCode === 401 || error.statusCode === 403) {
      return new PushError(
        `the Hub refused HF_TOKEN (${error.statusCode}) for Space ${space}: use a token with write access to it`,
      );
    }
    if (error.statusCode === 404) {
      return new PushError(`Space ${space} not found (404): create it first (see DEPLOYMENT.md)`);
    }
    return new PushError(
      `the Hub answered ${error.statusCode} for Space ${space}: ${error.message}`,
    );
  }
  return new PushError(`push to Space ${space} failed: ${(error as Error).message}`);
}

const KEEP_REMOTE = new Set([".gitattributes"]);

export async function pushSpace(opts: PushOptions): Promise<PushResult> {
  const repo = { type: "space" as const, name: opts.space };
  const credentials = { accessToken: opts.token };
  const hub = opts.hubUrl ? { hubUrl: opts.hubUrl } : {};
  try {
    const remote = new Map<string, { oid?: string; lfs?: string }>();
    for await (const entry of listFiles({ repo, recursive: true, credentials, ...hub })) {
      if (entry.type === "file") remote.set(entry.path, { oid: entry.oid, lfs: entry.lfs?.oid });
    }
    const operations: CommitOperation[] = [];
    const uploaded: string[] = [];
    const local = await listTree(opts.dir);
    for (const file of local) {
      const content = await readFile(join(opts.dir, file.path));
      const there = remote.get(file.path);
      const same =
        there !== undefined &&
        (there.oid === gitBlobId(content) ||
          there.lfs === createHash("sha256").update(content).digest("hex"));
      if (same) continue;
      operations.push({ operation: "addOrUpdate", path: file.path, content: new Blob([content]) });
      uploaded.push(file.path);
    }
    const present = new Set(local.map((f) => f.path));
    const deleted = [...remote.keys()].filter((p) => !present.has(p) && !KEEP_REMOTE.has(p)).sort();
    for (const path of deleted) operations.push({ operation: "delete", path });
    if (operations.length === 0) return { uploaded: [], deleted: [], commit: null };
    const output = await commit({
      repo,
      credentials,
      ...hub,
      title: opts.title ?? "Deploy sensex-mlops",
      operations,
    });
    return { uploaded, deleted, commit: output?.commit.oid ?? null };
  } catch (error) {
    throw explain(error, opts.space);
  }
}
