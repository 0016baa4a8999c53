/**
 * The README front matter a Hugging Face Space reads (title, emoji, sdk, app_port, ...): written
 * for each target and parsed back for validation. Flat `key: value` lines only.
 */
export type Target = "docker" | "static";

const APP_PORT = 7860;
/** Hugging Face rejects a Space whose short_description is longer */
const SHORT_DESCRIPTION_MAX = 60;

function spaceFrontMatter(target: Target): Record<string, string | number> {
  return {
    title: "SENSEX next-day forecast",
    emoji: "📈",
    colorFrom: "indigo",
    colorTo: "green",
    sdk: target,
    ...(target === "docker" ? { app_port: APP_PORT } : { app_file: "index.html" }),
    short_description: "Next-day SENSEX forecasts with an honest track record",
    pinned: "false",
    license: "mit",
  };
}

export function renderReadme(target: Target, body: string): string {
  const lines = Object.entries(spaceFrontMatter(target)).map(([k, v]) => `${k}: ${v}`);
  return `---\n${lines.join("\n")}\n---\n\n${body.trim()}\n`;
}

/** The front matter of a README as strings, or null when it has none. */
export function parseFrontMatter(readme: string): Record<string, string> | null {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(readme);
  if (!match) return null;
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const kv = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(line);
    if (kv) fields[kv[1]!] = kv[2]!.trim().replace(/^["'](.*)["']$/, "$1");
  }
  return fields;
}

/** What is wrong with a Space README's front matter for this target (empty when nothing). */
export function frontMatterProblems(readme: string, target: Target): string[] {
  const fields = parseFrontMatter(readme);
  if (!fields) return ["README.md has no front matter (--- ... --- at the top)"];
  const problems: string[] = [];
  for (const key of ["title", "emoji", "sdk", "short_description"]) {
    if (!fields[key]) problems.push(`README.md front matter: "${key}" is missing`);
  }
  if (fields.sdk && fields.sdk !== target) {
    problems.push(`README.md front matter: sdk is "${fields.sdk}", expected "${target}"`);
  }
  if (target === "docker" && fields.app_port !== String(APP_PORT)) {
    problems.push(`README.md front matter: app_port must be ${APP_PORT} (the server's PORT)`);
  }
  const short = fields.short_description ?? "";
  if (short.length > SHORT_DESCRIPTION_MAX) {
    problems.push(
      `README.md front matter: short_description is over ${SHORT_DESCRIPTION_MAX} characters`,
    );
  }
  return problems;
}
