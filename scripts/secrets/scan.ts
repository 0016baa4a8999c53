/**
 * Scans files for tokens and keys (patterns.ts): reads each text file, reports path, line and
 * the kind of secret, never the value. Binary files are skipped.
 */
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { findSecrets, isEnvFile } from "./patterns.js";

interface FileFinding {
  path: string;
  line: number;
  pattern: string;
}

function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

export async function scanFiles(root: string, relPaths: readonly string[]): Promise<FileFinding[]> {
  const findings: FileFinding[] = [];
  for (const rel of relPaths) {
    if (isEnvFile(basename(rel))) {
      findings.push({ path: rel, line: 0, pattern: "environment file (.env)" });
      continue;
    }
    const bytes = await readFile(join(root, rel));
    if (isBinary(bytes)) continue;
    for (const f of findSecrets(bytes.toString("utf8"))) findings.push({ path: rel, ...f });
  }
  return findings;
}

export function formatFindings(findings: readonly FileFinding[]): string[] {
  return findings.map((f) => `${f.path}:${f.line}: ${f.pattern}`);
}
