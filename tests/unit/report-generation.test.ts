import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import {
  evaluationMetricsSchema,
  modelCardSchema,
  type EvaluationMetrics,
  type ModelMetrics,
} from "../../core/contracts.js";
import { main, type ReportIo } from "../../pipeline/report/cli.js";
import { fixed, markdownTable, pValue, percent } from "../../pipeline/report/format.js";
import {
  REPORT_END,
  REPORT_START,
  renderReport,
  replaceGeneratedSection,
} from "../../pipeline/report/render.js";
import { makeCard } from "../helpers/model-card.js";
import { tempArtifactsDir } from "../helpers/pipeline-context.js";

const MODELS = ["mlp", "logistic", "always-up", "zero-return", "historical-mean"] as const;
const RETURN_MODELS = new Set<string>(["mlp", "zero-return", "historical-mean"]);

type Numbers = Omit<ModelMetrics, "model" | "n" | "dieboldMariano">;

/** Numbers of the size a real walk-forward run gives: everything near a coin toss. */
const INDEX_NUMBERS: Record<(typeof MODELS)[number], Numbers> = {
  mlp: {
    accuracy: 0.51281,
    balancedAccuracy: 0.50342,
    mcc: 0.00713,
    brier: 0.249731,
    brierSkill: -0.00042,
    logLoss: 0.69281,
    logLossSkill: -0.00051,
    mae: 0.008123,
    rmse: 0.011456,
    r2OutOfSample: -0.0035,
    ece: 0.02131,
    pesaranTimmermann: { statistic: 0.41, pValue: 0.3409 },
  },
  logistic: {
    accuracy: 0.5191,
    balancedAccuracy: 0.5012,
    mcc: 0.0041,
    brier: 0.24961,
    brierSkill: 0.00006,
    logLoss: 0.69259,
    logLossSkill: -0.00012,
    mae: null,
    rmse: null,
    r2OutOfSample: null,
    ece: 0.0154,
    pesaranTimmermann: { statistic: 0.22, pValue: 0.4129 },
  },
  "always-up": {
    accuracy: 0.5331,
    balancedAccuracy: 0.5,
    mcc: 0,
    brier: 0.249626,
    brierSkill: 0,
    logLoss: 0.69237,
    logLossSkill: 0,
    mae: null,
    rmse: null,
    r2OutOfSample: null,
    ece: 0.0041,
    pesaranTimmermann: { statistic: null, pValue: 1 },
  },
  "zero-return": {
    accuracy: 0.4669,
    balancedAccuracy: 0.5,
    mcc: 0,
    brier: 0.25,
    brierSkill: -0.0015,
    logLoss: 0.693147,
    logLossSkill: -0.00112,
    mae: 0.008102,
    rmse: 0.011421,
    r2OutOfSample: -0.0009,
    ece: 0.0331,
    pesaranTimmermann: { statistic: null, pValue: 1 },
  },
  "historical-mean": {
    accuracy: 0.5331,
    balancedAccuracy: 0.5,
    mcc: 0,
    brier: 0.2499,
    brierSkill: -0.0011,
    logLoss: 0.69311,
    logLossSkill: -0.0011,
    mae: 0.008099,
    rmse: 0.011416,
    r2OutOfSample: 0,
    ece: 0.0331,
    pesaranTimmermann: { statistic: null, pValue: 1 },
  },
};

function dieboldMariano(model: string): ModelMetrics["dieboldMariano"] {
  const dm: ModelMetrics["dieboldMariano"] = {};
  MODELS.filter((other) => other !== model).forEach((other, i) => {
    const returns = RETURN_MODELS.has(model) && RETURN_MODELS.has(other);
    dm[other] = {
      loss: returns ? "squared-return-error" : "brier",
      statistic: 0.9 - 0.45 * i,
      pValue: 0.368 + 0.1 * i,
      pValueBetter: 0.816 - 0.05 * i,
      pValueWorse: 0.184 + 0.05 * i,
    };
  });
  return dm;
}

