/**
 * A small Dockerfile reader: stages, instructions (continuation lines joined, comments
 * dropped) and the arguments of COPY, ENV and the exec-form CMD/HEALTHCHECK. Enough for the
 * invariant checks and the smoke replay; not a full BuildKit parser.
 */
import { readFileSync } from "node:fs";

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}

export interface CopyInstruction {
  from: string | null;
  chown: string | null;
  sources: string[];
  dest: string;
}

export function parseInstructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i]!.trim();
    if (current === "" || current.startsWith("#")) continue;
    while (current.endsWith("\\") && i + 1 < lines.length) {
      i++;
      const next = lines[i]!.trim();
      current = current.slice(0, -1).trimEnd() + (next.startsWith("#") ? "" : " " + next);
    }
    const match = /^(\S+)\s*(.*)$/.exec(current);
    if (match)
      result.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 });
  }
  return result;
}

function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const asIndex = words.findIndex((w) => w.toUpperCase() === "AS");
      stages.push({
        image: words[0] ?? "",
        name: asIndex >= 0 ? (words[asIndex + 1] ?? null) : null,
        instructions: [],
      });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

export function readStages(path: string): Stage[] {
  return parseStages(readFileSync(path, "utf8"));
}

export function parseCopy(args: string): CopyInstruction {
  const words = args.startsWith("[")
    ? (JSON.parse(args) as string[])
    : args.split(/\s+/).filter(Boolean);
  let from: string | null = null;
  let chown: string | null = null;
  const rest: string[] = [];
  for (const word of words) {
    if (word.startsWith("--from=")) from = word.slice("--from=".length);
    else if (word.startsWith("--chown=")) chown = word.slice("--chown=".length);
    else if (!word.startsWith("--")) rest.push(word);
  }
  if (rest.length < 2) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { from, chown, sources: rest.slice(0, -1), dest: rest.at(-1)! };
}

/** ENV key=value pairs (the form this project uses; quotes around values are removed). */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
    env[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
  }
  return env;
}

/** The exec (JSON array) form of CMD, ENTRYPOINT or the command of a HEALTHCHECK. */
export function execForm(args: string): string[] {
  const start = args.indexOf("[");
  if (start < 0) throw new Error(`expected the exec form ["cmd", "arg"]: ${args}`);
  const parsed: unknown = JSON.parse(args.slice(start));
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) {
    throw new Error(`expected a JSON array of strings: ${args}`);
  }
  return parsed;
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
