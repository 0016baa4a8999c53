/**
 * `npm run dashboard:screenshots`: a PNG of every page at desktop (1280 px) and phone (375 px)
 * widths under artifacts/screenshots/, taken in Chromium from the real server. Builds the
 * dashboard first when it is missing or older than the artifacts.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadConfig } from "../core/config.js";
import { launchBrowser, watchPage } from "../tests/e2e/support/browser.js";
import { PAGES, RENDERED } from "../tests/e2e/support/pages.js";
import { startApiServer } from "../tests/e2e/support/servers.js";
import { buildDashboard, dashboardIsStale, DIST_DIR } from "../dashboard/build.js";

export const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 812 },
] as const;

async function main() {
  const artifactsDir = resolve(loadConfig().ARTIFACTS_DIR);
  if (await dashboardIsStale(artifactsDir)) await buildDashboard();
  const outDir = join(artifactsDir, "screenshots");
  await mkdir(outDir, { recursive: true });
  const server = await startApiServer(DIST_DIR, artifactsDir);
  const browser = await launchBrowser();
  let problems = 0;
  try {
    for (const size of WIDTHS) {
      const context = await browser.newContext({
        viewport: { width: size.width, height: size.height },
        colorScheme: "light",
      });
      for (const p of PAGES) {
        const page = await context.newPage();
        const watched = watchPage(page, server.url);
        await page.goto(`${server.url}${p.path}`, { waitUntil: "networkidle" });
        await page.waitForFunction(RENDERED);
        // problems of the page itself, before a full-page screenshot resizes it
        const issues = [
          ...watched.consoleErrors,
          ...watched.failedRequests,
          ...watched.outsideRequests,
        ];
        const path = join(outDir, `${p.name}-${size.name}.png`);
        await page.screenshot({ path, fullPage: true });
        problems += issues.length;
        console.log(`${path}${issues.length > 0 ? `\n  problems: ${issues.join("\n  ")}` : ""}`);
        await page.close();
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (problems > 0)
    throw new Error(`${problems} problem(s) while taking the screenshots (see above)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
