/**
 * Space folders are validated before anything leaves: a good tree passes; an .env file, a
 * token, a missing or wrong front matter field, a missing file, an oversized tree or a bundle
 * that breaks its contract are refused.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  frontMatterProblems,
  parseFrontMatter,
  renderReadme,
} from "../../scripts/deploy/front-matter.js";
import { validateSpace } from "../../scripts/deploy/validate.js";

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "space-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const goodStatic = () => ({
  "README.md": renderReadme("static", "# Dashboard"),
  "index.html": "<!doctype html><title>SENSEX</title>",
  "_file/data/forecast.json": '{"ok":true}',
});

describe("front matter", () => {
  it("is written with every field the Space needs", () => {
    const docker = parseFrontMatter(renderReadme("docker", "body"))!;
    expect(docker).toMatchObject({ sdk: "docker", app_port: "7860", emoji: "📈" });
    expect(docker.title).toBeTruthy();
    expect(docker.short_description!.length).toBeLessThanOrEqual(60);
    expect(parseFrontMatter(renderReadme("static", "body"))!.sdk).toBe("static");
  });

  it("refuses a missing field, a wrong sdk and a wrong port", () => {
    expect(frontMatterProblems("# no front matter", "static")).toHaveLength(1);
    const noEmoji = renderReadme("static", "b").replace(/^emoji:.*\n/m, "");
    expect(frontMatterProblems(noEmoji, "static")).toEqual([
      'README.md front matter: "emoji" is missing',
    ]);
    expect(frontMatterProblems(renderReadme("static", "b"), "docker").join()).toMatch(
      /sdk is "static"/,
    );
    const port = renderReadme("docker", "b").replace("app_port: 7860", "app_port: 8080");
    expect(frontMatterProblems(port, "docker").join()).toMatch(/app_port must be 7860/);
  });
});

describe("validateSpace", () => {
  it("passes a good static tree and lists its files", async () => {
    const result = await validateSpace(tree(goodStatic()), "static");
    expect(result.problems).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual([
      "README.md",
      "_file/data/forecast.json",
      "index.html",
    ]);
  });

  it("refuses a tree with an .env file", async () => {
    const result = await validateSpace(tree({ ...goodStatic(), "sub/.env": "X=1" }), "static");
    expect(result.problems).toEqual(["sub/.env: an environment file must not be deployed"]);
  });

  it("refuses a tree with a token in any file", async () => {
    const token = "hf_" + "QwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUi";
    const result = await validateSpace(
      tree({ ...goodStatic(), "app.js": `const t = "${token}";` }),
      "static",
    );
    expect(result.problems).toEqual([
      "app.js:1: secretlint huggingface/HUGGINGFACE_USER_ACCESS_TOKEN",
    ]);
    expect(result.problems.join()).not.toContain(token);
  });

  it("refuses a missing front matter field and a missing file", async () => {
    const files = {
      ...goodStatic(),
      "README.md": renderReadme("static", "b").replace(/^title:.*\n/m, ""),
    };
    delete (files as Record<string, string>)["index.html"];
    const result = await validateSpace(tree(files), "static");
    expect(result.problems).toEqual([
      "index.html is missing",
      'README.md front matter: "title" is missing',
    ]);
  });

  it("refuses a tree over the size limit", async () => {
    const result = await validateSpace(
      tree({ ...goodStatic(), "big.bin": "x".repeat(2000) }),
      "static",
      1000,
    );
    expect(result.problems.join()).toMatch(/over the limit of 1000/);
  });

  it("refuses a docker tree whose serving bundle breaks its contract", async () => {
    const files = {
      "README.md": renderReadme("docker", "b"),
      Dockerfile: "FROM node:20.20.2-bookworm-slim",
      ".dockerignore": ".env",
      "package.json": "{}",
      "package-lock.json": "{}",
      "dashboard/server/main.ts": "",
      "dashboard/build.ts": "",
      "artifacts/registry/aliases.json": '{"champion": 3, "challenger": null}',
      "artifacts/forecasts/latest.json": '{"schemaVersion": 1}',
    };
    const result = await validateSpace(tree(files), "docker");
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /^serving bundle: .*registry\/models\/3\/card.json is missing/,
    );
  });
});
