/**
 * Stage 2, validate: `raw/<symbol>.csv` -> `prices/<symbol>.csv` (clean bars) and
 * `prices/quality.json` (every quarantined row with its reason; nothing silently dropped).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { rawManifestSchema, type QualityReport, type SymbolInfo } from "../../core/contracts.js";
import { formatPriceCsv, parsePriceCsv } from "../../core/price-csv.js";
import {
  combineHashes,
  hashFiles,
  readJson,
  writeFileAtomic,
  writeJsonAtomic,
} from "../../core/store.js";
import { validateBars } from "../quality/rules.js";
import type { StageDefinition } from "../stage-runner.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

export async function ingestedSymbols(workDir: string): Promise<SymbolInfo[]> {
  return (await readJson(paths.rawManifest(workDir), rawManifestSchema)).symbols;
}

export const validateStage: StageDefinition = {
  name: "validate",
  cacheable: true,
  entry: "pipeline/stages/validate.ts",
  async inputHash(ctx) {
    const symbols = await ingestedSymbols(ctx.workDir);
    return combineHashes({
      raw: await hashFiles([
        paths.rawManifest(ctx.workDir),
        ...symbols.map((s) => join(paths.rawDir(ctx.workDir), symbolFileName(s.symbol))),
      ]),
      jump: String(ctx.config.VALIDATE_JUMP_THRESHOLD),
      stale: String(ctx.config.VALIDATE_STALE_RUN_DAYS),
    });
  },
  async outputHash(ctx) {
    const symbols = await ingestedSymbols(ctx.workDir);
    return hashFiles([
      paths.quality(ctx.workDir),
      ...symbols.map((s) => join(paths.pricesDir(ctx.workDir), symbolFileName(s.symbol))),
    ]);
  },
  async run(ctx, progress) {
    const symbols = await ingestedSymbols(ctx.workDir);
    progress.start(symbols.length);
    const report: QualityReport = { schemaVersion: 1, symbols: [] };
    let quarantined = 0;
    let kept = 0;
    for (const s of symbols) {
      const rawPath = join(paths.rawDir(ctx.workDir), symbolFileName(s.symbol));
      const parsed = parsePriceCsv(await readFile(rawPath, "utf8"), rawPath);
      const result = validateBars(s.symbol, parsed, {
        jumpThreshold: ctx.config.VALIDATE_JUMP_THRESHOLD,
        staleRunDays: ctx.config.VALIDATE_STALE_RUN_DAYS,
      });
      if (result.kept.length === 0) {
        progress.log(`${s.symbol}: no valid rows left after validation`);
      }
      await writeFileAtomic(
        join(paths.pricesDir(ctx.workDir), symbolFileName(s.symbol)),
        formatPriceCsv(result.kept),
      );
      report.symbols.push(result.quality);
      quarantined += result.quality.quarantined.length;
      kept += result.kept.length;
      progress.tick(s.symbol);
    }
    await writeJsonAtomic(paths.quality(ctx.workDir), report);
    return {
      message: `${symbols.length} symbol(s): ${kept} row(s) kept, ${quarantined} quarantined (see prices/quality.json)`,
      details: { symbols: symbols.length, kept, quarantined },
    };
  },
};
