/**
 * Invariants of the two Dockerfiles, checked without a Docker engine: pinned base images, the
 * non-root user 1000, the exposed port, a health check on a route the server has, every COPY
 * source present (in the checkout, minus .dockerignore, or in an earlier stage), npm ci from
 * the lockfile, no secret in any layer.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { instructionsOf, parseCopy, readStages, servingPlan } from "../../scripts/docker-smoke.js";

const FILES = ["Dockerfile.serving", "Dockerfile.training"];
const ignored = readFileSync(".dockerignore", "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#") && !l.startsWith("!"));
const routeSources = readdirSync("dashboard/server/routes")
  .map((f) => readFileSync(join("dashboard/server/routes", f), "utf8"))
  .join("\n");

describe.each(FILES)("%s", (file) => {
  const stages = readStages(file);
  const text = readFileSync(file, "utf8");

  it("pins every base image to an exact version or a digest", () => {
    const names = new Set(stages.map((s) => s.name));
    for (const stage of stages) {
      if (names.has(stage.image)) continue;
      expect(stage.image).toMatch(
        /^node:\d+\.\d+\.\d+-[\w-]+(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$/,
      );
    }
  });

  it("runs as the non-root user 1000", () => {
    expect(instructionsOf(stages.at(-1)!, "USER").at(-1)?.args).toBe("1000");
  });

  it("installs with npm ci from the lockfile, never npm install of the project", () => {
    const runs = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === "RUN")
      .map((i) => i.args);
    expect(runs.some((r) => /npm ci\b/.test(r))).toBe(true);
    for (const stage of stages) {
      const ci = instructionsOf(stage, "RUN").findIndex((i) => /npm ci\b/.test(i.args));
      if (ci < 0) continue;
      const lock = instructionsOf(stage, "COPY").findIndex((i) =>
        i.args.includes("package-lock.json"),
      );
      expect(lock, `${stage.name}: package-lock.json copied before npm ci`).toBeGreaterThanOrEqual(
        0,
      );
      expect(instructionsOf(stage, "COPY")[lock]!.line).toBeLessThan(
        instructionsOf(stage, "RUN")[ci]!.line,
      );
    }
    for (const r of runs)
      expect(r).not.toMatch(/npm install(?!\s+--no-save[^&]*@tensorflow\/tfjs-node@)/);
  });

  it("copies only sources that exist in the build context or an earlier stage", () => {
    const seen = new Set<string>();
    for (const stage of stages) {
      for (const copy of instructionsOf(stage, "COPY").map(parseCopy)) {
        if (copy.from) {
          expect(seen.has(copy.from), `stage ${copy.from} before ${stage.name}`).toBe(true);
          continue;
        }
        for (const source of copy.sources) {
          expect(existsSync(source), `${source} exists`).toBe(true);
          expect(ignored, `${source} is not excluded by .dockerignore`).not.toContain(source);
        }
      }
      if (stage.name) seen.add(stage.name);
    }
  });

  it("holds no secret: no token in ARG or ENV, no .env copied", () => {
    for (const i of stages
      .flatMap((s) => s.instructions)
      .filter((i) => ["ARG", "ENV"].includes(i.keyword))) {
      expect(i.args).not.toMatch(/TOKEN|SECRET|PASSWORD|KEY=/i);
    }
    expect(text).not.toMatch(/COPY[^\n]*\.env\b/);
  });
});

describe("Dockerfile.serving", () => {
  const plan = servingPlan("Dockerfile.serving");
  const text = readFileSync("Dockerfile.serving", "utf8");

  it("is multi-stage: build, production deps, a runtime stage", () => {
    expect(plan.stages.map((s) => s.name)).toEqual(["build", "deps", "runtime"]);
    expect(
      instructionsOf(plan.stages[1]!, "RUN")
        .map((i) => i.args)
        .join(),
    ).toMatch(/npm ci --omit=dev/);
  });

  it("binds 0.0.0.0 on PORT 7860 and exposes it", () => {
    expect(plan.env).toMatchObject({ PORT: "7860", HOST: "0.0.0.0" });
    expect(plan.exposed).toEqual(["7860"]);
  });

  it("health-checks /readyz, a route the server has", () => {
    const command = plan.healthcheck.join(" ");
    expect(command).toContain("/readyz");
    expect(routeSources).toContain('"/readyz"');
  });

  it("bakes in the built dashboard, the compiled server and the serving bundle, and runs it", () => {
    const sources = plan.copies.flatMap((c) => c.sources);
    expect(sources).toEqual(
      expect.arrayContaining([
        "/app/dashboard/dist",
        "/app/build/server",
        "/bundle",
        "/app/node_modules",
      ]),
    );
    expect(plan.cmd[0]).toBe("node");
    expect(plan.cmd.at(-1)).toBe("build/server/main.cjs");
  });

  it("compiles the server from dashboard/server/main.ts with the build:server script it runs", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(text).toMatch(/npm run build:server/);
    expect(pkg.scripts["build:server"]).toMatch(/dashboard\/server\/main\.ts/);
    expect(pkg.scripts["build:server"]).toMatch(/--outfile=build\/server\/main\.cjs/);
    expect(existsSync("dashboard/server/main.ts")).toBe(true);
  });
});

describe(".dockerignore", () => {
  it("keeps out installs, secrets, history and other runs' outputs", () => {
    for (const entry of [
      ".git",
      "node_modules",
      ".env",
      "coverage",
      "dashboard/dist",
      "artifacts/shards",
      "artifacts/**/.cache",
    ]) {
      expect(ignored).toContain(entry);
    }
  });
});

describe("Dockerfile.training", () => {
  it("installs tfjs-node and runs the pipeline into a mounted volume", () => {
    const stage = readStages("Dockerfile.training").at(-1)!;
    const text = readFileSync("Dockerfile.training", "utf8");
    expect(text).toContain("@tensorflow/tfjs-node@");
    expect(instructionsOf(stage, "VOLUME")[0]?.args).toContain("/artifacts");
    expect(
      instructionsOf(stage, "ENV")
        .map((i) => i.args)
        .join(" "),
    ).toContain("ARTIFACTS_DIR=/artifacts");
    expect(instructionsOf(stage, "CMD")[0]?.args).toBe('["run"]');
  });
});
