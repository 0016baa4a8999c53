/**
 * Helpers of the scheduled workflow, one subcommand each:
 *   seed-shard --shard i/n   copy the persisted raw prices of shard i's symbols into its folder
 *   digest                   print the release digest (champion alias + forecasts)
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../core/config.js";
import { releaseDigest } from "./state/release-digest.js";
import { seedShard } from "./state/seed-shard.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { shard: { type: "string" }, artifacts: { type: "string" } },
});
const config = loadConfig();
const artifactsDir = values.artifacts ?? config.ARTIFACTS_DIR;
try {
  if (positionals[0] === "seed-shard" && values.shard) {
    const copied = await seedShard(artifactsDir, config.SNAPSHOT_DIR, values.shard);
    console.log(
      `shard ${values.shard}: seeded ${copied.length} symbol(s) from ${artifactsDir}/raw`,
    );
  } else if (positionals[0] === "digest") {
    console.log(await releaseDigest(artifactsDir));
  } else {
    console.error("usage: pipeline-state.ts seed-shard --shard i/n | digest [--artifacts DIR]");
    process.exit(2);
  }
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
