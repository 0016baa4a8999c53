/**
 * Gates a constant model cannot pass: the members' scores must vary across the members on
 * (almost) every walk-forward day, and the daily rank IC must be significantly above zero.
 */
import type { LeakageGate, RankingMetrics } from "../../core/contracts.js";
import { MIN_SCORE_SPREAD } from "./ranking-summary.js";

/** share of test days on which the scores must vary across the members */
const MIN_VARYING_DAY_SHARE = 0.95;
/** fewer members than this cannot show a ranking's worth: the gates say so and do not judge */
const MIN_MEMBERS_TO_JUDGE = 10;

function notJudged(name: string, ranking: RankingMetrics): LeakageGate | null {
  if (ranking.members >= MIN_MEMBERS_TO_JUDGE) return null;
  return {
    name,
    passed: true,
    detail: `not judged: ${ranking.members} member(s); a ranking is judged on at least ${MIN_MEMBERS_TO_JUDGE}`,
  };
}

export function rankingVariesGate(ranking: RankingMetrics): LeakageGate {
  const skip = notJudged("ranking-varies", ranking);
  if (skip) return skip;
  const share = ranking.varyingDayShare;
  return {
    name: "ranking-varies",
    passed: share >= MIN_VARYING_DAY_SHARE,
    detail: `member scores vary (cross-sectional std > ${MIN_SCORE_SPREAD}) on ${(share * 100).toFixed(1)}% of test days; at least ${MIN_VARYING_DAY_SHARE * 100}% needed`,
  };
}

export function rankIcGate(ranking: RankingMetrics, significance: number): LeakageGate {
  const skip = notJudged("rank-ic-significant", ranking);
  if (skip) return skip;
  const m = ranking.models.find((x) => x.model === ranking.recipe);
  const p = m?.whole.pValue ?? null;
  const passed = p !== null && p < significance && (m?.whole.mean ?? 0) > 0;
  return {
    name: "rank-ic-significant",
    passed,
    detail: `${ranking.recipe}: mean daily rank IC ${m?.whole.mean?.toFixed(4) ?? "n/a"} (t ${m?.whole.t?.toFixed(2) ?? "n/a"}, one-sided p ${p === null ? "n/a" : p.toExponential(2)}) over ${m?.whole.days ?? 0} days; p < ${significance} needed`,
  };
}
