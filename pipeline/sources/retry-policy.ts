/**
 * How long to wait before the next attempt: exponential backoff with jitter, or the server's
 * Retry-After when it sent one. Pure functions, so the policy is tested without a clock.
 */

/** No single wait is longer than this, whatever Retry-After asks for or the backoff grows to. */
export const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Wait before attempt `failedAttempt + 1`: base * 2^(failedAttempt-1), scaled by a jitter factor
 * in [0.5, 1) so that symbols failing together do not retry in lockstep ("equal jitter").
 */
export function backoffDelayMs(
  failedAttempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const exponential = baseMs * 2 ** Math.max(0, failedAttempt - 1);
  const jitter = 0.5 + 0.5 * Math.min(Math.max(random(), 0), 1);
  return Math.min(MAX_RETRY_DELAY_MS, Math.round(exponential * jitter));
}

/**
 * Retry-After as milliseconds (RFC 9110: delay-seconds or an HTTP-date), capped at
 * MAX_RETRY_DELAY_MS; undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(0, Math.round(ms)));
}
