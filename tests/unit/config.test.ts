import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, configSchema, loadConfig } from "../../core/config.js";

const noDotenv = join(tmpdir(), "sensex-mlops-no-such-dotenv");

describe("config", () => {
  it("has offline defaults", () => {
    const config = loadConfig({}, noDotenv);
    expect(config.DATA_SOURCE).toBe("snapshot");
    expect(config.ARTIFACTS_DIR).toBe("artifacts");
    expect(config.INDEX_SYMBOL).toBe("^BSESN");
  });

  it("coerces numbers from the environment", () => {
    expect(loadConfig({ YAHOO_CONCURRENCY: "8" }, noDotenv).YAHOO_CONCURRENCY).toBe(8);
  });

  it("stops with one message naming the bad key", () => {
    expect(() => loadConfig({ YAHOO_CONCURRENCY: "many" }, noDotenv)).toThrow(ConfigError);
    expect(() => loadConfig({ YAHOO_CONCURRENCY: "many" }, noDotenv)).toThrow(/YAHOO_CONCURRENCY/);
    expect(() => loadConfig({ DATA_SOURCE: "csv" }, noDotenv)).toThrow(
      /DATA_SOURCE.*\.env\.example/,
    );
  });

  it("reads .env, and the environment wins over it", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, ".env");
    writeFileSync(file, "YAHOO_RETRIES=7\nYAHOO_TIMEOUT_MS=1000\n");
    const config = loadConfig({ YAHOO_TIMEOUT_MS: "2000" }, file);
    expect(config.YAHOO_RETRIES).toBe(7);
    expect(config.YAHOO_TIMEOUT_MS).toBe(2000);
  });

  it("documents every key in .env.example", async () => {
    const { readFile } = await import("node:fs/promises");
    const example = await readFile(".env.example", "utf8");
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(configSchema.shape).sort());
  });
});
