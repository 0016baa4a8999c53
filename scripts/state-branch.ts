/**
 * `npm run state -- restore|save [--branch data] [--artifacts DIR] [--message TEXT]`: the
 * scheduled pipeline's persisted state on a git branch (scripts/state/data-branch.ts).
 * save needs push rights (the workflow's persist job has `contents: write`).
 */
import { parseArgs } from "node:util";
import { restoreState, saveState } from "./state/data-branch.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    branch: { type: "string", default: "data" },
    artifacts: { type: "string", default: process.env.ARTIFACTS_DIR ?? "artifacts" },
    remote: { type: "string", default: "origin" },
    message: { type: "string", default: "pipeline state" },
  },
});
const ref = { repoDir: process.cwd(), remote: values.remote, branch: values.branch };
try {
  if (positionals[0] === "restore") {
    const count = await restoreState(ref, values.artifacts);
    console.log(
      count === 0
        ? `state: branch ${values.branch} not found or empty; starting from the snapshot (first run)`
        : `state: restored ${count} file(s) from branch ${values.branch} into ${values.artifacts}`,
    );
  } else if (positionals[0] === "save") {
    const commit = await saveState(ref, values.artifacts, values.message);
    console.log(
      commit === null
        ? `state: unchanged; nothing committed to ${values.branch}`
        : `state: committed ${commit} to ${values.branch}`,
    );
  } else {
    console.error("usage: state-branch.ts restore|save [--branch data] [--artifacts DIR]");
    process.exit(2);
  }
} catch (error) {
  console.error(`state: ${(error as Error).message}`);
  process.exit(1);
}
