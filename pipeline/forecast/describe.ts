/**
 * Words for a forecast: the next session's date, a confidence level from the calibrated
 * probability, a risk level from volatility against its own history, and one plain sentence.
 */
type Level = "low" | "medium" | "high";

/** The next weekday after `date`; exchange holidays are not known here, so it may be one. */
export function nextWeekday(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  return d.toISOString().slice(0, 10);
}

/**
 * Confidence from how far the calibrated probability is from a coin toss. Next-day direction
 * is hard: 55% or more is already rare and counts as high.
 */
export function confidenceLevel(probabilityUp: number): Level {
  const edge = Math.abs(probabilityUp - 0.5);
  if (edge >= 0.05) return "high";
  if (edge >= 0.02) return "medium";
  return "low";
}

/** Risk from where today's volatility sits in the symbol's own history (its percentile). */
export function riskLevel(currentVolatility: number, history: ArrayLike<number>): Level {
  let below = 0;
  let n = 0;
  for (let i = 0; i < history.length; i++) {
    const v = history[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    if (v <= currentVolatility) below++;
  }
  const percentile = n > 0 ? below / n : 0.5;
  if (percentile >= 0.8) return "high";
  if (percentile >= 0.33) return "medium";
  return "low";
}

const signedPct = (logReturn: number) => {
  const pct = (Math.exp(logReturn) - 1) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(2)}%`;
};

export function plainNote(input: {
  name: string;
  probabilityUp: number;
  expectedReturn: number;
  interval80: { lower: number; upper: number };
  confidence: Level;
  risk: Level;
}): string {
  const lean = input.probabilityUp >= 0.5 ? "a rise" : "a fall";
  const chance = Math.round(Math.max(input.probabilityUp, 1 - input.probabilityUp) * 100);
  const caveat =
    input.confidence === "low"
      ? "close to a coin toss"
      : input.confidence === "medium"
        ? "a slight lean, often wrong"
        : "a stronger lean than usual, still often wrong";
  return (
    `${input.name}: the model leans to ${lean} next session (${chance}% chance), expected ` +
    `${signedPct(input.expectedReturn)}, 80% range ${signedPct(input.interval80.lower)} to ` +
    `${signedPct(input.interval80.upper)}; ${caveat}, ${input.risk} risk.`
  );
}
