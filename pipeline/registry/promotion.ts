/**
 * The promotion policy: a candidate that fails a leakage gate is never promoted; the first
 * candidate that passes them becomes champion; later candidates replace the champion only
 * when they are at least as good on Brier skill (by a configurable margin) and not
 * significantly worse than always-up (Diebold-Mariano, HLN-corrected).
 */
import type { LeakageGate, ModelCard, PromotionDecision } from "../../core/contracts.js";

export interface PromotionPolicy {
  /** the candidate's Brier skill must reach the champion's plus this */
  minBrierSkillGain: number;
  /** p-value below which "always-up is better" counts as significant and blocks promotion */
  significance: number;
}

export interface CandidateEvidence {
  gates: readonly LeakageGate[];
  /** Brier skill against the constant up-rate on the index test days */
  brierSkill: number;
  accuracy: number;
  /** one-sided p-value of "always-up has lower squared error than the candidate" */
  alwaysUpBetterPValue: number;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function decidePromotion(
  candidate: CandidateEvidence,
  champion: Pick<ModelCard, "version" | "metrics"> | null,
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
  let promoted = true;
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
