/**
 * `tsx scripts/deploy/copy-bundle.ts --from artifacts --to DIR`: copies the checked serving
 * bundle (see serving-bundle.ts). The serving image's build stage runs it, so only the champion
 * model and what the server reads reach the runtime image, never other runs' artifacts.
 */
import { parseArgs } from "node:util";
import { BundleCheckError, copyServingBundle } from "./serving-bundle.js";

const { values } = parseArgs({
  options: { from: { type: "string", default: "artifacts" }, to: { type: "string" } },
});
if (!values.to) {
  console.error("usage: copy-bundle.ts --from <artifacts dir> --to <dir>");
  process.exit(2);
}
try {
  const files = await copyServingBundle(values.from, values.to);
  console.log(`serving bundle: ${files.length} file(s) copied to ${values.to}`);
  for (const f of files) console.log(`  ${f}`);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(error instanceof BundleCheckError ? 1 : 2);
}
