/**
 * The model registry in files (`artifacts/registry/`): one model name, monotonic versions
 * in `models/<version>/` (model.json + weights.bin in the tfjs layers format, card.json), and
 * the aliases `champion` and `challenger` in `aliases.json`.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { aliasesSchema, modelCardSchema, type Aliases, type ModelCard } from "./contracts.js";
import { ArtifactError, readJson, writeFileAtomic, writeJsonAtomic } from "./store.js";
import { paths } from "./artifact-layout.js";

export const MODEL_NAME = "sensex-next-day";

export interface StoredModel {
  card: ModelCard;
  modelJson: string;
  weights: Uint8Array;
  /** the members' ranker, `ranker.json` + `ranker.bin` (versions before the ranker have none) */
  ranker?: { modelJson: string; weights: Uint8Array } | undefined;
}

export const RANKER_FILES = { json: "ranker.json", weights: "ranker.bin" } as const;

export async function listVersions(artifactsDir: string): Promise<number[]> {
  const dir = paths.registryModels(artifactsDir);
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((n) => /^\d+$/.test(n) && existsSync(join(dir, n, "card.json")))
    .map(Number)
    .sort((a, b) => a - b);
}

export async function nextVersion(artifactsDir: string): Promise<number> {
  const dir = paths.registryModels(artifactsDir);
  // counts folders without a card too (a crashed write), so a number is never reused
  const all = existsSync(dir)
    ? (await readdir(dir)).filter((n) => /^\d+$/.test(n)).map(Number)
    : [];
  return Math.max(0, ...all) + 1;
}

/** Writes a whole version folder under a temporary name, then renames it into place. */
export async function writeVersion(artifactsDir: string, model: StoredModel): Promise<void> {
  const target = paths.registryVersion(artifactsDir, model.card.version);
  if (existsSync(target))
    throw new ArtifactError(`registry version ${model.card.version} exists already`);
  const tmp = `${target}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFileAtomic(join(tmp, "model.json"), model.modelJson);
  await writeFileAtomic(join(tmp, "weights.bin"), model.weights);
  if (model.ranker) {
    await writeFileAtomic(join(tmp, RANKER_FILES.json), model.ranker.modelJson);
    await writeFileAtomic(join(tmp, RANKER_FILES.weights), model.ranker.weights);
  }
  await writeJsonAtomic(join(tmp, "card.json"), modelCardSchema.parse(model.card));
  await rename(tmp, target);
}

export async function readCard(artifactsDir: string, version: number): Promise<ModelCard> {
  return readJson(join(paths.registryVersion(artifactsDir, version), "card.json"), modelCardSchema);
}

export async function updateCard(artifactsDir: string, card: ModelCard): Promise<void> {
  const path = join(paths.registryVersion(artifactsDir, card.version), "card.json");
  await writeJsonAtomic(path, modelCardSchema.parse(card));
}

export async function readVersion(artifactsDir: string, version: number): Promise<StoredModel> {
  const dir = paths.registryVersion(artifactsDir, version);
  const card = await readCard(artifactsDir, version);
  const modelJson = await readFile(join(dir, "model.json"), "utf8").catch(() => {
    throw new ArtifactError(`${dir}/model.json is missing`);
  });
  const weights = await readFile(join(dir, "weights.bin")).catch(() => {
    throw new ArtifactError(`${dir}/weights.bin is missing`);
  });
  if (!card.ranker) return { card, modelJson, weights: new Uint8Array(weights) };
  const rankerJson = await readFile(join(dir, RANKER_FILES.json), "utf8").catch(() => {
    throw new ArtifactError(`${dir}/${RANKER_FILES.json} is missing (the card names a ranker)`);
  });
  const rankerWeights = await readFile(join(dir, RANKER_FILES.weights)).catch(() => {
    throw new ArtifactError(`${dir}/${RANKER_FILES.weights} is missing (the card names a ranker)`);
  });
  return {
    card,
    modelJson,
    weights: new Uint8Array(weights),
    ranker: { modelJson: rankerJson, weights: new Uint8Array(rankerWeights) },
  };
}

export async function readAliases(artifactsDir: string): Promise<Aliases> {
  const path = paths.aliases(artifactsDir);
  if (!existsSync(path)) return { champion: null, challenger: null };
  return readJson(path, aliasesSchema);
}

export async function writeAliases(artifactsDir: string, aliases: Aliases): Promise<void> {
  const versions = await listVersions(artifactsDir);
  for (const [alias, version] of Object.entries(aliases)) {
    if (version !== null && !versions.includes(version)) {
      throw new ArtifactError(`cannot point ${alias} at version ${version}: no such version`);
    }
  }
  await writeJsonAtomic(paths.aliases(artifactsDir), aliasesSchema.parse(aliases));
}

/**
 * Points the champion at `to`, or at the newest earlier version that was once promoted, and
 * records the rollback on the card of the version it now points at.
 */
export async function rollback(
  artifactsDir: string,
  to?: number,
): Promise<{ from: number | null; to: number }> {
  const aliases = await readAliases(artifactsDir);
  const versions = await listVersions(artifactsDir);
  let target = to;
  if (target === undefined) {
    const earlier = [];
    for (const v of versions) {
      if (aliases.champion !== null && v >= aliases.champion) continue;
      if ((await readCard(artifactsDir, v)).decision?.promoted) earlier.push(v);
    }
    target = earlier.at(-1);
    if (target === undefined) {
      throw new ArtifactError("no earlier promoted version to roll back to; name one with --to");
    }
  }
  if (!versions.includes(target)) throw new ArtifactError(`no registry version ${target}`);
  await writeAliases(artifactsDir, { champion: target, challenger: aliases.champion });
  return { from: aliases.champion, to: target };
}
