import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LineBatcher } from "../../dashboard/server/log-destination.js";

describe("LineBatcher", () => {
  function collect(chunkBytes: number) {
    const chunks: Buffer[] = [];
    const batcher = new LineBatcher((chunk) => chunks.push(chunk), chunkBytes);
    return { batcher, texts: () => chunks.map((c) => c.toString("utf8")) };
  }

  it("hands lines over in order, draining first when a line might not fit", () => {
    const { batcher, texts } = collect(16);
    batcher.write("aaaa\n");
    expect(texts()).toEqual([]);
    batcher.write("bbbb\n"); // 5 bytes used, and up to 15 more would pass 16
    expect(texts()).toEqual(["aaaa\n"]);
    batcher.write("c\n"); // up to 6 more: fits
    expect(texts()).toEqual(["aaaa\n"]);
    batcher.write("a line longer than the chunk\n");
    expect(texts()).toEqual(["aaaa\n", "bbbb\nc\n", "a line longer than the chunk\n"]);
    batcher.drain();
    expect(texts()).toHaveLength(3);
  });

  it("keeps characters outside ASCII whole, and a chunk handed over is never written into", () => {
    const { batcher, texts } = collect(256);
    batcher.write("₹ 1,234.5 Sensex — पूर्वानुमान\n");
    batcher.drain();
    batcher.write("x".repeat(20) + "\n");
    batcher.drain();
    expect(texts()).toEqual(["₹ 1,234.5 Sensex — पूर्वानुमान\n", "x".repeat(20) + "\n"]);
  });

  it("drains what is left on demand, and nothing when nothing is left", () => {
    const { batcher, texts } = collect(1000);
    batcher.drain();
    expect(texts()).toEqual([]);
    batcher.write("one\n");
    batcher.write("two\n");
    batcher.drain();
    batcher.drain();
    expect(texts()).toEqual(["one\ntwo\n"]);
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
