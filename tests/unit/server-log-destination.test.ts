import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LineBatcher } from "../../dashboard/server/log-destination.js";

describe("LineBatcher", () => {
  it("hands lines over in order, in chunks of at least the chunk size", () => {
    const chunks: string[] = [];
    const batcher = new LineBatcher((chunk) => chunks.push(chunk), 10);
    batcher.write("aaaa\n");
    expect(chunks).toEqual([]);
    batcher.write("bbbb\n");
    expect(chunks).toEqual(["aaaa\nbbbb\n"]);
    batcher.write("cc\n");
    batcher.write("a line longer than the chunk\n");
    expect(chunks).toEqual(["aaaa\nbbbb\n", "cc\na line longer than the chunk\n"]);
  });

  it("drains what is left on demand, and nothing when nothing is left", () => {
    const chunks: string[] = [];
    const batcher = new LineBatcher((chunk) => chunks.push(chunk), 1000);
    batcher.drain();
    expect(chunks).toEqual([]);
    batcher.write("one\n");
    batcher.write("two\n");
    batcher.drain();
    batcher.drain();
    expect(chunks).toEqual(["one\ntwo\n"]);
  });
});

describe("bufferedStdout", () => {
  // a child process: its stdout is a pipe, as in a container
  function runChild(script: string) {
    return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 30_000,
    });
  }
  const setup = `
    import { bufferedStdout } from "./dashboard/server/log-destination.ts";
    const log = bufferedStdout(60_000);
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
