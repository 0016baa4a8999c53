/**
 * Token and key patterns: what the secret scan and the deployment check refuse. Each pattern
 * matches a credential's own shape (a known prefix, a PEM header) or a secret-looking
 * assignment with a long literal value, so ordinary code and docs do not trip it.
 */
interface SecretPattern {
  name: string;
  regex: RegExp;
  /** the value is an obvious placeholder (test fixtures, docs): not reported */
  placeholderOk?: boolean;
}

/** Values made up for tests and docs: "test", "example", a run of 0123456789, and the like. */
/** Generated secrets mix letters and digits; "do-not-serve-this-file" is a name, not a key. */
const MIXED = /(?=.*\d)(?=.*[A-Za-z])/;
const PLACEHOLDER = /test|example|dummy|fake|placeholder|changeme|redacted|0123456789|x{6,}|\$\{/i;

const SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: "private key", regex: /-----BEGIN [A-Z ]{0,24}PRIVATE KEY/ },
  { name: "Hugging Face token", regex: /\bhf_[A-Za-z0-9]{30,}\b/ },
  { name: "GitHub token", regex: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/ },
  { name: "GitHub fine-grained token", regex: /\bgithub_pat_[A-Za-z0-9_]{60,}\b/ },
  { name: "npm token", regex: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: "AWS access key id", regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: "Google API key", regex: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: "Slack token", regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { name: "OpenAI key", regex: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b/ },
  { name: "Stripe live key", regex: /\b[rs]k_live_[A-Za-z0-9]{24,}\b/ },
  {
    name: "JSON web token",
    regex: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/,
  },
  {
    name: "credential in a URL",
    regex: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"`]+:[^/\s:@'"`$]{8,}@[^\s'"`]+/,
    placeholderOk: true,
  },
  {
    name: "secret assignment",
    regex:
      /\b[A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|ACCESS_KEY)[A-Z0-9_]*\s*[=:]\s*["']?[A-Za-z0-9+/_\-.]{20,}["']?/,
    placeholderOk: true,
  },
];

interface SecretFinding {
  line: number;
  pattern: string;
}

/**
 * Lines of `text` matching a pattern. The matched value is never returned, so a report can be
 * printed without leaking what it found. A line ending in `secret-scan: allow` is skipped.
 */
export function findSecrets(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 20_000 || line.includes("secret-scan: allow")) continue;
    for (const pattern of SECRET_PATTERNS) {
      const match = pattern.regex.exec(line);
      if (!match) continue;
      const value = match[0].slice(match[0].search(/[=:]/) + 1); // not the variable's name
      if (pattern.placeholderOk && (PLACEHOLDER.test(value) || !MIXED.test(value))) continue;
      findings.push({ line: i + 1, pattern: pattern.name });
    }
  }
  return findings;
}

/** True for a file name that holds secrets by convention (.env, .env.local; not .env.example). */
export function isEnvFile(name: string): boolean {
  const env = name === ".env" || name.startsWith(".env.");
  return env && !/\.(?:example|sample|template)$/.test(name);
}
