/**
 * Abuse and exposure: CORS for configured origins only, helmet's headers, the static dashboard
 * (no path out of its folder, no directory listing, caching headers), the rate limit on
 * predictions, and logs that carry request ids and never a credential.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bar } from "../../core/contracts.js";
import { buildApp } from "../../dashboard/server/app.js";
import { PREDICTOR_WINDOW_BARS } from "../../dashboard/server/bundle/load-bundle.js";
import { tempArtifactsDir } from "../helpers/pipeline-context.js";
import {
  listenLocally,
  serverConfig,
  sharedServerBundle,
  validatedBars,
} from "../helpers/server-bundle.js";

const SECRET = "do-not-serve-this-file";
const ALLOWED = "https://dashboard.example.org";

let dir: string;
let bars: Bar[];

beforeAll(async () => {
  dir = await sharedServerBundle();
  bars = (await validatedBars(dir, "TCS.NS")).slice(-PREDICTOR_WINDOW_BARS);
});

/** A built dashboard in a folder beside a file that must never be served. */
function fakeDashboardBuild(): string {
  const root = tempArtifactsDir("server-static-");
  writeFileSync(join(root, "secret.txt"), SECRET);
  writeFileSync(join(root, "package.json"), `{"secret": "${SECRET}"}`);
  const dist = join(root, "dist");
  mkdirSync(join(dist, "_observablehq"), { recursive: true });
  mkdirSync(join(dist, "empty-folder"), { recursive: true });
  writeFileSync(
    join(dist, "index.html"),
    `<!doctype html><title>home</title><script type="module">console.log(1)</script>${"<p>sensex</p>".repeat(200)}`,
  );
  writeFileSync(join(dist, "model.html"), "<!doctype html><title>model</title>");
  writeFileSync(join(dist, "_observablehq", "client.abc123.js"), "export const x = 1;\n");
  writeFileSync(join(dist, ".env"), `TOKEN=${SECRET}`);
  return dist;
}

/** Sends the request line as written: no client normalises `..` or percent-escapes away. */
function rawGet(url: string, path: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", reject);
    socket.on("end", () => resolve({ status: Number(text.split(" ")[1]), text }));
  });
}

