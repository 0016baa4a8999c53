/**
 * POST /api/admin/reload: absent without ADMIN_TOKEN, 401 without the right token, refuses a
 * broken bundle while the old one keeps serving, and swaps bundles under load without failing
 * a request.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bar } from "../../core/contracts.js";
import { buildApp } from "../../dashboard/server/app.js";
import { PREDICTOR_WINDOW_BARS } from "../../dashboard/server/bundle/load-bundle.js";
import {
  copyOfBundle,
  damageChampionWeights,
  listenLocally,
  serverConfig,
  sharedServerBundle,
  validatedBars,
} from "../helpers/server-bundle.js";

const TOKEN = "test-admin-token-0123456789abcdef";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let dir: string;
let bars: Bar[];

beforeAll(async () => {
  dir = await sharedServerBundle();
  // the newest bars the predictor reads: older ones cannot change a forecast
  bars = (await validatedBars(dir, "INFY.NS")).slice(-PREDICTOR_WINDOW_BARS);
});

async function readyApp(artifactsDir: string, env: Record<string, string> = {}) {
  const app = await buildApp({ config: serverConfig(artifactsDir, env) });
  expect(await app.bundles.load()).toBe(true);
  return app;
}

const reload = (app: FastifyInstance, headers: Record<string, string>) =>
  app.inject({ method: "POST", url: "/api/admin/reload", headers });

/** Republishes the bundle with a new generatedAt, so the forecast's ETag changes. */
async function republish(artifactsDir: string, generatedAt: string): Promise<void> {
  const path = join(artifactsDir, "forecasts", "latest.json");
  const bundle = JSON.parse(await readFile(path, "utf8"));
  await writeFile(path, JSON.stringify({ ...bundle, generatedAt }));
}

describe("POST /api/admin/reload", () => {
  it("does not exist without ADMIN_TOKEN", async () => {
    const app = await buildApp({ config: serverConfig(dir) });
    try {
      const res = await reload(app, AUTH);
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe("not-found");
      const doc = (await app.inject("/api/openapi.json")).json();
      expect(doc.paths).not.toHaveProperty(["/api/admin/reload"]);
    } finally {
      await app.close();
    }
  });

  describe("with ADMIN_TOKEN", () => {
    let copy: string;
    let app: FastifyInstance;
    let version: number;

    beforeAll(async () => {
      copy = await copyOfBundle(dir);
      app = await readyApp(copy, { ADMIN_TOKEN: TOKEN });
      version = app.bundles.current!.modelVersion;
    });
    afterAll(async () => {
      await app?.close();
    });

    it("answers 401 without the right bearer token", async () => {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: TOKEN },
        { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
        { authorization: `Bearer ${TOKEN}0` },
        { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}` },
      ]) {
        const res = await reload(app, headers);
        expect(res.statusCode, JSON.stringify(headers)).toBe(401);
        expect(res.json().error).toBe("unauthorized");
      }
    });

    it("swaps in a republished bundle", async () => {
      const before = await app.inject("/api/forecast");
      await republish(copy, "2030-01-01T00:00:00.000Z");
      const res = await reload(app, AUTH);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        reloaded: true,
        previousModelVersion: version,
        modelVersion: version,
      });
      const after = await app.inject("/api/forecast");
      expect(after.json().generatedAt).toBe("2030-01-01T00:00:00.000Z");
      expect(after.headers.etag).not.toBe(before.headers.etag);
    });

    it("refuses a broken bundle and keeps serving the old one", async () => {
      const serving = await app.inject("/api/forecast");
      const latest = join(copy, "forecasts", "latest.json");
      const goodLatest = await readFile(latest, "utf8");
      await writeFile(latest, goodLatest.slice(0, 100));
      const truncated = await reload(app, AUTH);
      expect(truncated.statusCode).toBe(422);
      expect(truncated.json()).toMatchObject({ error: "bundle-refused" });
      expect(truncated.json().message).toContain(`version ${version} keeps serving`);
      await writeFile(latest, goodLatest);

      const weights = join(copy, "registry", "models", String(version), "weights.bin");
      const goodWeights = await readFile(weights);
      await damageChampionWeights(copy);
      const damaged = await reload(app, AUTH);
      expect(damaged.statusCode).toBe(422);
      expect(damaged.json().message).toMatch(/warm-up/);

      expect((await app.inject("/readyz")).statusCode).toBe(200);
      const still = await app.inject("/api/forecast");
      expect(still.body).toBe(serving.body);
      const predicted = await app.inject({
        method: "POST",
        url: "/api/predict",
        payload: { symbol: "INFY", bars },
      });
      expect(predicted.statusCode).toBe(200);
      expect(predicted.json().forecast.probabilityUp).toBeGreaterThan(0);

      const metrics = (await app.inject("/metrics")).body;
      expect(metrics).toMatch(/sensex_bundle_loads_total\{result="refused"\} 2/);
      await writeFile(weights, goodWeights);
      expect((await reload(app, AUTH)).statusCode).toBe(200);
    });
  });

  it("loses no request while bundles are swapped under load", async () => {
    const copy = await copyOfBundle(dir);
    const app = await readyApp(copy, { ADMIN_TOKEN: TOKEN, PREDICT_RATE_LIMIT: "100000" });
    try {
      const url = await listenLocally(app);
      const predictBody = JSON.stringify({ symbol: "INFY.NS", bars });
      const statuses = new Map<number, number>();
      const failures: string[] = [];
      let reloading = true;
      let duringReload = 0;
      let reloadsInFlight = 0;

      const call = async (i: number) => {
        const res =
          i % 2 === 0
            ? await fetch(`${url}/api/forecast`)
            : await fetch(`${url}/api/predict`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: predictBody,
              });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (reloadsInFlight > 0) duringReload++;
      };
      const worker = async (w: number) => {
        for (let i = w; reloading; i++) {
          await call(i).catch((error: Error) => failures.push(error.message));
        }
      };

      const workers = Array.from({ length: 6 }, (_, w) => worker(w));
      const generated: string[] = [];
      for (let r = 0; r < 4; r++) {
        const generatedAt = new Date(Date.UTC(2031, 0, 1 + r)).toISOString();
        generated.push(generatedAt);
        await republish(copy, generatedAt);
        reloadsInFlight++;
        const res = await fetch(`${url}/api/admin/reload`, { method: "POST", headers: AUTH });
        reloadsInFlight--;
        expect(res.status, await res.text()).toBe(200);
      }
      reloading = false;
      await Promise.all(workers);

      expect(failures).toEqual([]);
      expect([...statuses.keys()]).toEqual([200]);
      // the swaps really happened while requests were being answered
      expect(duringReload).toBeGreaterThan(0);
      const latest = (await (await fetch(`${url}/api/forecast`)).json()) as { generatedAt: string };
      expect(latest.generatedAt).toBe(generated.at(-1));
    } finally {
      await app.close();
    }
  });
});
