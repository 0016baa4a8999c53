/**
 * Where every artifact lives, in one place: the pipeline's stages, the dashboard's loaders and
 * the server all take their paths from here. Data-stage paths take the work folder (the root, or
 * a shard's folder); the model stages' paths take the root artifacts folder.
 */
import { join } from "node:path";

/** `^BSESN` is stored as `BSESN.csv`; other symbols keep their name (`M&M.NS.csv`). */
export function symbolFileStem(symbol: string): string {
  return symbol.replace(/^\^/, "");
}

export function symbolFileName(symbol: string): string {
  return `${symbolFileStem(symbol)}.csv`;
}

export const paths = {
  rawDir: (workDir: string) => join(workDir, "raw"),
  rawManifest: (workDir: string) => join(workDir, "raw", "manifest.json"),
  pricesDir: (workDir: string) => join(workDir, "prices"),
  quality: (workDir: string) => join(workDir, "prices", "quality.json"),
  featuresDir: (workDir: string) => join(workDir, "features"),
  featureTable: (workDir: string) => join(workDir, "features", "features.arrow"),
  featureManifest: (workDir: string) => join(workDir, "features", "features.json"),
  cacheRecord: (workDir: string, stage: string) => join(workDir, ".cache", `${stage}.json`),
  runsDir: (artifactsDir: string) => join(artifactsDir, "runs"),
  registryRoot: (artifactsDir: string) => join(artifactsDir, "registry"),
  registryModels: (artifactsDir: string) => join(artifactsDir, "registry", "models"),
  registryVersion: (artifactsDir: string, version: number) =>
    join(artifactsDir, "registry", "models", String(version)),
  aliases: (artifactsDir: string) => join(artifactsDir, "registry", "aliases.json"),
  candidate: (artifactsDir: string) => join(artifactsDir, "registry", "candidate.json"),
  evaluationDir: (artifactsDir: string, version: number) =>
    join(artifactsDir, "evaluation", String(version)),
  /** the evaluate stage's records of finished walk-forwards, one per input key */
  evaluationRecord: (artifactsDir: string, key: string) =>
    join(artifactsDir, "evaluation", "records", `${key.slice(0, 32)}.json`),
  shardsDir: (artifactsDir: string) => join(artifactsDir, "shards"),
  latestForecast: (artifactsDir: string) => join(artifactsDir, "forecasts", "latest.json"),
  ledger: (artifactsDir: string) => join(artifactsDir, "forecasts", "ledger.csv"),
};
