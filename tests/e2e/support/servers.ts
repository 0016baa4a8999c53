/**
 * The servers the browser tests and the screenshots run against, on random local ports: the
 * real API server (dashboard/server/app.ts) with the real artifacts and the built dashboard, and
 * a plain static file server of the built dashboard alone (a static Space: no API).
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import { loadConfig } from "../../../core/config.js";
import { buildApp } from "../../../dashboard/server/app.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(
  dashboardDir: string,
  artifactsDir: string,
): Promise<RunningServer> {
  const config = loadConfig(
    {
      ARTIFACTS_DIR: artifactsDir,
      DASHBOARD_DIR: dashboardDir,
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: "0",
    },
    join(artifactsDir, "no-dotenv"),
  );
  const app = await buildApp({ config });
  await app.listen({ port: 0, host: "127.0.0.1" });
  if (!(await app.bundles.load())) {
    await app.close();
    throw new Error(`the server could not load the model bundle from ${artifactsDir}`);
  }
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Serves files from `dir` as a static host does (a path without extension gets .html). */
export async function startStaticServer(dir: string): Promise<RunningServer> {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, pathname));
    if (!file.startsWith(root)) file = join(root, "missing");
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { "content-type": "text/plain" }).end("method not allowed");
      return;
    }
    if (!existsSync(file)) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}
