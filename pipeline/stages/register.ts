/**
 * Stage 6, register: the promotion decision. The candidate becomes champion only when the
 * policy says so (pipeline/registry/promotion.ts); the decision and its reasons go on its card.
 * A candidate that is not promoted becomes the challenger.
 */
import { combineHashes, hashFiles } from "../../core/store.js";
import { decidePromotion } from "../registry/promotion.js";
import { readAliases, readCard, updateCard, writeAliases } from "../../core/registry-store.js";
import type { StageDefinition } from "../stage-runner.js";
import { join } from "node:path";
import { readCandidate } from "./train.js";
import { paths } from "../../core/artifact-layout.js";

export const registerStage: StageDefinition = {
  name: "register",
  cacheable: true,
  entry: "pipeline/stages/register.ts",
  async inputHash(ctx) {
    const { version } = await readCandidate(ctx.artifactsDir);
    return combineHashes({
      candidate: await hashFiles([paths.candidate(ctx.artifactsDir)]),
      metrics: JSON.stringify((await readCard(ctx.artifactsDir, version)).metrics),
      policy: `${ctx.config.PROMOTION_MIN_BRIER_SKILL_GAIN}/${ctx.config.PROMOTION_SIGNIFICANCE}`,
    });
  },
  async outputHash(ctx) {
    const { version } = await readCandidate(ctx.artifactsDir);
    return hashFiles([
      paths.aliases(ctx.artifactsDir),
      join(paths.registryVersion(ctx.artifactsDir, version), "card.json"),
    ]);
  },
  async run(ctx, progress) {
    progress.start(1);
    const { version } = await readCandidate(ctx.artifactsDir);
    const card = await readCard(ctx.artifactsDir, version);
    const aliases = await readAliases(ctx.artifactsDir);
    if (aliases.champion === version) {
      progress.tick();
      return { message: `version ${version} is already the champion` };
    }
    if (!card.metrics)
      throw new Error(`version ${version} has no evaluation yet; run the evaluate stage first`);
    const champion =
      aliases.champion === null ? null : await readCard(ctx.artifactsDir, aliases.champion);
    const decision = decidePromotion(
      {
        gates: card.gates,
        brierSkill: card.metrics.brierSkill ?? Number.NEGATIVE_INFINITY,
        accuracy: card.metrics.accuracy ?? 0,
        alwaysUpBetterPValue: card.metrics.alwaysUpBetterP ?? 0,
        ...(card.metrics.rankIc === undefined ? {} : { rankIc: card.metrics.rankIc }),
        recipe: {
          recipeHash: card.ranker?.recipeHash ?? null,
          configHash: card.lineage.configHash,
        },
      },
      champion,
      {
        minBrierSkillGain: ctx.config.PROMOTION_MIN_BRIER_SKILL_GAIN,
        significance: ctx.config.PROMOTION_SIGNIFICANCE,
      },
    );
    await updateCard(ctx.artifactsDir, { ...card, decision });
    await writeAliases(
      ctx.artifactsDir,
      decision.promoted
        ? { champion: version, challenger: aliases.champion }
        : { champion: aliases.champion, challenger: version },
    );
    progress.tick();
    return {
      message: `${decision.promoted ? "PROMOTED" : "not promoted"}: version ${version}${decision.promoted ? " is the champion" : ` stays challenger, champion remains ${aliases.champion ?? "none"}`} (${decision.reasons.join("; ")})`,
      details: { version, promoted: decision.promoted, reasons: decision.reasons },
    };
  },
};
