/**
 * Security headers, strict CORS (configured origins only) and the rate limiter the costly routes
 * opt into. Pages get helmet's headers, computed once, with a CSP that allows the dashboard's own
 * scripts and styles and nothing from elsewhere. Machine answers (the JSON API, health, metrics)
 * get the short set OWASP's REST Security Cheat Sheet gives for APIs: the page-only headers
 * (a CSP with script hashes, DNS prefetch, download options...) mean nothing to a JSON body and
 * would triple the header bytes of every API answer. Every answer also echoes its request id
 * (X-Request-Id).
 */
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ApiError } from "../api-error.js";
import { helmetHeaders } from "./security-headers.js";

interface SecurityOptions {
  corsOrigins: readonly string[];
  /** CSP frame-ancestors sources: self, none or origins */
  frameAncestors: readonly string[];
  /** CSP hashes of the dashboard's inline scripts */
  scriptHashes: readonly string[];
}

const KEYWORDS = new Set(["self", "none"]);

function cspSource(token: string): string {
  return KEYWORDS.has(token.toLowerCase()) ? `'${token.toLowerCase()}'` : token;
}

export function parseList(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Paths whose answers are never rendered as a page: the JSON API, health and metrics. */
function isMachineAnswer(url: string): boolean {
  return (
    url.startsWith("/api/") ||
    url === "/healthz" ||
    url === "/readyz" ||
    url.startsWith("/metrics") ||
    url.startsWith("/healthz?") ||
    url.startsWith("/readyz?")
  );
}

/**
 * OWASP's API headers: nothing may load from or frame a JSON answer, no sniffing it as another
 * type, HSTS as on the pages; and CORP, so no other site can pull the JSON in without CORS.
 * The opener and referrer policies only act in a document, so API answers go without them.
 */
function machineAnswerHeaders(pageHeaders: Record<string, string>): Record<string, string> {
  const kept = [
    "strict-transport-security",
    "x-content-type-options",
    "cross-origin-resource-policy",
  ];
  const headers: Record<string, string> = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
  };
  for (const name of kept) {
    const value = pageHeaders[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

async function security(app: FastifyInstance, options: SecurityOptions) {
  const frameAncestors = options.frameAncestors.map(cspSource);
  const selfOnly = frameAncestors.every((s) => s === "'self'" || s === "'none'");
  const headers = await helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'", ...options.scriptHashes],
        scriptSrcAttr: ["'none'"],
        // Plot and Inputs set style attributes; inline styles cannot run code
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors,
      },
    },
    // frame-ancestors supersedes it; X-Frame-Options cannot name another origin
    xFrameOptions: selfOnly ? { action: "sameorigin" } : false,
  });
  const apiHeaders = machineAnswerHeaders(headers);
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(isMachineAnswer(request.url) ? apiHeaders : headers);
    // the request id, echoed so a caller can quote it: set here rather than in a hook of its
    // own, as every hook costs each request a step of Fastify's hook runner
    reply.header("x-request-id", request.id);
    // a client that hung up before its request was handled has no address left, and the rate
    // limiter's key generator throws on that (a 500 logged as an error, found by the fuzz test)
    if (request.ip !== undefined) return done();
    reply.code(400).send({
      error: "connection-closed",
      message: "the connection closed before the request was handled",
    });
  });
  // with no origin configured there is no cross-origin access to grant: a browser refuses a
  // cross-origin read without the CORS headers, and no request pays for a CORS hook
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ["GET", "HEAD", "POST"],
      allowedHeaders: ["content-type"],
      maxAge: 600,
    });
  }
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        "rate-limited",
        `too many requests: at most ${context.max} in the rate-limit window; retry in ${context.after}`,
      ),
  });
}

export default fp(security, { name: "security" });
