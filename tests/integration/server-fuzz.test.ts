/**
 * Fuzzing the real app: thousands of generated malformed requests (random bytes, truncated
 * JSON, huge numbers, deep nesting, wrong types, wrong content types, bad CSV, mutated bars,
 * odd URLs and methods, garbage on the socket) must each get an answer below 500, every API
 * error in the `{error, message}` shape, and the server must still answer afterwards.
 * Seeded: FUZZ_SEED=<n> replays a run; a failure names the case to replay.
 */
import { connect } from "node:net";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPriceCsv } from "../../core/price-csv.js";
import type { Bar, ForecastBundle } from "../../core/contracts.js";
import { buildApp } from "../../dashboard/server/app.js";
import { MIN_BARS } from "../../pipeline/model/predictor.js";
import {
  listenLocally,
  serverConfig,
  sharedServerBundle,
  validatedBars,
} from "../helpers/server-bundle.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const INJECTED_CASES = 2_000;
const SOCKET_CASES = 100;

/** mulberry32: small, fast and reproducible */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
type Random = ReturnType<typeof prng>;

const WEIRD_VALUES: readonly unknown[] = [
  null,
  true,
  "",
  "12",
  "abc",
  -1,
  0,
  -0.0001,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER * 1e10,
  5e-324,
  [],
  {},
  [1, 2],
  { $gt: 0 },
  "2023-13-45",
  "９９",
  "\u0000",
  "x".repeat(5_000),
];
/** number texts JSON.stringify cannot write: they parse to Infinity, -0 or precision loss */
const HUGE_NUMBER_TEXTS = ["1e400", "-1e400", "1e-400", "-0", "123456789012345678901234567890"];
const BAR_FIELDS = ["date", "open", "high", "low", "close", "volume", "adjClose"] as const;
const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "text/csv",
  "application/csv",
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=zz",
  "application/octet-stream",
  "image/png",
  "application/vnd.api+json",
  ";;;",
  "application/json\u0000",
];

interface FuzzCase {
  kind: string;
  request: InjectOptions;
}

function json(url: string, payload: string, kind: string): FuzzCase {
  return {
    kind,
    request: { method: "POST", url, headers: { "content-type": "application/json" }, payload },
  };
}

function deepNesting(random: Random): string {
  const depth = 50 + random.int(20_000);
  const [open, close] = random.pick([
    ["[", "]"],
    ['{"a":', "}"],
    ['{"bars":[', "]}"],
  ] as const);
  const complete = random.next() < 0.5;
  return open.repeat(depth) + "1" + (complete ? close.repeat(depth) : "");
}

function mutateBar(random: Random, bars: Bar[]): unknown[] {
  const copy: Record<string, unknown>[] = bars.map((b) => ({ ...b }));
  const mutations = 1 + random.int(3);
  for (let m = 0; m < mutations; m++) {
    const i = random.int(copy.length);
    const bar = copy[i]!;
    switch (random.int(6)) {
      case 0:
        bar[random.pick(BAR_FIELDS)] = random.pick(WEIRD_VALUES);
        break;
      case 1:
        delete bar[random.pick(BAR_FIELDS)];
        break;
      case 2:
        bar.high = Number(bar.low) * (0.5 + random.next() * 0.49);
        break;
      case 3:
        bar.date = copy[random.int(copy.length)]!.date;
        break;
      case 4:
        bar[`extra${random.int(5)}`] = random.pick(WEIRD_VALUES);
        break;
      default:
        copy.splice(i, 1, ...Array.from({ length: random.int(3) }, () => bar));
    }
  }
  return copy;
}

function badCsv(random: Random, bars: Bar[]): string {
  const lines = formatPriceCsv(bars).split("\n");
  switch (random.int(8)) {
    case 0:
      return lines.slice(1).join("\n"); // no header
    case 1:
      lines[0] = random.pick(["Date,Open,High", "date;open;high;low;close;volume", "", "\uFEFF"]);
      return lines.join("\n");
    case 2:
      for (let k = 0; k < 5; k++) {
        const i = 1 + random.int(lines.length - 2);
        lines[i] = lines[i]!.replace(
          /,[^,]*/,
          `,${random.pick(["abc", "", "-5", "1e999", '"1,2"'])}`,
        );
      }
      return lines.join("\r\n");
    case 3:
      return lines
        .slice(0, 1 + random.int(lines.length))
        .join("\n")
        .slice(0, -random.int(40) || undefined);
    case 4:
      return lines.sort(() => random.next() - 0.5).join("\n");
    case 5:
      return lines.map((l) => l.split(",").reverse().join(",")).join("\n");
    case 6:
      return `${lines[0]}\n${"9".repeat(50_000)},1,2,3,4,5,6\n`;
    default:
      return random.bytes(1 + random.int(3_000)).toString("latin1");
  }
}

