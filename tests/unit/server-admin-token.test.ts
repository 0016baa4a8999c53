/** The admin token check: only `Bearer <the token>` passes, whatever the length of the guess. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerMatches } from "../../dashboard/server/routes/admin.js";

const TOKEN = "s3cret-admin-token-0123456789";
const digest = createHash("sha256").update(TOKEN).digest();

describe("bearerMatches", () => {
  it("accepts the token as a bearer token", () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, digest)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, digest)).toBe(true);
  });

  it("refuses anything else without throwing on a length mismatch", () => {
    for (const header of [
      undefined,
      "",
      TOKEN,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      "Bearer x",
      `Bearer ${"a".repeat(10_000)}`,
      `Bearer ${TOKEN} extra`,
    ]) {
      expect(bearerMatches(header, digest), String(header).slice(0, 40)).toBe(false);
    }
  });
});