function scope(n: number, withBacktest: boolean): EvaluationMetrics["scopes"][string] {
  return {
    n,
    upRate: 0.5331,
    models: MODELS.map((model) => ({
      model,
      n,
      ...structuredClone(INDEX_NUMBERS[model]),
      dieboldMariano: dieboldMariano(model),
    })),
    reliability: Array.from({ length: 10 }, (_, i) => ({
      lower: i / 10,
      upper: (i + 1) / 10,
      count: i === 5 ? n : 0,
      meanPredicted: i === 5 ? 0.531 : null,
      observedRate: i === 5 ? 0.5331 : null,
    })),
    coverage: [
      { level: 0.8, coverage: 0.7983, meanWidth: 0.02412 },
      { level: 0.9, coverage: 0.8991, meanWidth: 0.03177 },
      { level: 0.95, coverage: 0.9488, meanWidth: 0.03951 },
    ],
    backtest: withBacktest
      ? [5, 10, 20].flatMap((costBps) => [
          {
            strategy: "mlp long/flat",
            costBps,
            totalReturn: 1.412 - costBps * 0.03,
            annualReturn: 0.0812 - costBps * 0.001,
            sharpe: 0.61 - costBps * 0.01,
            maxDrawdown: 0.3121,
            turnoverPerYear: 41.3,
            exposure: 0.912,
          },
          {
            strategy: "buy-and-hold",
            costBps,
            totalReturn: 2.1013,
            annualReturn: 0.1041,
            sharpe: 0.72,
            maxDrawdown: 0.3807,
            turnoverPerYear: 0.1,
            exposure: 1,
          },
        ])
      : [],
  };
}

function makeMetrics(version = 3): EvaluationMetrics {
  return evaluationMetricsSchema.parse({
    schemaVersion: 1,
    version,
    createdAt: "2026-11-24T12:00:00.000Z",
    folds: 12,
    refitEvery: 250,
    embargoDays: 5,
    firstTestDate: "2012-01-02",
    lastTestDate: "2023-06-29",
    scopes: { index: scope(2874, true), constituents: scope(78411, false) },
    gates: [
      { name: "too-good", passed: true, detail: "out-of-sample accuracy at most 60.0%" },
      { name: "shuffled-labels", passed: true, detail: "accuracy 50.1% within 2 SE of 50.0%" },
      { name: "random-walk", passed: true, detail: "Pesaran-Timmermann p = 0.612" },
      { name: "canary", passed: true, detail: "a next-day-return feature is caught | ok" },
    ],
  });
}

const makeChampionCard = (version = 3) =>
  modelCardSchema.parse(makeCard(version, { backend: "wasm" }));

/** The network's row of one scope, for the verdict cases. */
function networkIn(metrics: EvaluationMetrics, scopeName = "index"): ModelMetrics {
  return metrics.scopes[scopeName]!.models.find((m) => m.model === "mlp")!;
}

/** The cells of the table row that starts with `first`, in the section after `heading`. */
function rowCells(markdown: string, heading: string, first: string): string[] {
  const section = markdown.slice(markdown.indexOf(heading));
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(" | ")
      .map((c) => c.trim());
  const line = section.split("\n").find((l) => l.startsWith("|") && cells(l)[0] === first);
  if (!line) throw new Error(`no row ${first} after ${heading}`);
  return cells(line);
}

const verdictOf = (markdown: string) => markdown.slice(markdown.indexOf("### Verdict"));

describe("report formatting", () => {
  it("formats percentages, numbers and p-values, with nulls as a dash", () => {
    expect(percent(0.51281, 1)).toBe("51.3%");
    expect(percent(-0.00042, 2)).toBe("-0.04%");
    expect(percent(-0.00001, 2)).toBe("0.00%");
    expect(percent(null, 2)).toBe("—");
    expect(fixed(0.00713, 3)).toBe("0.007");
    expect(fixed(Number.NaN, 2)).toBe("—");
    expect(pValue(0.3409)).toBe("0.341");
    expect(pValue(0.0004)).toBe("<0.001");
    expect(pValue(0.0007)).toBe("0.001");
  });

  it("pads tables the way prettier does and escapes pipes", async () => {
    const table = markdownTable(
      [{ header: "Gate" }, { header: "p", align: "right" }],
      [
        ["a|b", "0.5"],
        ["canary", "<0.001"],
      ],
    );
    expect(table.split("\n")).toEqual([
      "| Gate   |      p |",
      "| ------ | -----: |",
      "| a\\|b   |    0.5 |",
      "| canary | <0.001 |",
    ]);
    expect(await format(table, { parser: "markdown" })).toBe(table + "\n");
    expect(() => markdownTable([{ header: "x" }], [["a", "b"]])).toThrow(/2 cells for 1/);
  });
});