describe("the static dashboard", () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = await buildApp({ config: serverConfig(dir, { DASHBOARD_DIR: fakeDashboardBuild() }) });
    url = await listenLocally(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("serves pages with ETags, cache headers and compression", async () => {
    const home = await fetch(`${url}/`, { headers: { "accept-encoding": "gzip" } });
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toMatch(/text\/html/);
    expect(home.headers.get("content-encoding")).toBe("gzip");
    expect(home.headers.get("cache-control")).toBe("no-cache");
    const etag = home.headers.get("etag");
    expect(etag).toBeTruthy();
    expect(await home.text()).toContain("<p>sensex</p>");
    // not fetch: with If-None-Match it adds Cache-Control: no-cache, which asks for the body
    const again = await app.inject({ url: "/", headers: { "if-none-match": etag! } });
    expect(again.statusCode).toBe(304);

    expect((await fetch(`${url}/model`)).status).toBe(200);
    const asset = await fetch(`${url}/_observablehq/client.abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("allows exactly the page's own inline scripts in its CSP", async () => {
    const csp = (await fetch(`${url}/`)).headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain("unsafe-eval");
  });

  it("answers 404 to every path that tries to leave the folder", async () => {
    for (const path of [
      "/../package.json",
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/.%2e/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "/_observablehq/../../secret.txt",
      "/_observablehq/%2e%2e/%2e%2e/secret.txt",
      "/_observablehq/..%2f..%2fsecret.txt",
      "/%252e%252e/secret.txt",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/..%2f..%2f..%2f..%2fetc%2fpasswd",
      "//etc/passwd",
      "/.env",
      "/%2eenv",
    ]) {
      const res = await rawGet(url, path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain(SECRET);
      expect(res.text, path).not.toContain("root:");
    }
  });

  it("lists no directory", async () => {
    for (const path of ["/_observablehq/", "/_observablehq", "/empty-folder/", "/empty-folder"]) {
      const res = await rawGet(url, path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain("client.abc123.js");
    }
  });

  it("says how to build the dashboard when there is no build", async () => {
    const bare = await buildApp({ config: serverConfig(dir) });
    try {
      const res = await bare.inject("/");
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/has not been built yet/);
      expect(res.body).toContain("/api/forecast");
    } finally {
      await bare.close();
    }
  });
});

describe("headers and CORS", () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildApp({ config: serverConfig(dir, { CORS_ORIGINS: ALLOWED }) });
    expect(await app.bundles.load()).toBe(true);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("sets helmet's security headers on pages and on answers outside the API", async () => {
    for (const url of ["/", "/no/such/route", "/docs"]) {
      const res = await app.inject(url);
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
      expect(res.headers["x-frame-options"], url).toBe("SAMEORIGIN");
      expect(res.headers["strict-transport-security"], url).toMatch(/max-age=\d+/);
      expect(res.headers["referrer-policy"], url).toBe("no-referrer");
      expect(res.headers["cross-origin-opener-policy"], url).toBe("same-origin");
      expect(res.headers["content-security-policy"], url).toMatch(
        /default-src 'self'.*object-src 'none'.*frame-ancestors 'self'/,
      );
      expect(res.headers["x-powered-by"], url).toBeUndefined();
    }
  });

  it("sets OWASP's API headers on API, health and metrics answers and their errors", async () => {
    for (const url of [
      "/api/forecast",
      "/api/no/such/route",
      "/api/forecast/NOPE",
      "/healthz",
      "/metrics",
    ]) {
      const res = await app.inject(url);
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
      expect(res.headers["x-frame-options"], url).toBe("DENY");
      expect(res.headers["strict-transport-security"], url).toMatch(/max-age=\d+/);
      expect(res.headers["cross-origin-resource-policy"], url).toBe("same-origin");
      expect(res.headers["content-security-policy"], url).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      // page-only headers stay off: they would only add bytes to every answer
      expect(res.headers["cross-origin-opener-policy"], url).toBeUndefined();
      expect(res.headers["x-dns-prefetch-control"], url).toBeUndefined();
      expect(res.headers["x-powered-by"], url).toBeUndefined();
      expect(res.headers["x-request-id"], url).toMatch(/^[\w.-]+$/);
    }
  });

  it("allows configured origins only", async () => {
    const allowed = await app.inject({ url: "/api/forecast", headers: { origin: ALLOWED } });
    expect(allowed.headers["access-control-allow-origin"]).toBe(ALLOWED);
    for (const origin of ["https://evil.example", "null", `${ALLOWED}.evil.example`]) {
      const other = await app.inject({ url: "/api/forecast", headers: { origin } });
      expect(other.headers["access-control-allow-origin"], origin).toBeUndefined();
      const preflight = await app.inject({
        method: "OPTIONS",
        url: "/api/predict",
        headers: { origin, "access-control-request-method": "POST" },
      });
      expect(preflight.headers["access-control-allow-origin"], origin).toBeUndefined();
    }
    const preflight = await app.inject({
      method: "OPTIONS",
      url: "/api/predict",
      headers: { origin: ALLOWED, "access-control-request-method": "POST" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(ALLOWED);
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
  });

  it("allows no cross-origin access when no origin is configured", async () => {
    const closed = await buildApp({ config: serverConfig(dir) });
    try {
      const res = await closed.inject({ url: "/healthz", headers: { origin: ALLOWED } });
      expect(res.statusCode).toBe(200);
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await closed.close();
    }
  });
});

describe("rate limits", () => {
  it("answers 429 past the configured number of predictions, and leaves cheap routes alone", async () => {
    const app = await buildApp({ config: serverConfig(dir, { PREDICT_RATE_LIMIT: "3" }) });
    try {
      expect(await app.bundles.load()).toBe(true);
      const predict = () =>
        app.inject({ method: "POST", url: "/api/predict", payload: { symbol: "TCS", bars } });
      for (let i = 0; i < 3; i++) expect((await predict()).statusCode).toBe(200);
      const limited = await predict();
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ error: "rate-limited" });
      expect(limited.json().message).toMatch(/at most 3/);
      expect(limited.headers["retry-after"]).toBeDefined();
      for (let i = 0; i < 10; i++) expect((await app.inject("/api/forecast")).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe("logs", () => {
  it("are JSON lines with request ids and never the Authorization header", async () => {
    const token = "log-test-admin-token-fedcba9876543210";
    const lines: string[] = [];
    const app = await buildApp({
      config: serverConfig(dir, { LOG_LEVEL: "debug", ADMIN_TOKEN: token }),
      logStream: { write: (line) => void lines.push(line) },
    });
    try {
      expect(await app.bundles.load()).toBe(true);
      const given = await app.inject({
        url: "/api/forecast",
        headers: { "x-request-id": "trace-0042", authorization: `Bearer ${token}`, cookie: token },
      });
      expect(given.headers["x-request-id"]).toBe("trace-0042");
      const generated = await app.inject({
        method: "POST",
        url: "/api/admin/reload",
        headers: { authorization: `Bearer ${token}-wrong`, "x-request-id": "bad id with spaces" },
      });
      expect(generated.statusCode).toBe(401);
      const generatedId = String(generated.headers["x-request-id"]);
      expect(generatedId).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
      const reloaded = await app.inject({
        method: "POST",
        url: "/api/admin/reload",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(reloaded.statusCode).toBe(200);

      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const ids = new Set(records.map((r) => r.reqId));
      expect(ids).toContain("trace-0042");
      expect(ids).toContain(generatedId);
      const completed = records.filter((r) => r.msg === "request completed");
      expect(completed.map((r) => [r.reqId, r.method, r.url, r.statusCode])).toEqual([
        ["trace-0042", "GET", "/api/forecast", 200],
        [generatedId, "POST", "/api/admin/reload", 401],
        [expect.any(String), "POST", "/api/admin/reload", 200],
      ]);
      const text = lines.join("");
      expect(text).not.toContain(token);
      expect(text.toLowerCase()).not.toContain("bearer");
    } finally {
      await app.close();
    }
  });
});
