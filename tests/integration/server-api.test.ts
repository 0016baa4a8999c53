import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  forecastBundleSchema,
  ledgerRowSchema,
  runReportSchema,
  symbolForecastSchema,
  type ForecastBundle,
} from "../../core/contracts.js";
import { formatPriceCsv } from "../../core/price-csv.js";
import { buildApp } from "../../dashboard/server/app.js";
import { MIN_BARS } from "../../pipeline/model/predictor.js";
import {
  SERVER_TEST_SYMBOLS,
  serverConfig,
  sharedServerBundle,
  validatedBars,
  validatedCsv,
} from "../helpers/server-bundle.js";

let dir: string;
let app: FastifyInstance;
let published: ForecastBundle;

beforeAll(async () => {
  dir = await sharedServerBundle();
  app = await buildApp({ config: serverConfig(dir) });
  expect(await app.bundles.load()).toBe(true);
  published = forecastBundleSchema.parse((await app.inject("/api/forecast")).json());
});

afterAll(async () => {
  await app?.close();
});

function multipartBody(fields: Record<string, string>, file: { name: string; text: string }) {
  const boundary = "----sensex-test-boundary";
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
      `Content-Type: text/csv\r\n\r\n${file.text}\r\n`,
  );
  return {
    payload: parts.join("") + `--${boundary}--\r\n`,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}

