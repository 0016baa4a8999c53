/**
 * The repository's secretlint rules (.secretlintrc.json, run by `npm run scan:secrets` and by the
 * deployment check): real token shapes are caught, placeholders and ordinary code are not, and
 * the report masks the value.
 */
import { createEngine } from "@secretlint/node";
import { describe, expect, it } from "vitest";

const CONFIG = new URL("../../.secretlintrc.json", import.meta.url).pathname;

// assembled at run time, so this file itself does not hold a token shape
const fake = (prefix: string, body: string) => prefix + body;
const HF = fake("hf_", "aBcdEfGhIjKlMnOpQrStUvWxYzaBcDeFgH");
const GH = fake("ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8");
const AWS = fake("AKIA", "IOSFODNN7EXAMPL3");
const PEM = [
  fake("-----BEGIN RSA ", "PRIVATE KEY-----"),
  "MIIEowIBAAKCAQEA".repeat(8),
  fake("-----END RSA ", "PRIVATE KEY-----"),
].join("\n");

interface Finding {
  line: number;
  messageId: string;
}

async function scan(content: string, filePath = "/repo/app.ts") {
  const engine = await createEngine({
    configFilePath: CONFIG,
    formatter: "json",
    color: false,
    maskSecrets: true,
  });
  const { ok, output } = await engine.executeOnContent({ content, filePath });
  const [result] = JSON.parse(output) as {
    messages: { messageId: string; loc: { start: { line: number } } }[];
  }[];
  const findings: Finding[] = result!.messages.map((m) => ({
    line: m.loc.start.line,
    messageId: m.messageId,
  }));
  return { ok, findings, printed: JSON.stringify(result!.messages) };
}

describe("the secretlint rules", () => {
  it.each([
    ["HUGGINGFACE_USER_ACCESS_TOKEN", `const t = "${HF}";`],
    ["GITHUB_TOKEN", `token=${GH}`],
    ["AWSAccessKeyID", `aws_access_key_id = ${AWS}`],
    ["PrivateKey", PEM],
    ["PATTERN", `API_KEY="${fake("Zk29sLq81n", "Xv03PaQw7rTy6u")}"`],
    ["PATTERN", `const key = "${fake("AIza", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q")}";`],
    [
      "BasicAuth",
      `git remote add o https://user:${fake("s3cr", "etPassw0rd")}@git.internal.net/r.git`,
    ],
  ])("catch a %s", async (messageId, line) => {
    const { ok, findings } = await scan(`first line\n${line}\n`);
    expect(ok).toBe(false);
    expect(findings).toEqual([{ line: 2, messageId }]);
  });

  it("leave ordinary code, env references and placeholders alone", async () => {
    const text = [
      "const token = process.env.HF_TOKEN;",
      "HF_TOKEN: ${{ secrets.HF_TOKEN }}",
      'const TOKEN = "test-admin-token-0123456789abcdef";',
      "ADMIN_TOKEN=",
      'const SECRET = "do-not-serve-this-file";',
      "https://huggingface.co/spaces/owner/name",
      `a hash: ${"9".repeat(64)}`,
    ].join("\n");
    expect(await scan(text)).toMatchObject({ ok: true, findings: [] });
  });

  it("refuse an environment file by its name, not .env.example", async () => {
    expect((await scan("X=1\n", "/repo/.env")).ok).toBe(false);
    expect((await scan("X=1\n", "/repo/sub/.env.local")).ok).toBe(false);
    expect((await scan("HF_TOKEN=\n", "/repo/.env.example")).ok).toBe(true);
  });

  it("never print the matched value", async () => {
    const { ok, printed } = await scan(`const t = "${HF}";`);
    expect(ok).toBe(false);
    expect(printed).not.toContain(HF);
  });
});