describe("renderReport", () => {
  const metrics = makeMetrics();
  const report = renderReport(metrics, makeChampionCard());

  it("starts with the model and the walk-forward setup", () => {
    expect(report.split("\n")[0]).toBe(
      "Model sensex-next-day v3 (kind mlp, backend wasm) · test period 2012-01-02..2023-06-29 · " +
        "12 folds · refit every 250 trading days · embargo 5 days",
    );
  });

  it("has a row per model in each scope with formatted numbers", () => {
    for (const heading of [
      "### Index (^BSESN alone)",
      "### Constituents (pooled current members)",
    ]) {
      for (const model of MODELS) expect(() => rowCells(report, heading, model)).not.toThrow();
    }
    expect(rowCells(report, "### Index", "mlp")).toEqual([
      "mlp",
      "2874",
      "51.3%",
      "50.3%",
      "0.007",
      "0.2497",
      "-0.04%",
      "-0.05%",
      "0.81%",
      "1.15%",
      "-0.35%",
      "2.13%",
      "0.341",
    ]);
    const alwaysUp = rowCells(report, "### Index", "always-up");
    expect(alwaysUp.slice(8, 11)).toEqual(["—", "—", "—"]);
    expect(alwaysUp[12]).toBe("1.000");
  });

  it("tabulates Diebold-Mariano of the network against every other model", () => {
    const dm = report.slice(report.indexOf("Diebold-Mariano (HLN) of mlp"));
    expect(rowCells(dm, "| Against", "logistic")).toEqual([
      "logistic",
      "brier",
      "0.90",
      "0.368",
      "0.816",
      "0.184",
    ]);
    expect(rowCells(dm, "| Against", "zero-return")[1]).toBe("squared-return-error");
    expect(rowCells(dm, "| Against", "historical-mean")[2]).toBe("-0.45");
  });

  it("shows interval coverage, the backtest of the index and the leakage gates", () => {
    expect(rowCells(report, "### Index", "80%")).toEqual(["80%", "79.8%", "2.41%"]);
    expect(rowCells(report, "### Index", "mlp long/flat")).toEqual([
      "mlp long/flat",
      "5",
      "126.2%",
      "7.62%",
      "0.56",
      "31.2%",
      "41.3",
      "91.2%",
    ]);
    const constituents = report.slice(report.indexOf("### Constituents"));
    expect(constituents).toContain("Backtest: — (not run for this scope).");
    expect(rowCells(report, "### Leakage gates", "canary")).toEqual([
      "canary",
      "yes",
      "a next-day-return feature is caught \\| ok",
    ]);
  });

  it("is already in prettier's markdown format, so README.md passes the lint", async () => {
    expect(await format(report, { parser: "markdown", printWidth: 100 })).toBe(report);
  });

  it("refuses a card of another version than the metrics", () => {
    expect(() => renderReport(metrics, makeChampionCard(4))).toThrow(/version 3.*version 4/);
  });
});

