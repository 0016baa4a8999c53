import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("stdoutLog", () => {
  // a child process: its stdout is a pipe, as in a container
  function runChild(script: string) {
    return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 30_000,
    });
  }
  const setup = `
    import { stdoutLog } from "./dashboard/server/log-destination.ts";
    const log = stdoutLog();
    for (let i = 0; i < 3000; i++) log.stream.write(JSON.stringify({ i, pad: "x".repeat(60) }) + "\\n");
  `;

  function numbers(stdout: string): number[] {
    return stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { i: number }).i);
  }

  it("writes every line, in order, when the server closes", () => {
    const child = runChild(`${setup} log.close();`);
    expect(child.status, child.stderr).toBe(0);
    expect(numbers(child.stdout)).toEqual([...Array(3000).keys()]);
  });

  it("loses no line when the process exits without closing (a crash handled by process.exit)", () => {
    const child = runChild(`${setup} process.exit(3);`);
    expect(child.status, child.stderr).toBe(3);
    expect(numbers(child.stdout)).toEqual([...Array(3000).keys()]);
  });
});