function multipart(random: Random, csv: string): FuzzCase {
  const boundary = random.pick(["b0undary", "x", "-".repeat(70), "a b"]);
  const filePart =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n` +
    `Content-Type: text/csv\r\n\r\n${csv}\r\n`;
  const bodies = [
    `${filePart}--${boundary}--\r\n`,
    `${filePart}${filePart}--${boundary}--\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="symbol"\r\n\r\nZZZ\r\n--${boundary}--\r\n`,
    filePart.slice(0, random.int(filePart.length)),
    random.bytes(random.int(2_000)).toString("latin1"),
  ];
  return {
    kind: "multipart",
    request: {
      method: "POST",
      url: "/api/predict",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: random.pick(bodies),
    },
  };
}

function oddUrl(random: Random): FuzzCase {
  const segment = () =>
    random.pick([
      "..",
      "%2e%2e",
      "%00",
      "%ff",
      "%",
      "%zz",
      "api",
      "forecast",
      "^BSESN",
      "☃",
      "x".repeat(random.int(3_000)),
      encodeURIComponent(random.bytes(8).toString("latin1")),
    ]);
  const path = random.pick([
    () => `/api/forecast/${segment()}`,
    () =>
      `/api/ledger?limit=${random.pick(["-1", "1e9", "abc", "0x10", "", "1.5", "99999999999"])}&symbol=${segment()}`,
    () => `/api/ledger?symbol=${segment()}&symbol=INFY`,
    () => `/${segment()}/${segment()}`,
    () => `/api/predict?symbol=${segment()}`,
    () => `/docs/${segment()}`,
    () => `/api/${segment()}?${segment()}=${segment()}`,
  ])();
  const method = random.pick(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const);
  return { kind: `url ${method}`, request: { method, url: path } };
}

/** One generated malformed request. */
function fuzzCase(random: Random, bars: Bar[], good: string): FuzzCase {
  const url = "/api/predict";
  const warmUp = bars.slice(-MIN_BARS);
  switch (random.int(12)) {
    case 0:
      return json(url, random.bytes(random.int(4_000)).toString("latin1"), "random bytes");
    case 1:
      return json(url, good.slice(0, random.int(good.length)), "truncated json");
    case 2: {
      const text = JSON.stringify({ bars: warmUp });
      const at = text.indexOf(":", random.int(text.length - 20));
      const end = text.slice(at + 1).search(/[,}]/) + at + 1;
      return json(
        url,
        `${text.slice(0, at + 1)}${random.pick(HUGE_NUMBER_TEXTS)}${text.slice(end)}`,
        "huge number",
      );
    }
    case 3:
      return json(url, deepNesting(random), "deep nesting");
    case 4:
      return json(
        url,
        JSON.stringify(
          random.pick([
            { bars: random.pick(WEIRD_VALUES) },
            { symbol: random.pick(WEIRD_VALUES), bars: warmUp },
            random.pick(WEIRD_VALUES),
            { bars: warmUp.map(() => random.pick(WEIRD_VALUES)) },
            { bars: [warmUp] },
            { bars: warmUp.slice(0, random.int(MIN_BARS)) },
          ]),
        ) ?? "undefined",
        "wrong types",
      );
    case 5:
      return json(url, JSON.stringify({ bars: mutateBar(random, warmUp) }), "mutated bars");
    case 6:
      return {
        kind: "content type",
        request: {
          method: "POST",
          url,
          headers: { "content-type": random.pick(CONTENT_TYPES) },
          payload: random.next() < 0.5 ? good : random.bytes(random.int(500)),
        },
      };
    case 7:
      return {
        kind: "bad csv",
        request: {
          method: "POST",
          url: `${url}?symbol=${random.pick(["INFY", "ZZZ", "", "%00"])}`,
          headers: { "content-type": "text/csv" },
          payload: badCsv(random, warmUp),
        },
      };
    case 8:
      return multipart(random, badCsv(random, warmUp));
    case 9:
      return json(
        url,
        random.pick([
          `{"__proto__":{"polluted":1},"bars":${JSON.stringify(warmUp)}}`,
          `{"constructor":{"prototype":{"polluted":1}},"bars":[]}`,
          `{"bars":${JSON.stringify(warmUp)},"bars":"dup"}`,
          "",
          "null",
          "\uFEFF{}",
          "[]".repeat(1_000),
        ]),
        "json oddities",
      );
    case 10:
      return {
        kind: "wrong method",
        request: {
          method: random.pick(["PUT", "DELETE", "PATCH", "GET"] as const),
          url,
          payload: good,
        },
      };
    default:
      return oddUrl(random);
  }
}

/** Garbage written straight to the socket: the HTTP parser's answer must not be a 5xx. */
function rawExchange(baseUrl: string, bytes: Buffer): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    socket.setEncoding("latin1");
    // a request cut short may wait for the rest of its body: no answer is also fine
    socket.setTimeout(750, () => socket.destroy());
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      // the server may close on garbage before reading it all
      error.code === "ECONNRESET" || error.code === "EPIPE" ? resolve(text) : reject(error),
    );
    socket.on("close", () => resolve(text));
  });
}

function socketGarbage(random: Random): Buffer {
  return random.pick([
    () => random.bytes(1 + random.int(2_000)),
    () => Buffer.from(`GET /${random.bytes(20).toString("latin1")} HTTP/1.1\r\n\r\n`, "latin1"),
    () =>
      Buffer.from(
        `POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\ncontent-type: application/json\r\n\r\n{"bars":`,
      ),
    () =>
      Buffer.from(
        `POST /api/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\ncontent-type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      ),
    () =>
      Buffer.from(
        `GET /healthz HTTP/1.1\r\nHost: x\r\n${"X-A: b\r\n".repeat(random.int(5_000))}\r\n`,
      ),
    () => Buffer.from(`GET /healthz HTTP/9.9\r\n\r\n`),
  ])();
}

