/** data/ledger.json: every published forecast and, once known, what happened (forecasts/ledger.csv). */
import { parseLedger } from "../../core/ledger.js";
import type { LedgerData } from "../src/components/types.js";
import { paths } from "../../core/artifact-layout.js";
import { readArtifactText, type LoaderContext } from "./artifacts.js";

/** rows kept in the page's data; older ones are counted, not shipped */
const MAX_LEDGER_ROWS = 20_000;

export async function loadLedgerData(ctx: LoaderContext): Promise<LedgerData> {
  const path = paths.ledger(ctx.artifactsDir);
  const rows = parseLedger(await readArtifactText(path, "the forecast ledger"), path);
  const omitted = Math.max(0, rows.length - MAX_LEDGER_ROWS);
  return { rows: rows.slice(omitted), omitted, indexSymbol: ctx.indexSymbol };
}
