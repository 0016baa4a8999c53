/**
 * The server listens before it loads the model: /healthz answers 200 from the first moment,
 * /readyz 503 with the reason until the bundle is loaded and its warm-up prediction passed.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../dashboard/server/app.js";
import { loadServingBundle } from "../../dashboard/server/bundle/load-bundle.js";
import type { ServingBundle } from "../../dashboard/server/bundle/serving-bundle.js";
import {
  copyOfBundle,
  damageChampionWeights,
  listenLocally,
  serverConfig,
  sharedServerBundle,
} from "../helpers/server-bundle.js";

let dir: string;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  dir = await sharedServerBundle();
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function started(artifactsDir: string, loader?: (d: string) => Promise<ServingBundle>) {
  const app = await buildApp({ config: serverConfig(artifactsDir), ...(loader ? { loader } : {}) });
  apps.push(app);
  return { app, url: await listenLocally(app) };
}

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("health and readiness", () => {
  it("answers /healthz at once and /readyz 503 until the real bundle is loaded", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // the real loader, held back until the test has looked at the states before it
    const { app, url } = await started(dir, async (d) => {
      await gate;
      return loadServingBundle(d);
    });

    expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, body: { status: "ok" } });
    const before = await get(`${url}/readyz`);
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ status: "starting", modelVersion: null });
    expect(before.body.reason).toMatch(/not been loaded/);
    const forecast = await get(`${url}/api/forecast`);
    expect(forecast).toMatchObject({ status: 503, body: { error: "not-ready" } });

    const loading = app.bundles.load();
    const during = await get(`${url}/readyz`);
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ status: "loading" });
    expect(during.body.reason).toContain(dir);
    expect((await get(`${url}/healthz`)).status).toBe(200);

    release();
    expect(await loading).toBe(true);
    const after = await get(`${url}/readyz`);
    expect(after).toMatchObject({ status: 200, body: { status: "ready", reason: null } });
    expect(after.body.modelVersion).toBeGreaterThanOrEqual(1);
    expect((await get(`${url}/api/forecast`)).status).toBe(200);
  });

  it("stays unready, saying why, when the warm-up prediction fails", async () => {
    const copy = await copyOfBundle(dir);
    await damageChampionWeights(copy);
    const { app, url } = await started(copy);
    expect(await app.bundles.load()).toBe(false);
    const readyz = await get(`${url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(readyz.body).toMatchObject({ status: "failed", modelVersion: null });
    expect(readyz.body.reason).toMatch(/warm-up/);
    const forecast = await get(`${url}/api/forecast`);
    expect(forecast.status).toBe(503);
    expect(forecast.body.message).toMatch(/warm-up/);
    expect((await get(`${url}/healthz`)).status).toBe(200);
  });

  it("stays unready when nothing has been published", async () => {
    const { app, url } = await started(`${dir}-nothing-here`);
    expect(await app.bundles.load()).toBe(false);
    const readyz = await get(`${url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(readyz.body.reason).toMatch(/no champion model|run the pipeline/);
  });
});
