/**
 * The plain-language verdict, computed from the numbers: whether the network beats the simple
 * baselines, scope by scope. Not beating them is the expected outcome for next-day direction.
 */
import type { EvaluationMetrics, ModelMetrics } from "../../core/contracts.js";
import { percent, pValue } from "./format.js";

const SIGNIFICANCE = 0.05;
/** the cost level the strategy is judged at */
const VERDICT_COST_BPS = 10;
export const NETWORK = "mlp";
const ALWAYS_UP = "always-up";
const LEVEL = `${SIGNIFICANCE * 100}%`;
/** the return baselines the network must beat under Diebold-Mariano */
const RETURN_BASELINES = ["zero-return", "historical-mean"] as const;
/** strategy names as the evaluate stage writes them (pipeline/evaluation/summarize.ts) */
const LONG_FLAT = "mlp long/flat";
const BUY_AND_HOLD = "buy-and-hold";

type Scope = EvaluationMetrics["scopes"][string];

interface VerdictCheck {
  scope: string;
  /** short name of what was tested, for the bottom line */
  name: string;
  passed: boolean;
  sentence: string;
}

const SCOPE_LABELS: Record<string, string> = {
  index: "Index (^BSESN alone)",
  constituents: "Constituents (pooled current members)",
};

export const scopeLabel = (scope: string) => SCOPE_LABELS[scope] ?? scope;

export function networkOf(scope: Scope): ModelMetrics | undefined {
  return scope.models.find((m) => m.model === NETWORK);
}

function brierCheck(scope: string, mlp: ModelMetrics): VerdictCheck {
  const passed = mlp.brierSkill > 0;
  const skill = percent(mlp.brierSkill, 2);
  let sentence = `The network does not beat always-up on Brier skill (${skill}).`;
  if (passed) {
    // a positive skill of a few hundredths of a percent is usually noise: say whether DM agrees
    const dm = mlp.dieboldMariano[ALWAYS_UP];
    const p = dm ? pValue(dm.pValueBetter) : null;
    sentence =
      dm === undefined
        ? `The network beats always-up on Brier skill (${skill}).`
        : dm.pValueBetter < SIGNIFICANCE
          ? `The network beats always-up on Brier skill (${skill}), significantly at ${LEVEL} under Diebold-Mariano (HLN) (p(better) = ${p}).`
          : `The network beats always-up on Brier skill (${skill}), though Diebold-Mariano (HLN) does not find the difference significant at ${LEVEL} (p(better) = ${p}).`;
  }
  return { scope, name: "Brier skill", passed, sentence };
}

function chanceCheck(scope: string, mlp: ModelMetrics): VerdictCheck {
  const p = mlp.pesaranTimmermann.pValue;
  const passed = p < SIGNIFICANCE;
  const accuracy = percent(mlp.accuracy, 1);
  return {
    scope,
    name: "Pesaran-Timmermann",
    passed,
    sentence: passed
      ? `Its accuracy (${accuracy}) is significantly better than chance (Pesaran-Timmermann p = ${pValue(p)}, below ${SIGNIFICANCE}).`
      : `Its accuracy (${accuracy}) is not significantly better than chance (Pesaran-Timmermann p = ${pValue(p)}, not below ${SIGNIFICANCE}).`,
  };
}

function dieboldMarianoCheck(scope: string, mlp: ModelMetrics, baseline: string) {
  const dm = mlp.dieboldMariano[baseline];
  if (!dm) return null;
  let sentence: string;
  if (dm.pValueBetter < SIGNIFICANCE) {
    sentence = `Diebold-Mariano (HLN) finds its return forecast better than ${baseline} at ${LEVEL} (p(better) = ${pValue(dm.pValueBetter)}).`;
  } else if (dm.pValueWorse < SIGNIFICANCE) {
    sentence = `Diebold-Mariano (HLN) finds its return forecast worse than ${baseline} at ${LEVEL} (p(worse) = ${pValue(dm.pValueWorse)}).`;
  } else {
    sentence = `Diebold-Mariano (HLN) does not find its return forecast better than ${baseline} at ${LEVEL} (p(better) = ${pValue(dm.pValueBetter)}).`;
  }
  return {
    scope,
    name: `DM vs ${baseline}`,
    passed: dm.pValueBetter < SIGNIFICANCE,
    sentence,
  };
}

function backtestCheck(scope: string, summary: Scope): VerdictCheck | null {
  const at = (strategy: string) =>
    summary.backtest.find((b) => b.strategy === strategy && b.costBps === VERDICT_COST_BPS);
  const strategy = at(LONG_FLAT);
  const hold = at(BUY_AND_HOLD);
  if (!strategy || !hold) return null;
  const passed = strategy.totalReturn > hold.totalReturn;
  return {
    scope,
    name: "long/flat vs buy-and-hold",
    passed,
    sentence:
      `After ${VERDICT_COST_BPS} bps per trade the long/flat strategy makes ` +
      `${percent(strategy.annualReturn, 2)} a year against ${percent(hold.annualReturn, 2)} for buy-and-hold: ` +
      `it ${passed ? "beats" : "does not beat"} buy-and-hold.`,
  };
}

function verdictChecks(scope: string, summary: Scope): VerdictCheck[] {
  const mlp = networkOf(summary);
  if (!mlp) return [];
  const checks: (VerdictCheck | null)[] = [
    brierCheck(scope, mlp),
    chanceCheck(scope, mlp),
    ...RETURN_BASELINES.map((b) => dieboldMarianoCheck(scope, mlp, b)),
    backtestCheck(scope, summary),
  ];
  return checks.filter((c): c is VerdictCheck => c !== null);
}

function bottomLine(checks: readonly VerdictCheck[]): string {
  const passed = checks.filter((c) => c.passed);
  if (checks.length === 0) return "Bottom line: there are no network metrics to judge.";
  if (passed.length === 0) {
    return (
      `Bottom line: the network does not beat the baselines on any of the ${checks.length} checks. ` +
      "That is the expected, honest outcome: next-day direction is close to a coin toss."
    );
  }
  const names = passed.map((c) => `${c.scope}: ${c.name}`).join(", ");
  if (passed.length === checks.length) {
    return (
      `Bottom line: the network passes all ${checks.length} checks. ` +
      "A next-day edge is rare: trust it only as far as the leakage gates above."
    );
  }
  return (
    `Bottom line: the network passes ${passed.length} of ${checks.length} checks (${names}) ` +
    "and does not beat the baselines on the rest. Edges this small are fragile."
  );
}

/** The verdict as markdown lines (a bulleted list). */
export function renderVerdict(metrics: EvaluationMetrics): string[] {
  const lines: string[] = [];
  const all: VerdictCheck[] = [];
  for (const [scope, summary] of Object.entries(metrics.scopes)) {
    const checks = verdictChecks(scope, summary);
    all.push(...checks);
    lines.push(`- ${scopeLabel(scope)}:`);
    if (checks.length === 0) lines.push(`  - No metrics for the network in this scope.`);
    for (const c of checks) lines.push(`  - ${c.sentence}`);
  }
  lines.push(`- ${bottomLine(all)}`);
  const failed = metrics.gates.filter((g) => !g.passed).map((g) => g.name);
  if (failed.length > 0) {
    lines.push(
      `- Leakage gate${failed.length > 1 ? "s" : ""} failed (${failed.join(", ")}): treat every number above as a bug until the leak is found.`,
    );
  }
  lines.push("- Membership is today's list applied to the past (survivorship bias).");
  return lines;
}
