/**
 * What the serving image holds, read from Dockerfile.serving: the runtime stage's COPY
 * instructions, its environment, command, exposed port, user and health check, and the deps
 * stage the runtime's node_modules come from. The invariant test and the smoke replay share it.
 */
import {
  execForm,
  instructionsOf,
  parseCopy,
  parseEnv,
  readStages,
  type CopyInstruction,
  type Stage,
} from "./dockerfile.js";

interface ServingPlan {
  stages: Stage[];
  runtime: Stage;
  copies: CopyInstruction[];
  env: Record<string, string>;
  cmd: string[];
  workdir: string;
  user: string | null;
  exposed: string[];
  healthcheck: string[];
}

export function stageNamed(stages: readonly Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage named "${name}" in the Dockerfile`);
  return stage;
}

export function servingPlan(dockerfile: string): ServingPlan {
  const stages = readStages(dockerfile);
  const runtime = stages.at(-1);
  if (!runtime) throw new Error(`${dockerfile} has no stage`);
  const last = (keyword: string) => instructionsOf(runtime, keyword).at(-1)?.args;
  const env: Record<string, string> = {};
  for (const i of instructionsOf(runtime, "ENV")) Object.assign(env, parseEnv(i.args));
  const cmd = last("CMD");
  if (!cmd) throw new Error(`${dockerfile}: the runtime stage has no CMD`);
  const health = last("HEALTHCHECK");
  return {
    stages,
    runtime,
    copies: instructionsOf(runtime, "COPY").map((i) => parseCopy(i.args)),
    env,
    cmd: execForm(cmd),
    workdir: last("WORKDIR") ?? "/",
    user: last("USER") ?? null,
    exposed: instructionsOf(runtime, "EXPOSE").flatMap((i) => i.args.split(/\s+/)),
    healthcheck: health ? execForm(health.slice(health.indexOf("CMD") + 3)) : [],
  };
}
