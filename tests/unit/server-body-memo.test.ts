/** The predict route's memo of JSON bodies, and the encoding of the precompressed forecasts. */
import { describe, expect, it } from "vitest";
import { BodyMemo } from "../../dashboard/server/predict/body-memo.js";
import { pickEncoding } from "../../dashboard/server/routes/forecasts.js";

const body = (bars: number) => ({ bars: Array.from({ length: bars }, (_, i) => ({ close: i })) });

describe("BodyMemo", () => {
  it("finds a body by the digest of its bytes and freezes what it keeps", () => {
    const memo = new BodyMemo();
    const text = JSON.stringify(body(3));
    const digest = BodyMemo.digest(text);
    expect(BodyMemo.digest(JSON.stringify(body(3)))).toBe(digest);
    expect(BodyMemo.digest(`${text} `)).not.toBe(digest);
    expect(memo.get(digest)).toBeUndefined();
    const first = memo.add(digest, JSON.parse(text));
    expect(memo.get(digest)).toBeUndefined(); // seen once: only the digest is remembered
    expect(Object.isFrozen(first.parsed)).toBe(false);
    const entry = memo.add(digest, JSON.parse(text));
    expect(memo.get(digest)).toBe(entry);
    const parsed = entry.parsed as ReturnType<typeof body>;
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.bars[2])).toBe(true);
  });

  it("keeps at most its capacity and its budget of bars, least recently used out first", () => {
    const memo = new BodyMemo(2, 10);
    // every body is kept from its second sighting on
    const add = (digest: string, value: ReturnType<typeof body>) => {
      memo.add(digest, value);
      return memo.add(digest, value);
    };
    add("a", body(4));
    add("b", body(4));
    expect(memo.get("a")).toBeDefined(); // a is now the most recent
    add("c", body(4));
    expect(memo.size).toBe(2);
    expect(memo.get("b")).toBeUndefined();
    add("d", body(7)); // 4 + 7 > 10: a and c go
    expect(memo.size).toBe(1);
    expect(memo.get("d")).toBeDefined();
    expect(add("e", body(11)).bars).toBe(11); // over the budget: answered, not kept
    expect(memo.get("e")).toBeUndefined();
    memo.add("d", body(7)); // the same digest again replaces, never double counts
    add("f", body(3));
    expect(memo.size).toBe(2);
  });

  it("remembers a bounded number of bodies seen once, as digests only", () => {
    const memo = new BodyMemo(4, 100, 2);
    memo.add("a", body(1));
    memo.add("b", body(1));
    memo.add("c", body(1)); // a's digest is forgotten
    expect(memo.size).toBe(0);
    memo.add("a", body(1)); // a first sighting again
    expect(memo.get("a")).toBeUndefined();
    memo.add("c", body(1));
    expect(memo.get("c")).toBeDefined();
  });
});

describe("pickEncoding", () => {
  it("prefers brotli, then gzip, among equal q values, and honours q", () => {
    expect(pickEncoding(undefined)).toBe("identity");
    expect(pickEncoding("")).toBe("identity");
    expect(pickEncoding("gzip, deflate, br")).toBe("br");
    expect(pickEncoding("gzip")).toBe("gzip");
    expect(pickEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(pickEncoding("deflate")).toBe("identity");
    expect(pickEncoding("*")).toBe("br");
    expect(pickEncoding("identity")).toBe("identity");
    expect(pickEncoding("br;q=0.1, gzip")).toBe("gzip");
  });
});
