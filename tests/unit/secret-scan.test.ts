/** The secret scan: real token shapes are caught, placeholders and ordinary code are not. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findSecrets, isEnvFile } from "../../scripts/secrets/patterns.js";
import { formatFindings, scanFiles } from "../../scripts/secrets/scan.js";

// assembled at run time, so this file itself does not hold a token shape
const fake = (prefix: string, body: string) => prefix + body;
const HF = fake("hf_", "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY");
const GH = fake("ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8");
const AWS = fake("AKIA", "IOSFODNN7EXAMPL3");
const PEM = fake("-----BEGIN RSA ", "PRIVATE KEY-----");

describe("findSecrets", () => {
  it.each([
    ["Hugging Face token", `const t = "${HF}";`],
    ["GitHub token", `token=${GH}`],
    ["AWS access key id", `aws_access_key_id = ${AWS}`],
    ["private key", PEM],
    ["secret assignment", `API_KEY="${fake("Zk29sLq81n", "Xv03PaQw7rTy6u")}"`],
    [
      "credential in a URL",
      `git remote add o https://user:${fake("s3cr", "etPassw0rd")}@git.internal.net/r.git`,
    ],
  ])("catches a %s", (name, line) => {
    expect(findSecrets(`first line\n${line}\n`)).toEqual([{ line: 2, pattern: name }]);
  });

  it("leaves ordinary code, env references and placeholders alone", () => {
    const text = [
      "const token = process.env.HF_TOKEN;",
      "HF_TOKEN: ${{ secrets.HF_TOKEN }}",
      'const TOKEN = "test-admin-token-0123456789abcdef";',
      "ADMIN_TOKEN=",
      'const SECRET = "do-not-serve-this-file";',
      "https://huggingface.co/spaces/owner/name",
      `a hash: ${"9".repeat(64)}`,
    ].join("\n");
    expect(findSecrets(text)).toEqual([]);
  });

  it("never returns the matched value", () => {
    expect(JSON.stringify(findSecrets(HF))).not.toContain(HF);
  });
});

describe("scanFiles", () => {
  it("reports an .env file and a token by path and line; skips binary files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "secret-scan-"));
    writeFileSync(join(dir, ".env"), "X=1\n");
    writeFileSync(join(dir, ".env.example"), "HF_TOKEN=\n");
    writeFileSync(join(dir, "a.ts"), `ok\nconst t = "${GH}";\n`);
    writeFileSync(join(dir, "b.bin"), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(HF)]));
    const findings = await scanFiles(dir, [".env", ".env.example", "a.ts", "b.bin"]);
    expect(formatFindings(findings)).toEqual([
      ".env:0: environment file (.env)",
      "a.ts:2: GitHub token",
    ]);
  });

  it("knows environment files", () => {
    expect([".env", ".env.local", ".env.example", "env.ts"].map(isEnvFile)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
