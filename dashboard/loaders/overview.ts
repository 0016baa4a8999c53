/** data/overview.json: the index's close history and the last day's market breadth. */
import { ArtifactError } from "../../core/store.js";
import type { OverviewData } from "../src/components/types.js";
import { readManifest, readPrices, round, symbolRef, type LoaderContext } from "./artifacts.js";

export async function loadOverviewData(ctx: LoaderContext): Promise<OverviewData> {
  const manifest = await readManifest(ctx);
  const index = manifest.symbols.find((s) => s.symbol === ctx.indexSymbol);
  if (!index) {
    throw new ArtifactError(`raw/manifest.json does not list the index ${ctx.indexSymbol}`);
  }
  const bars = await readPrices(ctx, index.symbol);
  if (bars.length < 2) throw new ArtifactError(`prices of ${index.symbol} have fewer than 2 bars`);
  const lastDate = bars.at(-1)!.date;

  const members: OverviewData["breadth"]["members"] = [];
  for (const s of manifest.symbols.filter((m) => !m.isIndex && m.currentMember)) {
    const own = await readPrices(ctx, s.symbol);
    const last = own.at(-1);
    const prev = own.at(-2);
    // a member that did not trade on the index's last day does not count either way
    const change = last && prev && last.date === lastDate ? last.close / prev.close - 1 : null;
    members.push({
      symbol: s.symbol,
      name: s.name,
      sector: s.sector,
      change: change === null ? null : round(change),
    });
  }
  const counted = members.filter((m) => m.change !== null);
  return {
    index: symbolRef(index),
    dates: bars.map((b) => b.date),
    close: bars.map((b) => round(b.close, 8) ?? 0),
    breadth: {
      date: lastDate,
      advancing: counted.filter((m) => m.change! > 0).length,
      declining: counted.filter((m) => m.change! < 0).length,
      unchanged: counted.filter((m) => m.change === 0).length,
      members,
    },
  };
}
