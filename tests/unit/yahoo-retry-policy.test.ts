import { describe, expect, it } from "vitest";
import {
  MAX_RETRY_DELAY_MS,
  backoffDelayMs,
  parseRetryAfterMs,
} from "../../pipeline/sources/retry-policy.js";

describe("backoffDelayMs", () => {
  it("doubles per failed attempt, scaled by a jitter factor in [0.5, 1)", () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, 100, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3].map((a) => backoffDelayMs(a, 100, () => 0.5))).toEqual([75, 150, 300]);
    expect(backoffDelayMs(3, 100, () => 0.999)).toBe(400);
  });

  it("never waits longer than the cap", () => {
    expect(backoffDelayMs(30, 500, () => 0.9)).toBe(MAX_RETRY_DELAY_MS);
  });

  it("jitters: different random draws give different waits", () => {
    expect(backoffDelayMs(2, 1000, () => 0.1)).not.toBe(backoffDelayMs(2, 1000, () => 0.7));
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-02-20T11:47:42Z");

  it("reads delay-seconds", () => {
    expect(parseRetryAfterMs("2", now)).toBe(2000);
    expect(parseRetryAfterMs(" 0 ", now)).toBe(0);
    expect(parseRetryAfterMs("1.5", now)).toBe(1500);
  });

  it("reads an HTTP-date, a past one meaning now", () => {
    expect(parseRetryAfterMs("Thu, 20 Feb 2025 11:47:47 GMT", now)).toBe(5000);
    expect(parseRetryAfterMs("Thu, 20 Feb 2025 11:00:00 GMT", now)).toBe(0);
  });

  it("caps a long Retry-After", () => {
    expect(parseRetryAfterMs("3600", now)).toBe(MAX_RETRY_DELAY_MS);
  });

  it("ignores a missing or unreadable header", () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs("", now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
  });
});
