/**
 * The workflows: actionlint finds nothing, and the job graph is what the gates need: every gate
 * job exists and cannot pass quietly, the pipeline's stages run in order after the shard
 * matrix, actions are pinned to commit SHAs, permissions start read-only.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { lintWorkflowText, lintWorkflows } from "../../scripts/lint-workflows.js";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  "continue-on-error"?: unknown;
}
interface Job {
  needs?: string | string[];
  uses?: string;
  if?: string;
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown> };
  permissions?: Record<string, string>;
  "continue-on-error"?: unknown;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": unknown };
  jobs: Record<string, Job>;
}

const DIR = ".github/workflows";
const load = (name: string) => parse(readFileSync(join(DIR, name), "utf8")) as Workflow;
const ci = load("ci.yml");
const pipeline = load("pipeline.yml");
const deploy = load("deploy.yml");
const all = { "ci.yml": ci, "pipeline.yml": pipeline, "deploy.yml": deploy };
const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");
const scripts = (
  JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }
).scripts;

describe("workflow lint (actionlint)", () => {
  it("finds nothing in .github/workflows", async () => {
    const { files, findings } = await lintWorkflows(DIR);
    expect(files.length).toBe(3);
    expect(findings).toEqual([]);
  }, 60_000);

  it("catches a broken expression (the lint is live)", async () => {
    const bad =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
    const findings = await lintWorkflowText(bad, "bad.yml");
    expect(findings.map((f) => f.kind)).toContain("expression");
  }, 60_000);
});

describe("ci.yml gates", () => {
  it("runs on pull requests and pushes to main", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["pull_request", "push"]));
  });

  it.each([
    ["lint", ["npx eslint .", "prettier --check", "npm run typecheck", "npm run lint:workflows"]],
    [
      "security",
      ["npm audit --omit=dev --audit-level=high", "npm run lint:security", "npm run scan:secrets"],
    ],
    ["test", ["npm test"]],
    ["browser", ["apt-get install -y chromium", "npm run test:browser"]],
    ["bench", ["npm run bench:serve -- --gate"]],
    ["smoke", ["npm run docker:smoke", "--target static", "--target docker"]],
    ["docs", ["npm run docs:check"]],
  ])("job %s runs %j", (name, commands) => {
    const job = ci.jobs[name];
    expect(job, `job ${name}`).toBeDefined();
    for (const command of commands) expect(runs(job!)).toContain(command);
  });

  it("builds both images and probes the serving container on /readyz", () => {
    const docker = ci.jobs.docker!;
    const files = docker
      .steps!.filter((s) => s.uses?.startsWith("docker/build-push-action"))
      .map((s) => s.with?.file);
    expect(files).toEqual(["Dockerfile.training", "Dockerfile.serving"]);
    expect(runs(docker)).toMatch(/docker run[\s\S]*\/readyz/);
  });

  it("tests on Node 20 and 22", () => {
    expect(ci.jobs.test!.strategy?.matrix?.node).toEqual(["20", "22"]);
  });
});

describe("every workflow", () => {
  it.each(Object.entries(all))("%s: no gate can fail quietly", (_name, wf) => {
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      expect(job["continue-on-error"], jobName).toBeUndefined();
      for (const step of job.steps ?? []) {
        expect(step["continue-on-error"], `${jobName}: ${step.run ?? step.uses}`).toBeUndefined();
        expect(step.run ?? "", jobName).not.toMatch(/\|\|\s*true|\|\|\s*:|set \+e/);
      }
    }
  });

  it.each(Object.entries(all))(
    "%s: read-only by default, writes only where a job says so",
    (_n, wf) => {
      expect(wf.permissions).toEqual({ contents: "read" });
      for (const job of Object.values(wf.jobs)) {
        for (const [scope, level] of Object.entries(job.permissions ?? {})) {
          if (level === "write") expect(scope).toBe("contents");
        }
      }
    },
  );

  it.each(Object.entries(all))(
    "%s: every action pinned to a commit SHA with its version",
    (name) => {
      const text =
        readFileSync(join(DIR, name), "utf8") +
        readFileSync(".github/actions/setup/action.yml", "utf8");
      const uses = [...text.matchAll(/uses:\s*(\S+)(.*)/g)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, rest] of uses) {
        if (ref!.startsWith("./")) {
          expect(existsSync(ref!), ref).toBe(true);
          continue;
        }
        expect(ref, ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(rest, ref).toMatch(/#\s*v\d+(\.\d+)*/);
      }
    },
  );

  it.each(Object.entries(all))("%s: every `npm run` script exists in package.json", (name, wf) => {
    // the commands the steps run (not the prose of job and step names)
    const text = Object.values(wf.jobs).map(runs).join("\n");
    for (const [, script] of text.matchAll(/npm run (?:--silent |-s )?([\w:-]+)/g)) {
      expect(Object.keys(scripts), `npm run ${script} in ${name}`).toContain(script);
    }
  });

  it("prints no secret: secrets reach steps through env only", () => {
    for (const name of Object.keys(all)) {
      const text = readFileSync(join(DIR, name), "utf8");
      for (const line of text.split("\n").filter((l) => l.includes("secrets."))) {
        expect(line, `${name}: ${line}`).toMatch(
          /^\s*[A-Z_]+:\s*\$\{\{\s*secrets\.[A-Z_]+\s*\}\}\s*$/,
        );
      }
    }
  });
});

