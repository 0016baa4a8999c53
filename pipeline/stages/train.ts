/**
 * Stage 4, train: the network on every symbol's rows pooled (index and constituents), written
 * to the registry as the next version with its model card; `registry/candidate.json` names it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { candidateSchema, type ModelCard } from "../../core/contracts.js";
import { combineHashes, hashFiles, readJson, writeJsonAtomic } from "../../core/store.js";
import { initBackend } from "../model/backend.js";
import { loadModelInputs } from "../model/inputs.js";
import { codeCommit, modelConfigHash, trainOptions, trainedNetworkCard } from "../model/lineage.js";
import { saveModelArtifacts } from "../model/serialize.js";
import { trainNetwork } from "../model/train.js";
import { startChampionRankerFit } from "../model/train-champion-ranker-thread.js";
import { MIN_MEMBERS_PER_DAY } from "../model/cross-section.js";
import { MODEL_NAME, nextVersion, writeVersion } from "../../core/registry-store.js";
import type { StageDefinition } from "../stage-runner.js";
import { paths } from "../../core/artifact-layout.js";

export async function readCandidate(artifactsDir: string) {
  return readJson(paths.candidate(artifactsDir), candidateSchema);
}

async function trainInputHash(workDir: string, config: Parameters<typeof modelConfigHash>[0]) {
  return combineHashes({
    features: await hashFiles([paths.featureTable(workDir), paths.featureManifest(workDir)]),
    config: modelConfigHash(config),
  });
}

export const trainStage: StageDefinition = {
  name: "train",
  cacheable: true,
  entry: "pipeline/stages/train.ts",
  inputHash: (ctx) => trainInputHash(ctx.workDir, ctx.config),
  async outputHash(ctx) {
    if (!existsSync(paths.candidate(ctx.artifactsDir))) return "missing";
    const { version } = await readCandidate(ctx.artifactsDir);
    const dir = paths.registryVersion(ctx.artifactsDir, version);
    return hashFiles([
      paths.candidate(ctx.artifactsDir),
      join(dir, "model.json"),
      join(dir, "weights.bin"),
    ]);
  },
  async run(ctx, progress) {
    const backend = await initBackend();
    progress.log(`TensorFlow.js backend: ${backend}`);
    const inputs = await loadModelInputs(ctx.workDir);
    const data = inputs.dataset.labelled;
    const options = trainOptions(ctx.config);
    const indexSymbol = data.symbols.indexOf(ctx.config.INDEX_SYMBOL);
    const members = data.symbols.length - (indexSymbol >= 0 ? 1 : 0);
    // all but one of the ranker's seeds fit on the second core while the absolute network fits
    // on this one; the last seed fits here afterwards
    const rankerFit =
      members >= MIN_MEMBERS_PER_DAY
        ? startChampionRankerFit(
            {
              workDir: ctx.workDir,
              indexSymbol: ctx.config.INDEX_SYMBOL,
              seed: ctx.config.MODEL_SEED,
            },
            data,
          )
        : null;
    progress.start(options.maxEpochs ?? 1);
    // the epoch count is chosen on the later block, then the weights are fitted on every row
    const probe = await trainNetwork("mlp", data, {
      ...options,
      seed: ctx.config.MODEL_SEED,
      onEpochEnd: (e) => progress.tick(`epoch ${e.epoch} val ${e.valLoss.toFixed(4)}`),
    });
    probe.model.dispose();
    const refit = await trainNetwork("mlp", data, {
      ...options,
      seed: ctx.config.MODEL_SEED,
      fixedEpochs: probe.bestEpoch,
    });
    const trained = { ...refit, validationLoss: probe.validationLoss, epochs: probe.epochs };
    const saved = await saveModelArtifacts(trained.model);
    trained.model.dispose();
    const ranker = rankerFit ? await rankerFit.finish() : null;
    if (!ranker) {
      progress.log(`no ranker: ${members} member(s), a ranking needs ${MIN_MEMBERS_PER_DAY}`);
    }
    const version = await nextVersion(ctx.artifactsDir);
    const card: ModelCard = {
      schemaVersion: 1,
      name: MODEL_NAME,
      version,
      createdAt: new Date().toISOString(),
      kind: "mlp",
      backend,
      lineage: {
        dataHash: inputs.manifest.dataHash,
        featureSetHash: inputs.manifest.featureSetHash,
        configHash: modelConfigHash(ctx.config),
        codeCommit: codeCommit(),
      },
      ...trainedNetworkCard(trained, ctx.config.MODEL_SEED),
      conformal: { scores: [], alphas: {} },
      calibration: null,
      metrics: null,
      gates: [],
      decision: null,
      ...(ranker ? { ranker: ranker.card } : {}),
    };
    await writeVersion(ctx.artifactsDir, {
      card,
      modelJson: saved.modelJson,
      weights: saved.weights,
      ranker: ranker?.artifacts,
    });
    await writeJsonAtomic(paths.candidate(ctx.artifactsDir), {
      version,
      inputHash: await trainInputHash(ctx.workDir, ctx.config),
    });
    return {
      message: `version ${version} trained on ${trained.rows} rows (${trained.firstDate}..${trained.lastDate}) for ${trained.bestEpoch} epochs (chosen by early stopping on a later block), ${ranker ? `ranker ${ranker.card.recipe} on ${ranker.card.rows} member rows to ${ranker.card.lastDate}` : "no ranker"}, ${((trained.durationMs + (ranker?.durationMs ?? 0)) / 1000).toFixed(1)} s on ${backend}`,
      details: {
        version,
        backend,
        rows: trained.rows,
        epochs: trained.epochs,
        bestEpoch: trained.bestEpoch,
      },
    };
  },
};
