import { describe, expect, it } from "vitest";
import {
  confidenceLevel,
  nextWeekday,
  plainNote,
  riskLevel,
} from "../../pipeline/forecast/describe.js";

describe("forecast words", () => {
  it("moves to the next weekday", () => {
    expect(nextWeekday("2023-06-30")).toBe("2023-07-03"); // Friday -> Monday
    expect(nextWeekday("2023-06-28")).toBe("2023-06-29");
    expect(nextWeekday("2023-07-01")).toBe("2023-07-03"); // Saturday session (Muhurat) -> Monday
  });

  it("grades confidence by distance from a coin toss", () => {
    expect(confidenceLevel(0.51)).toBe("low");
    expect(confidenceLevel(0.475)).toBe("medium");
    expect(confidenceLevel(0.56)).toBe("high");
  });

  it("grades risk by the percentile of volatility in its own history", () => {
    const history = Array.from({ length: 100 }, (_, i) => i / 100);
    expect(riskLevel(0.1, history)).toBe("low");
    expect(riskLevel(0.5, history)).toBe("medium");
    expect(riskLevel(0.95, history)).toBe("high");
  });

  it("says it in one plain sentence with signed percentages", () => {
    const note = plainNote({
      name: "SENSEX",
      probabilityUp: 0.53,
      expectedReturn: Math.log(1.0004),
      interval80: { lower: Math.log(0.99), upper: Math.log(1.011) },
      confidence: "medium",
      risk: "low",
    });
    expect(note).toBe(
      "SENSEX: the model leans to a rise next session (53% chance), expected +0.04%, 80% range -1.00% to +1.10%; a slight lean, often wrong, low risk.",
    );
  });
});
