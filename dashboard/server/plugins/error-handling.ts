/**
 * One error shape for every failure: `{error, message}`. Bad input gets its 4xx with what is
 * wrong; anything else is logged with its stack and answered with a bare 500, never details.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ApiError } from "../api-error.js";
import type { ErrorBody } from "../api-schemas.js";

const CODES: Record<number, string> = {
  400: "bad-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  406: "not-acceptable",
  408: "request-timeout",
  409: "conflict",
  411: "length-required",
  413: "payload-too-large",
  414: "uri-too-long",
  415: "unsupported-media-type",
  422: "unprocessable",
  429: "rate-limited",
  431: "headers-too-large",
};

/** Fastify's own errors whose messages do not say what to do. */
const FASTIFY_ERRORS: Record<string, ErrorBody> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    error: "unsupported-media-type",
    message:
      "this Content-Type is not accepted here: send application/json (POST /api/predict also takes text/csv and multipart/form-data)",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    error: "malformed-json",
    message: "the body is not valid JSON",
  },
};

function clientStatus(error: unknown): number | null {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500 ? status : null;
}

/** The body of an error answer with a 4xx status, or null for a server fault. */
function clientErrorBody(error: unknown): { status: number; body: ErrorBody } | null {
  if (error instanceof ApiError) {
    return { status: error.statusCode, body: { error: error.code, message: error.message } };
  }
  const status = clientStatus(error);
  if (status === null) return null;
  const fastifyCode = (error as { code?: unknown }).code;
  const special = typeof fastifyCode === "string" ? FASTIFY_ERRORS[fastifyCode] : undefined;
  if (special) return { status, body: special };
  const message = String((error as { message?: unknown }).message ?? "bad request").slice(0, 500);
  let code = CODES[status] ?? "client-error";
  if (hasZodFastifySchemaValidationErrors(error)) code = "invalid-request";
  else if (error instanceof SyntaxError) code = "malformed-json";
  return { status, body: { error: code, message } };
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const known = clientErrorBody(error);
  if (known) return reply.code(known.status).send(known.body);
  request.log.error({ err: error }, "request failed");
  return reply.code(500).send({ error: "internal", message: "internal server error" });
}

/** Schema validation messages: the first few issues, each with where it is. */
export function formatSchemaErrors(
  errors: readonly { instancePath: string; message?: string }[],
  dataVar: string,
): Error {
  const shown = errors
    .slice(0, 3)
    .map(
      (e) =>
        `${dataVar}${e.instancePath.replace(/\//g, ".").replace(/\.$/, "")}: ${e.message ?? "is invalid"}`,
    );
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : "";
  return new Error(shown.join("; ") + more);
}

async function errorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0]!.slice(0, 200);
    return reply
      .code(404)
      .send({ error: "not-found", message: `no such route: ${request.method} ${path}` });
  });
}

export default fp(errorHandling, { name: "error-handling" });
