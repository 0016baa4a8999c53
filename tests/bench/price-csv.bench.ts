/**
 * `npx tsx tests/bench/price-csv.bench.ts [--rounds=<n>]`: why core/price-csv.ts splits lines
 * itself. Over every price CSV of the snapshot (read once beforehand, so only parsing is timed),
 * alternating rounds of (a) parsePriceCsv, the whole parse with its checks, and (b) csv-parse's
 * sync parser with the options the format would need, tokenising alone. One unmeasured warm-up
 * round of each, then n measured rounds (default 10); prints both medians and b/a.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { parsePriceCsv } from "../../core/price-csv.js";
import { median, min } from "./bench-utils.js";

const PRICES_DIR = join(import.meta.dirname, "../../data/snapshot/prices");
const roundsArg = process.argv.find((a) => a.startsWith("--rounds="));
const rounds = roundsArg === undefined ? 10 : Number(roundsArg.slice("--rounds=".length));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds must be a positive integer");

const texts = readdirSync(PRICES_DIR)
  .filter((f) => f.endsWith(".csv"))
  .sort()
  .map((f) => readFileSync(join(PRICES_DIR, f), "utf8"));

function handSplit(): number {
  let rows = 0;
  for (const text of texts) {
    const parsed = parsePriceCsv(text);
    rows += parsed.bars.length + parsed.rejected.length;
  }
  return rows;
}

function csvParse(): number {
  let rows = 0;
  for (const text of texts) {
    const records = parse(text, {
      bom: true,
      quote: false,
      record_delimiter: ["\r\n", "\n"],
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
    rows += records.length - 1;
  }
  return rows;
}

const rows = handSplit();
csvParse();
const times = { hand: [] as number[], csv: [] as number[] };
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of [
    ["hand", handSplit],
    ["csv", csvParse],
  ] as const) {
    const started = performance.now();
    run();
    times[name].push(performance.now() - started);
  }
}
const hand = median(times.hand);
const csv = median(times.csv);
console.log(`${texts.length} files, ${rows} rows, ${rounds} alternating rounds`);
console.log(
  `a. parsePriceCsv (split, checks, bars): median ${hand.toFixed(1)} ms, min ${min(times.hand).toFixed(1)} ms`,
);
console.log(
  `b. csv-parse/sync (tokens only):         median ${csv.toFixed(1)} ms, min ${min(times.csv).toFixed(1)} ms`,
);
console.log(`b/a ${(csv / hand).toFixed(2)}x`);
