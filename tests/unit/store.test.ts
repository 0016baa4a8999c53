import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ArtifactError,
  combineHashes,
  hashFiles,
  readJson,
  writeFileAtomic,
  writeJsonAtomic,
} from "../../core/store.js";

const tmp = () => mkdtempSync(join(tmpdir(), "store-"));

describe("store", () => {
  it("writes atomically and leaves no temporary file", async () => {
    const dir = tmp();
    const file = join(dir, "sub", "a.json");
    await writeJsonAtomic(file, { a: 1 });
    await writeJsonAtomic(file, { a: 2 });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ a: 2 });
    expect(readdirSync(join(dir, "sub"))).toEqual(["a.json"]);
  });

  it("keeps the previous version whole when a write fails half-way", async () => {
    const dir = tmp();
    const file = join(dir, "prices.csv");
    await writeFileAtomic(file, "old contents\n");
    const failing = {
      [Symbol.iterator]() {
        throw new Error("disk full");
      },
    } as unknown as Uint8Array;
    await expect(writeFileAtomic(file, failing)).rejects.toThrow();
    expect(readFileSync(file, "utf8")).toBe("old contents\n");
    expect(readdirSync(dir)).toEqual(["prices.csv"]);
  });

  it("reads JSON through a schema with a message naming the file and the field", async () => {
    const dir = tmp();
    const file = join(dir, "x.json");
    writeFileSync(file, JSON.stringify({ n: "one" }));
    const schema = z.object({ n: z.number() });
    await expect(readJson(file, schema)).rejects.toThrow(ArtifactError);
    await expect(readJson(file, schema)).rejects.toThrow(
      /x\.json does not match its contract at n/,
    );
    await expect(readJson(join(dir, "none.json"), schema)).rejects.toThrow(/missing/);
    writeFileSync(file, "{not json");
    await expect(readJson(file, schema)).rejects.toThrow(/not valid JSON/);
  });

  it("hashes by file name and content, not by folder or order", async () => {
    const a = tmp();
    const b = tmp();
    writeFileSync(join(a, "x.csv"), "1");
    writeFileSync(join(b, "x.csv"), "1");
    expect(await hashFiles([join(a, "x.csv")])).toBe(await hashFiles([join(b, "x.csv")]));
    writeFileSync(join(b, "x.csv"), "2");
    expect(await hashFiles([join(a, "x.csv")])).not.toBe(await hashFiles([join(b, "x.csv")]));
    expect(combineHashes({ a: "1", b: "2" })).toBe(combineHashes({ b: "2", a: "1" }));
  });
});
