/**
 * The JSON bodies of POST /api/predict seen lately, by the SHA-256 of their bytes, with what
 * was derived from them: the parsed value and, once a request has got that far, the checked
 * bars and their digest (the forecast cache's key). The same bytes always parse, validate and
 * check to the same bars, so a client sending a series again (the dashboard, a retry) skips
 * JSON.parse of ~90 kB, the bar checks and the digest, and its forecast comes from the cache.
 * Bounded by a count and a budget of bars (a body may carry up to 20,000; one without bars
 * counts as one); least recently used out first.
 *
 * A body is kept from its second sighting on: the first time, only its digest is remembered. Most
 * bodies come once (a new series), and keeping each one (~200 kB of parsed and checked bars for
 * 633 bars) for the next sixteen requests made every one of them outlive V8's young generation:
 * under a load of new series the old generation filled with them and the process grew by tens of
 * MB. A series sent again is parsed once more, then memoised.
 */
import { createHash } from "node:crypto";
import type { Bar } from "../../../core/contracts.js";
import { LRUCache } from "lru-cache";

export interface CheckedBars {
  /** the bundle settings the check used: a reloaded bundle may differ */
  minBars: number;
  windowBars: number;
  received: number;
  /** the newest windowBars bars, the predictor's input */
  used: readonly Bar[];
  /** barsDigest(used) */
  digest: string;
}

export interface MemoEntry {
  /** the parsed JSON, deeply frozen: validation reads it, nothing may change it */
  readonly parsed: unknown;
  readonly bars: number;
  checked?: CheckedBars;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

function barCount(parsed: unknown): number {
  const bars = (parsed as { bars?: unknown } | null)?.bars;
  return Array.isArray(bars) ? bars.length : 0;
}

export class BodyMemo {
  readonly #entries: LRUCache<string, MemoEntry>;
  /** digests of bodies seen once and not kept: a digest is ~50 bytes, a body ~200 kB */
  readonly #seenOnce: LRUCache<string, true>;

  constructor(
    readonly capacity = 16,
    readonly barBudget = 20_000,
    readonly seenCapacity = 1024,
  ) {
    this.#entries = new LRUCache({
      max: capacity,
      maxSize: barBudget,
      sizeCalculation: (entry) => Math.max(1, entry.bars),
    });
    this.#seenOnce = new LRUCache({ max: seenCapacity });
  }

  get size(): number {
    return this.#entries.size;
  }

  static digest(text: string): string {
    return createHash("sha256").update(text).digest("base64url");
  }

  get(digest: string): MemoEntry | undefined {
    return this.#entries.get(digest);
  }

  /**
   * Keeps a successfully parsed body seen before; returns its entry (not kept the first time,
   * nor when over the budget).
   */
  add(digest: string, parsed: unknown): MemoEntry {
    const entry: MemoEntry = { parsed, bars: barCount(parsed) };
    if (entry.bars > this.barBudget) return entry;
    if (!this.#entries.has(digest) && !this.#seenOnce.delete(digest)) {
      this.#seenOnce.set(digest, true);
      return entry;
    }
    deepFreeze(parsed);
    this.#entries.set(digest, entry);
    return entry;
  }
}
