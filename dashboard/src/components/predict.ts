/**
 * The what-if form's client of POST /api/predict. The static build (a static Space) has no API:
 * a network error, or an answer that is not the API's (a 404 or 405 page of a static host),
 * counts as "absent", which the form says instead of failing. No DOM here.
 */
import type { SymbolForecast } from "./types.js";

export const PREDICT_PATH = "api/predict";

export interface PredictAnswer {
  modelVersion: number;
  barsReceived: number;
  barsUsed: number;
  forecast: SymbolForecast;
}

export type PredictOutcome =
  | { kind: "forecast"; answer: PredictAnswer }
  | { kind: "rejected"; status: number; code: string; message: string }
  | { kind: "absent"; detail: string };

export type PredictRequest =
  { csv: string; symbol?: string } | { file: Blob; fileName: string; symbol?: string };

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

function isErrorBody(x: unknown): x is { error: string; message: string } {
  const o = x as { error?: unknown; message?: unknown } | null;
  return typeof o?.error === "string" && typeof o.message === "string";
}

function isAnswer(x: unknown): x is PredictAnswer {
  const o = x as Partial<PredictAnswer> | null;
  return typeof o?.modelVersion === "number" && typeof o.forecast?.probabilityUp === "number";
}

/** The request: a CSV text body, or a multipart upload of the chosen file. */
export function predictInit(request: PredictRequest): { url: string; init: RequestInit } {
  const query = request.symbol ? `?symbol=${encodeURIComponent(request.symbol)}` : "";
  if ("csv" in request) {
    return {
      url: `${PREDICT_PATH}${query}`,
      init: { method: "POST", headers: { "content-type": "text/csv" }, body: request.csv },
    };
  }
  const form = new FormData();
  form.append("file", request.file, request.fileName);
  return { url: `${PREDICT_PATH}${query}`, init: { method: "POST", body: form } };
}

export async function requestForecast(
  request: PredictRequest,
  fetchImpl: Fetch = (input, init) => fetch(input, init),
): Promise<PredictOutcome> {
  const { url, init } = predictInit(request);
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    return { kind: "absent", detail: `no answer from ${url}: ${(error as Error).message}` };
  }
  let body: unknown = null;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) body = await response.json().catch(() => null);
  if (response.ok && isAnswer(body)) return { kind: "forecast", answer: body };
  // only the API answers with its error shape; anything else is a host without it
  if (!response.ok && isErrorBody(body) && response.status !== 404) {
    return { kind: "rejected", status: response.status, code: body.error, message: body.message };
  }
  return { kind: "absent", detail: `${url} answered ${response.status} ${response.statusText}` };
}
