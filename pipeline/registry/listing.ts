/**
 * `pipeline registry`: every version with its aliases, metrics and promotion decision.
 */
import { listVersions, readAliases, readCard } from "../../core/registry-store.js";

interface RegistryRow {
  version: number;
  aliases: string[];
  createdAt: string;
  backend: string;
  trainedTo: string;
  accuracy: number | null;
  brierSkill: number | null;
  gatesPassed: boolean;
  promoted: boolean | null;
  reasons: string[];
}

export async function listRegistry(artifactsDir: string): Promise<RegistryRow[]> {
  const aliases = await readAliases(artifactsDir);
  const rows: RegistryRow[] = [];
  for (const version of await listVersions(artifactsDir)) {
    const card = await readCard(artifactsDir, version);
    rows.push({
      version,
      aliases: Object.entries(aliases)
        .filter(([, v]) => v === version)
        .map(([k]) => k),
      createdAt: card.createdAt,
      backend: card.backend,
      trainedTo: card.training.lastDate,
      accuracy: card.metrics?.accuracy ?? null,
      brierSkill: card.metrics?.brierSkill ?? null,
      gatesPassed: card.gates.length > 0 && card.gates.every((g) => g.passed),
      promoted: card.decision?.promoted ?? null,
      reasons: card.decision?.reasons ?? [],
    });
  }
  return rows;
}

export function formatRegistry(rows: readonly RegistryRow[]): string[] {
  if (rows.length === 0) return ["no model versions yet: run `npm run pipeline -- run`"];
  const lines = [
    "version  aliases              created                   backend  accuracy  brier-skill  gates  decision",
  ];
  for (const r of rows) {
    lines.push(
      [
        String(r.version).padEnd(8),
        (r.aliases.join(",") || "-").padEnd(20),
        r.createdAt.padEnd(25),
        r.backend.padEnd(8),
        (r.accuracy === null ? "-" : `${(r.accuracy * 100).toFixed(2)}%`).padEnd(9),
        (r.brierSkill === null ? "-" : r.brierSkill.toFixed(5)).padEnd(12),
        (r.gatesPassed ? "pass" : "FAIL").padEnd(6),
        r.promoted === null ? "undecided" : r.promoted ? "promoted" : "not promoted",
      ].join(" "),
    );
  }
  return lines;
}