describe("verdict", () => {
  const card = makeChampionCard();

  it("says the network does not beat always-up when its Brier skill is not above zero", () => {
    for (const skill of [-0.00042, 0]) {
      const metrics = makeMetrics();
      networkIn(metrics).brierSkill = skill;
      const verdict = verdictOf(renderReport(metrics, card));
      expect(verdict).toContain(
        `The network does not beat always-up on Brier skill (${percent(skill, 2)}).`,
      );
    }
  });

  it("says the network beats always-up when its Brier skill is above zero", () => {
    const metrics = makeMetrics();
    networkIn(metrics).brierSkill = 0.0012;
    const verdict = verdictOf(renderReport(metrics, card));
    expect(verdict).toContain(
      "The network beats always-up on Brier skill (0.12%), though Diebold-Mariano (HLN) does not find the difference significant at 5% (p(better) = 0.766).",
    );
    expect(verdict).toContain("passes 1 of 9 checks (index: Brier skill)");
    networkIn(metrics).dieboldMariano["always-up"]!.pValueBetter = 0.01;
    expect(verdictOf(renderReport(metrics, card))).toContain(
      "The network beats always-up on Brier skill (0.12%), significantly at 5% under Diebold-Mariano (HLN) (p(better) = 0.010).",
    );
  });

  it("flips the Pesaran-Timmermann wording at 0.05", () => {
    const at = (p: number) => {
      const metrics = makeMetrics();
      networkIn(metrics).pesaranTimmermann.pValue = p;
      return verdictOf(renderReport(metrics, card));
    };
    expect(at(0.049)).toContain(
      "Its accuracy (51.3%) is significantly better than chance (Pesaran-Timmermann p = 0.049, below 0.05).",
    );
    expect(at(0.05)).toContain(
      "Its accuracy (51.3%) is not significantly better than chance (Pesaran-Timmermann p = 0.050, not below 0.05).",
    );
  });

  it("reads Diebold-Mariano against the return baselines at 5% in both directions", () => {
    const metrics = makeMetrics();
    networkIn(metrics).dieboldMariano["zero-return"]!.pValueBetter = 0.021;
    networkIn(metrics).dieboldMariano["historical-mean"]!.pValueWorse = 0.003;
    const verdict = verdictOf(renderReport(metrics, card));
    expect(verdict).toContain("better than zero-return at 5% (p(better) = 0.021)");
    expect(verdict).toContain("worse than historical-mean at 5% (p(worse) = 0.003)");
  });

  it("compares long/flat with buy-and-hold after 10 bps", () => {
    const metrics = makeMetrics();
    expect(verdictOf(renderReport(metrics, card))).toContain(
      "After 10 bps per trade the long/flat strategy makes 7.12% a year against 10.41% for buy-and-hold: it does not beat buy-and-hold.",
    );
    const strategy = metrics.scopes.index!.backtest.find(
      (b) => b.strategy === "mlp long/flat" && b.costBps === 10,
    )!;
    strategy.totalReturn = 3;
    expect(verdictOf(renderReport(metrics, card))).toContain("it beats buy-and-hold.");
  });

  it("says plainly when nothing beats the baselines, and names the survivorship bias", () => {
    const verdict = verdictOf(renderReport(makeMetrics(), card));
    expect(verdict).toContain(
      "Bottom line: the network does not beat the baselines on any of the 9 checks. " +
        "That is the expected, honest outcome",
    );
    expect(verdict).toContain(
      "Membership is today's list applied to the past (survivorship bias).",
    );
    expect(verdict).not.toContain("Leakage gate");
  });

  it("warns when a leakage gate failed", () => {
    const metrics = makeMetrics();
    metrics.gates[0]!.passed = false;
    const report = renderReport(metrics, card);
    expect(rowCells(report, "### Leakage gates", "too-good")[1]).toBe("**no**");
    expect(verdictOf(report)).toContain("Leakage gate failed (too-good)");
  });
});

describe("replaceGeneratedSection", () => {
  const before = "# Title\n\nIntro.\n\n## Results (generated)\n\n";
  const after = "\n\n## Later\n\nText after.\n";
  const readme = `${before}${REPORT_START}\n\nPlaceholder.\n\n${REPORT_END}${after}`;

  it("replaces only the text between the markers, and again gives the same", () => {
    const once = replaceGeneratedSection(readme, "New **section**.\n");
    expect(once).toBe(`${before}${REPORT_START}\n\nNew **section**.\n\n${REPORT_END}${after}`);
    expect(replaceGeneratedSection(once, "New **section**.\n")).toBe(once);
    expect(replaceGeneratedSection(once, "Placeholder.")).toBe(readme);
  });

  it("throws when a marker is missing, repeated or out of order", () => {
    expect(() => replaceGeneratedSection("# Title\n", "x")).toThrow(/report:start.*missing/);
    expect(() => replaceGeneratedSection(`${REPORT_START}\n`, "x")).toThrow(/report:end.*missing/);
    expect(() => replaceGeneratedSection(`${readme}${REPORT_START}`, "x")).toThrow(/repeated/);
    expect(() => replaceGeneratedSection(`${REPORT_END}\n${REPORT_START}\n`, "x")).toThrow(
      /before/,
    );
  });
});

