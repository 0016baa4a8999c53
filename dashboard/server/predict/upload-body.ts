/**
 * Turns a CSV upload (a text/csv body or a multipart file) into the JSON body of
 * POST /api/predict, so every form of input is validated by the one schema.
 */
import type { FastifyRequest } from "fastify";
import { PriceCsvError, parsePriceCsv } from "../../../core/price-csv.js";
import { ApiError } from "../api-error.js";

export function csvToBody(text: string, symbol: string | undefined): Record<string, unknown> {
  let parsed: ReturnType<typeof parsePriceCsv>;
  try {
    parsed = parsePriceCsv(text, "the CSV upload");
  } catch (error) {
    if (error instanceof PriceCsvError) throw new ApiError(400, "malformed-csv", error.message);
    throw error;
  }
  // Yahoo writes "null" rows for days without data; they carry nothing to predict from
  const bad = parsed.rejected.filter((r) => r.reason !== "null-row");
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more bad line(s))` : "";
    throw new ApiError(400, "malformed-csv", `line ${bad[0]!.line}: ${bad[0]!.detail}${more}`);
  }
  return symbol === undefined ? { bars: parsed.bars } : { symbol, bars: parsed.bars };
}

function isClientError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500;
}

/** Reads one CSV file part and an optional `symbol` field. */
export async function multipartToBody(
  request: FastifyRequest,
  querySymbol: string | undefined,
): Promise<Record<string, unknown>> {
  let csv: string | undefined;
  let symbol = querySymbol;
  try {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        const text = (await part.toBuffer()).toString("utf8");
        if (csv !== undefined) {
          throw new ApiError(400, "malformed-multipart", "send one CSV file per request");
        }
        csv = text;
      } else if (part.fieldname === "symbol" && typeof part.value === "string") {
        symbol = part.value;
      }
    }
  } catch (error) {
    if (error instanceof ApiError || isClientError(error)) throw error;
    throw new ApiError(
      400,
      "malformed-multipart",
      `cannot read the multipart upload: ${(error as Error).message}`,
    );
  }
  if (csv === undefined) {
    throw new ApiError(400, "malformed-multipart", "no file in the upload: attach the CSV file");
  }
  return csvToBody(csv, symbol);
}