describe("pipeline.yml", () => {
  it("runs on weekdays after the Indian close and by hand with source and force", () => {
    const schedule = pipeline.on.schedule as { cron: string }[];
    expect(schedule[0]!.cron).toBe("30 11 * * 1-5");
    const inputs = (pipeline.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    expect(Object.keys(inputs)).toEqual(["source", "force"]);
  });

  it("never runs twice at once and never cancels a running run", () => {
    expect(pipeline.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  it("runs the data stages as a shard matrix that feeds the merge", () => {
    const data = pipeline.jobs.data!;
    expect((data.strategy?.matrix?.shard as number[]).length).toBeGreaterThan(1);
    for (const stage of ["ingest", "validate", "features"]) {
      expect(runs(data)).toContain(
        `npm run pipeline -- ${stage} --source "$SOURCE" --shard "$SHARD"`,
      );
    }
    const upload = data.steps!.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
    expect(upload.with?.name).toBe("${{ matrix.shard }}-of-${{ strategy.job-total }}");
    const merge = pipeline.jobs.merge!;
    expect(needsOf(merge)).toContain("data");
    const download = merge.steps!.find((s) => s.with?.pattern !== undefined)!;
    expect(download.with).toMatchObject({ pattern: "*-of-*", path: "artifacts/shards" });
    expect(runs(merge)).toContain("npm run pipeline -- merge");
  });

  it("chains the stages in order: restore, data, merge, train, evaluate, register, forecast, publish, persist, deploy", () => {
    const order = [
      "restore",
      "data",
      "merge",
      "train",
      "evaluate",
      "register",
      "forecast",
      "publish",
      "persist",
      "deploy",
    ];
    for (let i = 1; i < order.length; i++) {
      expect(needsOf(pipeline.jobs[order[i]!]!), order[i]).toContain(order[i - 1]);
    }
    for (const stage of ["train", "evaluate", "register", "forecast"]) {
      expect(runs(pipeline.jobs[stage]!)).toContain(`npm run pipeline -- ${stage}`);
    }
  });

  it("restores the state first, persists it last with the only write permission", () => {
    expect(runs(pipeline.jobs.restore!)).toContain("npm run --silent state -- restore");
    expect(runs(pipeline.jobs.persist!)).toContain("npm run state -- save");
    expect(pipeline.jobs.persist!.permissions).toEqual({ contents: "write" });
    for (const [name, job] of Object.entries(pipeline.jobs)) {
      if (name !== "persist") expect(job.permissions?.contents ?? "read", name).toBe("read");
    }
  });

  it("deploys through deploy.yml only when the champion or forecasts changed", () => {
    const job = pipeline.jobs.deploy!;
    expect(job.uses).toBe("./.github/workflows/deploy.yml");
    expect(job.if).toBe("needs.publish.outputs.changed == 'true'");
  });
});

describe("deploy.yml", () => {
  it("is reusable and manual, prepares then pushes", () => {
    expect(Object.keys(deploy.on)).toEqual(
      expect.arrayContaining(["workflow_call", "workflow_dispatch"]),
    );
    const text = runs(deploy.jobs.deploy!);
    expect(text.indexOf("deploy:prepare -- --target")).toBeLessThan(text.indexOf("--push"));
  });
});
