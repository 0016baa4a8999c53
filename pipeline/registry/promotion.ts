/**
 * The promotion policy: a candidate that fails a gate is never promoted; the first candidate
 * that passes them becomes champion. A refit of the champion's own recipe (same ranker recipe,
 * same training configuration) on newer data replaces the champion when it passes the gates,
 * so the champion learns from every new day. A different recipe replaces it only with a
 * members' rank IC at least the champion's, a Brier skill at least the champion's (by a
 * configurable margin), and when always-up is not significantly better (Diebold-Mariano, HLN).
 */
import type { LeakageGate, ModelCard, PromotionDecision } from "../../core/contracts.js";

interface PromotionPolicy {
  /** the candidate's Brier skill must reach the champion's plus this */
  minBrierSkillGain: number;
  /** p-value below which "always-up is better" counts as significant and blocks promotion */
  significance: number;
}

interface CandidateEvidence {
  gates: readonly LeakageGate[];
  /** Brier skill against the constant up-rate on the index test days */
  brierSkill: number;
  accuracy: number;
  /** one-sided p-value of "always-up has lower squared error than the candidate" */
  alwaysUpBetterPValue: number;
  /** the members' mean daily rank IC on the walk-forward days */
  rankIc?: number;
  /** what the candidate's recipe is: a refit has the champion's */
  recipe?: { recipeHash: string | null; configHash: string };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function decidePromotion(
  candidate: CandidateEvidence,
  champion:
    | (Pick<ModelCard, "version" | "metrics"> & Partial<Pick<ModelCard, "ranker" | "lineage">>)
    | null,
  policy: PromotionPolicy,
  now = new Date(),
): PromotionDecision {
  const reasons: string[] = [];
  const failed = candidate.gates.filter((g) => !g.passed);
  const decidedAt = now.toISOString();
  const comparedWith = champion?.version ?? null;
  if (failed.length > 0) {
    for (const g of failed) reasons.push(`leakage gate "${g.name}" failed: ${g.detail}`);
    return { promoted: false, comparedWith, reasons, decidedAt };
  }
  reasons.push(`all ${candidate.gates.length} leakage gates passed`);
  if (!champion) {
    reasons.push(
      `no champion yet: the first model that passes the gates becomes champion (Brier skill ${candidate.brierSkill.toFixed(4)}, accuracy ${pct(candidate.accuracy)})`,
    );
    return { promoted: true, comparedWith, reasons, decidedAt };
  }
  const sameRecipe =
    candidate.recipe !== undefined &&
    candidate.recipe.recipeHash !== null &&
    candidate.recipe.recipeHash === champion.ranker?.recipeHash &&
    candidate.recipe.configHash === champion.lineage?.configHash;
  if (sameRecipe) {
    reasons.push(
      `a refit of champion v${champion.version}'s recipe on newer data: it replaces the previous fit (the recipes are compared only when they differ)`,
    );
    return { promoted: true, comparedWith, reasons, decidedAt };
  }
  let promoted = true;
  const championIc = champion.metrics?.["rankIc"];
  if (candidate.rankIc !== undefined && championIc !== undefined) {
    if (candidate.rankIc >= championIc) {
      reasons.push(
        `members' rank IC ${candidate.rankIc.toFixed(4)} >= champion v${champion.version}'s ${championIc.toFixed(4)}`,
      );
    } else {
      promoted = false;
      reasons.push(
        `members' rank IC ${candidate.rankIc.toFixed(4)} < champion v${champion.version}'s ${championIc.toFixed(4)}`,
      );
    }
  }
  const championSkill = champion.metrics?.brierSkill;
  if (championSkill === undefined) {
    reasons.push(
      `champion v${champion.version} has no recorded Brier skill; comparing with always-up only`,
    );
  } else if (candidate.brierSkill >= championSkill + policy.minBrierSkillGain) {
    reasons.push(
      `Brier skill ${candidate.brierSkill.toFixed(4)} >= champion v${champion.version}'s ${championSkill.toFixed(4)} + ${policy.minBrierSkillGain}`,
    );
  } else {
    promoted = false;
    reasons.push(
      `Brier skill ${candidate.brierSkill.toFixed(4)} < champion v${champion.version}'s ${championSkill.toFixed(4)} + ${policy.minBrierSkillGain}`,
    );
  }
  if (candidate.alwaysUpBetterPValue < policy.significance) {
    promoted = false;
    reasons.push(
      `always-up is significantly better (DM-HLN one-sided p = ${candidate.alwaysUpBetterPValue.toFixed(4)} < ${policy.significance})`,
    );
  } else {
    reasons.push(
      `not significantly worse than always-up (DM-HLN one-sided p = ${candidate.alwaysUpBetterPValue.toFixed(4)})`,
    );
  }
  return { promoted, comparedWith, reasons, decidedAt };
}
