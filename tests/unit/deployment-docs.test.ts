/** The docs check: unknown npm scripts and broken relative links are caught; the real docs pass. */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkDocs, checkMarkdown, headingAnchor } from "../../scripts/check-docs.js";

const scripts = { test: "vitest", "deploy:prepare": "tsx x" };

describe("checkMarkdown", () => {
  it("accepts known scripts, existing files and anchors", () => {
    const text =
      "# Top\n\nRun `npm run deploy:prepare` and `npm test`.\nSee [pkg](package.json), [top](#top), [web](https://example.org).\n";
    expect(checkMarkdown("README.md", text, scripts)).toEqual([]);
  });

  it("reports an unknown script, a missing file, a missing anchor and an http link", () => {
    const text = "npm run nope\n[a](missing.md) [b](#nowhere) [c](http://example.org)\n";
    expect(checkMarkdown("README.md", text, scripts).map((p) => p.message)).toEqual([
      "npm run nope: no such script",
      "link missing.md: missing.md does not exist",
      "link #nowhere: no heading #nowhere",
      "http://example.org: use https",
    ]);
  });

  it("makes GitHub's heading anchors", () => {
    expect(headingAnchor("CI/CD and deployment")).toBe("cicd-and-deployment");
    expect(headingAnchor("The `pipeline` CLI")).toBe("the-pipeline-cli");
  });
});

describe("the project's docs", () => {
  it("mention only scripts that exist and links that resolve", () => {
    const files = ["README.md", "DEPLOYMENT.md", "FEATURES.md"].filter((f) => existsSync(f));
    expect(checkDocs(files)).toEqual([]);
  });
});
