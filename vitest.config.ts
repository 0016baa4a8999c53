import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "tests/unit/**/*.test.ts",
      "tests/integration/**/*.test.ts",
      "tests/e2e/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    coverage: {
      provider: "v8",
      include: [
        "core/**/*.ts",
        "pipeline/**/*.ts",
        "dashboard/server/**/*.ts",
        "dashboard/loaders/**/*.ts",
        "scripts/**/*.ts",
      ],
      exclude: ["pipeline/cli.ts", "dashboard/dist/**", "dashboard/src/.observablehq/**"],
      reporter: ["text-summary", "json-summary"],
      thresholds: { lines: 80 },
    },
  },
});
