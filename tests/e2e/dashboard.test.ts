/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), served by the
 * real server with the real artifacts, and by a plain static file server (no API). The
 * dashboard is built first when it is missing or older than the artifacts or its sources.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.js";
import { forecastBundleSchema, type ForecastBundle } from "../../core/contracts.js";
import { refreshPipeline } from "../../dashboard/start/refresh-pipeline.js";
import { buildDashboard, dashboardIsStale, DIST_DIR } from "../../dashboard/build.js";
import { freshness } from "../../dashboard/src/components/analytics.js";
import { formatProbability } from "../../dashboard/src/components/format.js";
import { launchBrowser, watchPage, type PageProblems } from "./support/browser.js";
import { CELL_ERRORS, PAGES, RENDERED } from "./support/pages.js";
import { startApiServer, startStaticServer, type RunningServer } from "./support/servers.js";

const ARTIFACTS_DIR = resolve("artifacts");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

let browser: Browser;
let api: RunningServer;
let published: ForecastBundle;

beforeAll(async () => {
  // a fresh clone has no artifacts yet: make them as `npm start` does (the real pipeline)
  if (!existsSync(join(ARTIFACTS_DIR, "forecasts", "latest.json"))) {
    await refreshPipeline(loadConfig({ ARTIFACTS_DIR }), (line) => console.log(line));
  }
  // the browser first: without Chromium every test fails with how to install it
  browser = await launchBrowser();
  if (await dashboardIsStale(ARTIFACTS_DIR)) await buildDashboard();
  api = await startApiServer(DIST_DIR, ARTIFACTS_DIR);
  const response = await fetch(`${api.url}/api/forecast`);
  published = forecastBundleSchema.parse(await response.json());
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function open(
  server: RunningServer,
  path: string,
  viewport = DESKTOP,
): Promise<{ page: Page; problems: PageProblems; csp: string | undefined }> {
  const page = await browser.newPage({ viewport });
  const problems = watchPage(page, server.url);
  const response = await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
  await page.waitForFunction(RENDERED);
  return { page, problems, csp: response?.headers()["content-security-policy"] };
}

async function expectClean(page: Page, problems: PageProblems) {
  expect(await page.evaluate(CELL_ERRORS)).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
  expect(problems.failedRequests).toEqual([]);
  expect(problems.outsideRequests).toEqual([]);
}

const indexForecast = () => published.forecasts.find((f) => f.isIndex)!;

describe("the dashboard served by the API server", () => {
  it.each(PAGES)(
    "$name loads under the CSP with no console error, failed or outside request",
    async ({ path }) => {
      const { page, problems, csp } = await open(api, path);
      expect(csp).toMatch(/script-src 'self'/);
      expect(await page.locator("#observablehq-main h1").first().textContent()).toBeTruthy();
      // every chart has an accessible name (legend swatches are labelled by their text)
      const unnamed = await page.$$eval(
        "#observablehq-main figure > svg",
        (svgs) =>
          svgs.filter((s) => !s.getAttribute("aria-label") && !s.closest("[aria-label]")).length,
      );
      expect(unnamed).toBe(0);
      await expectClean(page, problems);
      await page.close();
    },
  );

  it("shows on the Overview exactly the numbers of GET /api/forecast", async () => {
    const { page, problems } = await open(api, "/");
    const f = indexForecast();
    const card = page.locator(`section.forecast[data-symbol="${f.symbol}"]`);
    const value = (field: string, attribute = "data-value") =>
      card.locator(`[data-field="${field}"]`).first().getAttribute(attribute);
    expect(await value("direction")).toBe(f.direction);
    expect(Number(await value("probabilityUp"))).toBe(f.probabilityUp);
    expect(Number(await value("expectedReturn"))).toBe(f.expectedReturn);
    expect(Number(await value("expectedClose"))).toBe(f.expectedClose);
    expect(Number(await value("lastClose"))).toBe(f.lastClose);
    expect(Number(await value("interval80", "data-lower"))).toBe(f.interval80.lower);
    expect(Number(await value("interval80", "data-upper"))).toBe(f.interval80.upper);
    expect(Number(await value("interval95", "data-lower"))).toBe(f.interval95.lower);
    expect(Number(await value("interval95", "data-upper"))).toBe(f.interval95.upper);
    expect(await value("confidence")).toBe(f.confidence);
    expect(await value("risk")).toBe(f.risk);
    expect(await value("note")).toBe(f.note);
    expect(await value("targetDate")).toBe(f.targetDate);
    expect(Number(await value("modelVersion"))).toBe(published.modelVersion);
    expect(await card.locator('[data-field="probabilityUp"]').textContent()).toBe(
      formatProbability(f.probabilityUp),
    );
    await expectClean(page, problems);
    await page.close();
  });

  it("warns on the Overview when the data is stale, and only then", async () => {
    const builtFile = readdirSync(join(DIST_DIR, "_file", "data")).find((n) =>
      /^forecast\..*\.json$/.test(n),
    );
    const built = JSON.parse(readFileSync(join(DIST_DIR, "_file", "data", builtFile!), "utf8"));
    const stale = freshness(published.dataEnd, built.builtAt, built.source).stale;
    const { page } = await open(api, "/");
    expect(await page.locator('[data-testid="stale-warning"]').count()).toBe(stale ? 1 : 0);
    await page.close();
  });

  it("redraws the Indicators charts when another symbol is picked", async () => {
    const { page, problems } = await open(api, "/indicators");
    const chart = page.locator('[data-testid="price-card"] figure svg').first();
    const before = {
      label: await chart.getAttribute("aria-label"),
      d: await chart.locator("path").last().getAttribute("d"),
    };
    const picker = page.getByRole("combobox", { name: "Symbol" });
    const options = await picker.locator("option").count();
    expect(options).toBeGreaterThan(1);
    await picker.selectOption({ index: 1 });
    await expect.poll(() => chart.getAttribute("aria-label")).not.toBe(before.label);
    const after = await chart.locator("path").last().getAttribute("d");
    expect(after).not.toBe(before.d);
    await expectClean(page, problems);
    await page.close();
  });

  it("answers the what-if form from POST /api/predict, as the API does for the same bars", async () => {
    const { page, problems } = await open(api, "/what-if");
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/loaded/);
    const csv = await page.getByRole("textbox", { name: /Daily bars as CSV/ }).inputValue();
    await page.getByRole("button", { name: /Forecast the next session/ }).click();
    const result = page.locator('[data-testid="predict-result"]');
    await result.waitFor();
    const direct = await fetch(
      `${api.url}/api/predict?symbol=${encodeURIComponent(indexForecast().symbol)}`,
      {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: csv,
      },
    ).then((r) => r.json() as Promise<{ forecast: { probabilityUp: number } }>);
    const shown = await result.locator('[data-field="probabilityUp"]').getAttribute("data-value");
    expect(Number(shown)).toBe(direct.forecast.probabilityUp);
    // the same bars as the published forecast give the published numbers
    expect(Number(shown)).toBeCloseTo(indexForecast().probabilityUp, 9);
    await expectClean(page, problems);
    await page.close();
  });

  it("shows the API's message for a bad CSV", async () => {
    const { page } = await open(api, "/what-if");
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/loaded/);
    await page
      .getByRole("textbox", { name: /Daily bars as CSV/ })
      .fill("Date,Open,High\nyesterday,1,2\n");
    await page.getByRole("button", { name: /Forecast the next session/ }).click();
    const error = page.locator('[data-testid="predict-error"]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/400/);
    expect(await page.locator('[data-testid="predict-result"]').count()).toBe(0);
    await page.close();
  });

  it.each(PAGES)("$name fits a 375 px phone without scrolling sideways", async ({ path }) => {
    const { page, problems } = await open(api, path, PHONE);
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await expectClean(page, problems);
    await page.close();
  });
});

describe("the static build without the API", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startStaticServer(DIST_DIR);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(PAGES)("$name renders from the built data alone", async ({ path }) => {
    const { page, problems } = await open(server, path);
    expect(
      await page.locator("#observablehq-main figure svg, #observablehq-main form").count(),
    ).toBeGreaterThan(0);
    await expectClean(page, problems);
    await page.close();
  });

  it("says the API is absent when the what-if form is sent", async () => {
    const { page } = await open(server, "/what-if");
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/loaded/);
    await page.getByRole("button", { name: /Forecast the next session/ }).click();
    const notice = page.locator('[data-testid="api-absent"]');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/not available/);
    await page.close();
  });
});

describe("launching the browser", () => {
  it("fails, saying how to install Chromium, when the binary is missing", async () => {
    await expect(launchBrowser("/nonexistent/chromium")).rejects.toThrow(
      /apt-get install -y chromium/,
    );
  });
});