describe("the forecast routes", () => {
  it("serve the pipeline's latest.json", async () => {
    const res = await app.inject("/api/forecast");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(published.forecasts.map((f) => f.symbol)).toEqual(SERVER_TEST_SYMBOLS);
    const again = await app.inject({
      url: "/api/forecast",
      headers: { "if-none-match": String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    // precompressed bytes for clients that accept them, the same JSON once decoded
    for (const [accept, decode] of [
      ["br", brotliDecompressSync],
      ["gzip", gunzipSync],
    ] as const) {
      const packed = await app.inject({
        url: "/api/forecast",
        headers: { "accept-encoding": accept },
      });
      expect(packed.headers["content-encoding"]).toBe(accept);
      expect(packed.headers.etag).toBe(res.headers.etag);
      expect(decode(packed.rawPayload).toString("utf8")).toBe(res.body);
    }
  });

  it("serve one symbol by any of its spellings, and 404 an unknown one", async () => {
    const index = published.forecasts[0]!;
    for (const spelling of ["%5EBSESN", "^BSESN", "BSESN", "bsesn"]) {
      const res = await app.inject(`/api/forecast/${spelling}`);
      expect(res.statusCode, spelling).toBe(200);
      expect(symbolForecastSchema.parse(res.json())).toEqual(index);
    }
    expect((await app.inject("/api/forecast/infy")).json().symbol).toBe("INFY.NS");
    const missing = await app.inject("/api/forecast/NOPE.NS");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: "unknown-symbol" });
    expect(missing.json().message).toContain("^BSESN");
  });
});

describe("POST /api/predict", () => {
  it("gives the published forecast for each symbol's validated bars (JSON, CSV, multipart)", async () => {
    for (const published1 of published.forecasts) {
      const bars = await validatedBars(dir, published1.symbol);
      const json = await app.inject({
        method: "POST",
        url: "/api/predict",
        payload: { symbol: published1.symbol, bars },
      });
      expect(json.statusCode, json.body).toBe(200);
      expect(json.json().forecast).toEqual(published1);
      expect(json.json()).toMatchObject({ modelVersion: published.modelVersion, barsUsed: 633 });

      const csv = await app.inject({
        method: "POST",
        url: `/api/predict?symbol=${encodeURIComponent(published1.symbol)}`,
        headers: { "content-type": "text/csv" },
        payload: await validatedCsv(dir, published1.symbol),
      });
      expect(csv.statusCode, csv.body).toBe(200);
      expect(csv.json().forecast).toEqual(published1);
    }
    const index = published.forecasts[0]!;
    const upload = multipartBody(
      { symbol: "BSESN" },
      { name: "BSESN.csv", text: await validatedCsv(dir, "^BSESN") },
    );
    const res = await app.inject({ method: "POST", url: "/api/predict", ...upload });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().forecast).toEqual(index);
  });

  it("reads a gzip-compressed body (Content-Encoding: gzip)", async () => {
    const index = published.forecasts.find((f) => f.symbol === "^BSESN")!;
    const bars = await validatedBars(dir, "^BSESN");
    const res = await app.inject({
      method: "POST",
      url: "/api/predict",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      payload: gzipSync(JSON.stringify({ symbol: "^BSESN", bars })),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().forecast).toEqual(index);
  });

  it("answers the same bars again from the cache, with the same forecast", async () => {
    const bars = (await validatedBars(dir, "TCS.NS")).slice(-MIN_BARS);
    const post = () => app.inject({ method: "POST", url: "/api/predict", payload: { bars } });
    const cache = app.bundles.current!.predictions;
    const first = await post();
    expect(first.statusCode, first.body).toBe(200);
    const size = cache.size;
    const again = await post();
    expect(again.json()).toEqual(first.json());
    expect(cache.size).toBe(size);
    const changed = bars.map((b, i) =>
      i === bars.length - 1 ? { ...b, volume: b.volume + 1 } : b,
    );
    const other = await app.inject({
      method: "POST",
      url: "/api/predict",
      payload: { bars: changed },
    });
    expect(other.statusCode).toBe(200);
    expect(cache.size).toBe(size + 1);
  });

  it("forecasts an unnamed series, defaulting adjClose to close", async () => {
    const bars = (await validatedBars(dir, "INFY.NS")).map(({ adjClose: _, ...bar }) => bar);
    const res = await app.inject({ method: "POST", url: "/api/predict", payload: { bars } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().forecast).toMatchObject({ symbol: "CUSTOM", isIndex: false });
    expect(res.json().barsReceived).toBe(bars.length);
  });

  it("answers bad input with a clear 4xx", async () => {
    const bars = await validatedBars(dir, "^BSESN");
    const post = (payload: unknown) =>
      app.inject({ method: "POST", url: "/api/predict", payload: payload as object });
    const expectError = async (payload: unknown, status: number, code: string, text: RegExp) => {
      const res = await post(payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json()).toEqual({ error: code, message: expect.stringMatching(text) });
    };
    const tooFew = bars.slice(-50);
    await expectError({ bars: tooFew }, 422, "too-few-bars", new RegExp(`MIN_BARS = ${MIN_BARS}`));
    const withBar = (i: number, change: object) =>
      bars.map((b, j) => (j === bars.length - i ? { ...b, ...change } : b));
    await expectError({ bars: withBar(3, { close: -1 }) }, 422, "invalid-bars", /positive/);
    await expectError({ bars: withBar(3, { open: 0 }) }, 422, "invalid-bars", /positive/);
    await expectError({ bars: withBar(2, { volume: -5 }) }, 422, "invalid-bars", /negative/);
    const last = bars.at(-1)!;
    await expectError(
      { bars: withBar(1, { high: last.low - 1 }) },
      422,
      "invalid-bars",
      /below low/,
    );
    await expectError(
      { bars: withBar(1, { date: bars.at(-2)!.date }) },
      422,
      "invalid-bars",
      /repeated/,
    );
    await expectError(
      { bars: withBar(1, { date: "2000-01-03" }) },
      422,
      "invalid-bars",
      /ascending/,
    );
    await expectError({ bars: withBar(1, { date: "2023-02-30" }) }, 422, "invalid-bars", /date/);
    await expectError({ bars: withBar(1, { close: "12" }) }, 400, "invalid-request", /close/);
    await expectError({ bars: withBar(1, { high: null }) }, 400, "invalid-request", /high/);
    await expectError({ bars: "many" }, 400, "invalid-request", /bars/);
    await expectError({ symbol: "ZZZ", bars }, 422, "unknown-symbol", /ZZZ/);
    const huge = bars.map((b) => ({ ...b, high: 1e300, open: 1e300, close: 1e300 }));
    await expectError({ bars: huge }, 422, "no-forecast", /no forecast/);
  });

  it("rejects malformed JSON, other content types, a CSV without its columns", async () => {
    const malformed = await app.inject({
      method: "POST",
      url: "/api/predict",
      headers: { "content-type": "application/json" },
      payload: '{"bars": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe("malformed-json");
    const plain = await app.inject({
      method: "POST",
      url: "/api/predict",
      headers: { "content-type": "text/plain" },
      payload: "hello",
    });
    expect(plain.statusCode).toBe(415);
    expect(plain.json().error).toBe("unsupported-media-type");
    const csv = await validatedCsv(dir, "^BSESN");
    const noVolume = csv.replace(/,Volume/, "");
    const missing = await app.inject({
      method: "POST",
      url: "/api/predict",
      headers: { "content-type": "text/csv" },
      payload: noVolume,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: "malformed-csv" });
    expect(missing.json().message).toMatch(/missing column\(s\) Volume/);
    const badCell = csv.replace(/\n(\d{4}-\d{2}-\d{2}),[^,]+,/, "\n$1,abc,");
    const res = await app.inject({
      method: "POST",
      url: "/api/predict",
      headers: { "content-type": "text/csv" },
      payload: badCell,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/line 2: Open is "abc"/);
  });

  it("answers 413 for a body over the limit", async () => {
    const small = await buildApp({ config: serverConfig(dir, { BODY_LIMIT_BYTES: "2048" }) });
    try {
      const bars = formatPriceCsv(await validatedBars(dir, "^BSESN"));
      for (const [type, payload] of [
        ["text/csv", bars],
        ["application/json", JSON.stringify({ bars: bars.split("\n") })],
      ] as const) {
        const res = await small.inject({
          method: "POST",
          url: "/api/predict",
          headers: { "content-type": type },
          payload,
        });
        expect(res.statusCode, type).toBe(413);
        expect(res.json().error).toBe("payload-too-large");
      }
      const upload = multipartBody({}, { name: "big.csv", text: bars });
      const res = await small.inject({ method: "POST", url: "/api/predict", ...upload });
      expect(res.statusCode).toBe(413);
    } finally {
      await small.close();
    }
  });
});

describe("the model, ledger and run routes", () => {
  it("GET /api/model gives the champion card, the aliases and its evaluation", async () => {
    const res = await app.inject("/api/model");
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.card.version).toBe(published.modelVersion);
    expect(body.aliases.champion).toBe(published.modelVersion);
    expect(body.card.signature.featureNames).toHaveLength(45);
    expect(body.evaluation.version).toBe(published.modelVersion);
  });

  it("GET /api/ledger filters by symbol and keeps the newest rows", async () => {
    const all = (await app.inject("/api/ledger")).json();
    expect(all.count).toBeGreaterThanOrEqual(SERVER_TEST_SYMBOLS.length);
    for (const row of all.rows) ledgerRowSchema.parse(row);
    const one = (await app.inject("/api/ledger?symbol=TCS&limit=1")).json();
    expect(one.count).toBe(1);
    expect(one.rows[0].symbol).toBe("TCS.NS");
    expect(one.rows[0]).toEqual(
      all.rows.filter((r: { symbol: string }) => r.symbol === "TCS.NS").at(-1),
    );
    expect((await app.inject("/api/ledger?limit=0")).statusCode).toBe(400);
    expect((await app.inject("/api/ledger?limit=abc")).statusCode).toBe(400);
    expect((await app.inject("/api/ledger?symbol=NOPE")).statusCode).toBe(404);
  });

  it("GET /api/runs/latest gives the newest run report", async () => {
    const res = await app.inject("/api/runs/latest");
    expect(res.statusCode).toBe(200);
    const report = runReportSchema.parse(res.json());
    expect(report.status).toBe("succeeded");
  });
});

describe("docs and metrics", () => {
  it("publishes an OpenAPI document with every route and serves the docs locally", async () => {
    const doc = (await app.inject("/api/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/api/forecast",
      "/api/forecast/{symbol}",
      "/api/predict",
      "/api/model",
      "/api/ledger",
      "/api/runs/latest",
      "/healthz",
      "/readyz",
      "/metrics",
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const predict = doc.paths["/api/predict"].post;
    expect(Object.keys(predict.requestBody.content)).toEqual(
      expect.arrayContaining(["application/json", "text/csv", "multipart/form-data"]),
    );
    expect(predict.responses).toHaveProperty(["422"]);
    const html = (await app.inject("/docs/")).body;
    expect(html).toContain("swagger-ui-bundle.js");
    const external = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(external.length).toBeGreaterThan(0);
    for (const url of external) expect(url).not.toMatch(/^(https?:)?\/\//);
    const bundleJs = await app.inject("/docs/static/swagger-ui-bundle.js");
    expect(bundleJs.statusCode).toBe(200);
    const init = (await app.inject("/docs/static/swagger-initializer.js")).body;
    expect(init).toContain("validatorUrl: null");
  });

  it("GET /metrics counts requests by route and reports the model and forecast age", async () => {
    await app.inject("/api/forecast/BSESN");
    await app.inject("/no/such/page");
    const text = (await app.inject("/metrics")).body;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/forecast\/:symbol",status_code="200"\} \d+/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} \d+/,
    );
    expect(text).toContain("http_request_duration_seconds_bucket{le=");
    expect(text).toMatch(new RegExp(`sensex_model_version ${published.modelVersion}\\b`));
    const age = Number(/^sensex_forecast_age_seconds (\S+)$/m.exec(text)?.[1]);
    const expected = (Date.now() - Date.parse(published.generatedAt)) / 1000;
    expect(Math.abs(age - expected)).toBeLessThan(60);
    expect(text).toMatch(/sensex_ready 1/);
    expect(text).toMatch(/sensex_bundle_loads_total\{result="loaded"\} 1/);
    expect(text).toContain("process_resident_memory_bytes");
    expect(text).not.toContain("no/such/page");
  });
});