describe("npm run report (main)", () => {
  function captureIo(): ReportIo & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
      now: () => new Date("2026-11-24T15:30:00Z"),
    };
  }

  function championArtifacts(): { dir: string; readme: string } {
    const dir = tempArtifactsDir("report-");
    const artifacts = join(dir, "artifacts");
    mkdirSync(join(artifacts, "registry", "models", "3"), { recursive: true });
    mkdirSync(join(artifacts, "evaluation", "3"), { recursive: true });
    writeFileSync(
      join(artifacts, "registry", "aliases.json"),
      JSON.stringify({ champion: 3, challenger: 2 }),
    );
    writeFileSync(
      join(artifacts, "registry", "models", "3", "card.json"),
      JSON.stringify(makeChampionCard()),
    );
    writeFileSync(
      join(artifacts, "evaluation", "3", "metrics.json"),
      JSON.stringify(makeMetrics()),
    );
    const readme = join(dir, "README.md");
    writeFileSync(
      readme,
      `# Project\n\n## Results (generated)\n\n${REPORT_START}\n\nRun \`npm run report\` after \`npm start\` to fill this section.\n\n${REPORT_END}\n\n## Footer\n`,
    );
    return { dir: artifacts, readme };
  }

  it("prints the tables and writes the section between the markers", async () => {
    const { dir, readme } = championArtifacts();
    const io = captureIo();
    await main(["--artifacts-dir", dir, "--readme", readme], io);
    const printed = io.out.join("");
    expect(printed).toBe(renderReport(makeMetrics(), makeChampionCard()));
    expect(printed).toContain("| mlp ");
    expect(printed).toContain("### Verdict");

    const written = readFileSync(readme, "utf8");
    expect(written.startsWith(`# Project\n\n## Results (generated)\n\n${REPORT_START}\n\n`)).toBe(
      true,
    );
    expect(written.endsWith(`\n\n${REPORT_END}\n\n## Footer\n`)).toBe(true);
    expect(written).toContain(
      "Generated by `npm run report` from artifacts/evaluation/3/metrics.json on 2026-11-24.",
    );
    expect(written).toContain(printed.trimEnd());
    expect(written).not.toContain("to fill this section");
    expect(await format(written, { parser: "markdown", printWidth: 100 })).toBe(written);
    expect(io.err.join("")).toContain("generated section updated");

    await main(["--artifacts-dir", dir, "--readme", readme], io);
    expect(readFileSync(readme, "utf8")).toBe(written);
    expect(io.err.join("")).toContain("already up to date");
  });

  it("prints only with --no-write", async () => {
    const { dir, readme } = championArtifacts();
    const original = readFileSync(readme, "utf8");
    const io = captureIo();
    await main(["--artifacts-dir", dir, "--readme", readme, "--no-write"], io);
    expect(io.out.join("")).toContain("### Leakage gates");
    expect(readFileSync(readme, "utf8")).toBe(original);
  });

  it("fails clearly when the README has no markers, leaving it alone", async () => {
    const { dir, readme } = championArtifacts();
    writeFileSync(readme, "# Project\n");
    await expect(main(["--artifacts-dir", dir, "--readme", readme], captureIo())).rejects.toThrow(
      /report:start/,
    );
    expect(readFileSync(readme, "utf8")).toBe("# Project\n");
  });

  it("says there is no champion yet, with or without an aliases file", async () => {
    const message = "no champion yet: run `npm start` (or `npm run pipeline -- run`) first";
    const empty = tempArtifactsDir("report-empty-");
    await expect(main(["--artifacts-dir", empty, "--no-write"], captureIo())).rejects.toThrow(
      message,
    );
    mkdirSync(join(empty, "registry"), { recursive: true });
    writeFileSync(
      join(empty, "registry", "aliases.json"),
      JSON.stringify({ champion: null, challenger: 1 }),
    );
    await expect(main(["--artifacts-dir", empty, "--no-write"], captureIo())).rejects.toThrow(
      message,
    );
  });
});