let dir: string;
let app: FastifyInstance;
let bars: Bar[];
let published: ForecastBundle;
const errorLogs: string[] = [];

beforeAll(async () => {
  dir = await sharedServerBundle();
  bars = await validatedBars(dir, "INFY.NS");
  app = await buildApp({
    config: serverConfig(dir, { LOG_LEVEL: "error", PREDICT_RATE_LIMIT: "1000000" }),
    logStream: { write: (line) => void errorLogs.push(line) },
  });
  expect(await app.bundles.load()).toBe(true);
  published = (await app.inject("/api/forecast")).json();
});

afterAll(async () => {
  await app?.close();
});

describe(`fuzzing the server (seed ${SEED})`, () => {
  it(`answers ${INJECTED_CASES} malformed requests without a 5xx`, async () => {
    const random = prng(SEED);
    const good = JSON.stringify({ symbol: "INFY.NS", bars: bars.slice(-MIN_BARS) });
    const byKind = new Map<string, number[]>();
    for (let i = 0; i < INJECTED_CASES; i++) {
      const { kind, request } = fuzzCase(random, bars, good);
      const res = await app.inject(request);
      const where = `case ${i} (${kind}, seed ${SEED}): ${res.statusCode} ${res.body.slice(0, 200)}`;
      expect(res.statusCode, where).toBeLessThan(500);
      if (res.statusCode >= 400 && request.method !== "HEAD") {
        expect(res.json(), where).toEqual({
          error: expect.any(String),
          message: expect.any(String),
        });
      }
      byKind.set(kind, [...(byKind.get(kind) ?? []), res.statusCode]);
    }
    // every family of malformed input was generated, and nearly all of it was refused
    for (const kind of [
      "random bytes",
      "truncated json",
      "huge number",
      "deep nesting",
      "wrong types",
      "content type",
      "bad csv",
      "multipart",
      "mutated bars",
    ]) {
      expect(byKind.get(kind)?.length ?? 0, kind).toBeGreaterThan(50);
    }
    const statuses = [...byKind.values()].flat();
    expect(statuses.filter((s) => s >= 400).length).toBeGreaterThan(INJECTED_CASES * 0.8);
    expect(errorLogs).toEqual([]);
  });

  it(`survives ${SOCKET_CASES} garbage requests on the socket`, async () => {
    const random = prng(SEED + 1);
    const url = await listenLocally(app);
    for (let i = 0; i < SOCKET_CASES; i++) {
      const answer = await rawExchange(url, socketGarbage(random));
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      if (status !== undefined) expect(Number(status), `socket case ${i}`).toBeLessThan(500);
    }
    expect(errorLogs).toEqual([]);
  });

  it("still answers /healthz and a good prediction afterwards", async () => {
    expect((await app.inject("/healthz")).statusCode).toBe(200);
    expect((await app.inject("/readyz")).statusCode).toBe(200);
    const infy = published.forecasts.find((f) => f.symbol === "INFY.NS")!;
    const res = await app.inject({
      method: "POST",
      url: "/api/predict",
      payload: { symbol: "INFY.NS", bars },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().forecast).toEqual(infy);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
