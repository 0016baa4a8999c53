/**
 * --push against a fake Hugging Face Hub on 127.0.0.1 (passed as hubUrl): the right files
 * arrive, a second push with no change uploads nothing, removed files are deleted, and a 401 or
 * a 500 gives a clear error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PushError, gitBlobId, pushSpace } from "../../scripts/deploy/push.js";

const SPACE = "owner/sensex";
const TOKEN = "hf_" + "fakeTokenForTheFakeHubOnly".padEnd(34, "z");

class FakeHub {
  files = new Map<string, Buffer>();
  commits: { summary: string; paths: string[] }[] = [];
  failWith: number | null = null;
  server: Server = createServer((req, res) => void this.handle(req, res));

  async handle(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return send(401, { error: "Invalid credentials" });
    if (this.failWith) return send(this.failWith, { error: "Internal Error" });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url!, "http://hub");
    const base = `/api/spaces/${SPACE}`;
    if (req.method === "GET" && url.pathname === `${base}/tree/main`) {
      return send(
        200,
        [...this.files].map(([path, c]) => ({
          type: "file",
          path,
          size: c.length,
          oid: gitBlobId(c),
        })),
      );
    }
    if (req.method === "POST" && url.pathname === `${base}/preupload/main`) {
      const { files } = JSON.parse(body) as { files: { path: string }[] };
      return send(200, { files: files.map((f) => ({ path: f.path, uploadMode: "regular" })) });
    }
    if (req.method === "POST" && url.pathname === `${base}/commit/main`) {
      const lines = body
        .split("\n")
        .map((l) => JSON.parse(l) as { key: string; value: Record<string, string> });
      const paths: string[] = [];
      for (const { key, value } of lines) {
        if (key === "file") this.files.set(value.path!, Buffer.from(value.content!, "base64"));
        if (key === "deletedFile") this.files.delete(value.path!);
        if (key !== "header") paths.push(`${key}:${value.path}`);
      }
      this.commits.push({ summary: lines[0]!.value.summary!, paths });
      return send(200, { commitOid: `c${this.commits.length}`, commitUrl: "http://hub/c" });
    }
    send(404, { error: `no route ${req.method} ${url.pathname}` });
  }
}

const hub = new FakeHub();
let hubUrl = "";
let dir = "";

function write(rel: string, content: string) {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), content);
}

beforeAll(async () => {
  await new Promise<void>((resolve) => hub.server.listen(0, "127.0.0.1", resolve));
  hubUrl = `http://127.0.0.1:${(hub.server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), "space-push-"));
  write("README.md", "---\nsdk: static\n---\n");
  write("index.html", "<h1>SENSEX</h1>");
  write("_file/data/forecast.json", '{"v":1}');
});
afterAll(() => {
  hub.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("pushSpace against a fake Hub", () => {
  it("uploads every file of a new Space in one commit", async () => {
    const result = await pushSpace({ dir, space: SPACE, token: TOKEN, hubUrl, title: "first" });
    expect(result).toEqual({
      uploaded: ["README.md", "_file/data/forecast.json", "index.html"],
      deleted: [],
      commit: "c1",
    });
    expect([...hub.files.keys()].sort()).toEqual([
      "README.md",
      "_file/data/forecast.json",
      "index.html",
    ]);
    expect(hub.files.get("index.html")!.toString()).toBe("<h1>SENSEX</h1>");
  });

  it("uploads nothing when nothing changed", async () => {
    const result = await pushSpace({ dir, space: SPACE, token: TOKEN, hubUrl });
    expect(result).toEqual({ uploaded: [], deleted: [], commit: null });
    expect(hub.commits).toHaveLength(1);
  });

  it("uploads only what changed and deletes what is gone", async () => {
    write("_file/data/forecast.json", '{"v":2}');
    rmSync(join(dir, "index.html"));
    write("index.html", "<h1>SENSEX</h1>");
    hub.files.set("stale.html", Buffer.from("old"));
    const result = await pushSpace({ dir, space: SPACE, token: TOKEN, hubUrl });
    expect(result).toEqual({
      uploaded: ["_file/data/forecast.json"],
      deleted: ["stale.html"],
      commit: "c2",
    });
    expect(hub.commits[1]!.paths).toEqual([
      "file:_file/data/forecast.json",
      "deletedFile:stale.html",
    ]);
  });

  it("explains a refused token (401)", async () => {
    const wrong = "hf_" + "wrongTokenForTheFakeHub".padEnd(34, "q");
    await expect(pushSpace({ dir, space: SPACE, token: wrong, hubUrl })).rejects.toThrow(
      new PushError(
        `the Hub refused HF_TOKEN (401) for Space ${SPACE}: use a token with write access to it`,
      ),
    );
  });

  it("explains a Hub failure (500)", async () => {
    hub.failWith = 500;
    try {
      await expect(pushSpace({ dir, space: SPACE, token: TOKEN, hubUrl })).rejects.toThrow(
        /the Hub answered 500 for Space owner\/sensex: Internal Error/,
      );
    } finally {
      hub.failWith = null;
    }
  });
});
