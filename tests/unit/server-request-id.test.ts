import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { requestIdSource, requestIds } from "../../dashboard/server/request-id.js";

const withHeader = (value?: string) =>
  ({ headers: value === undefined ? {} : { "x-request-id": value } }) as IncomingMessage;

describe("request ids", () => {
  it("are a per-process random prefix and a counter, never repeated", () => {
    const next = requestIdSource();
    const ids = Array.from({ length: 5_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    const prefixes = new Set(ids.map((id) => id.split("-")[0]));
    expect(prefixes.size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{12}-0$/);
    expect(ids[36]).toMatch(/-10$/);
  });

  it("differ between two sources (two processes or restarts)", () => {
    const a = requestIdSource()();
    const b = requestIdSource()();
    expect(a.split("-")[0]).not.toBe(b.split("-")[0]);
  });

  it("keep a caller's plain, short X-Request-Id and replace anything else", () => {
    const idOf = requestIds();
    expect(idOf(withHeader("trace-0042"))).toBe("trace-0042");
    for (const bad of ["has spaces", "x".repeat(65), "", "new\nline", "<script>"]) {
      expect(idOf(withHeader(bad))).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    }
    expect(idOf(withHeader())).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  });
});
