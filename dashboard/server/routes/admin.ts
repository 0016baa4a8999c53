/**
 * POST /api/admin/reload: loads the bundle the pipeline has published since and swaps it in.
 * Registered only when ADMIN_TOKEN is set; the token is compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ApiError } from "../api-error.js";
import { commonErrors, errorBodySchema, reloadResponseSchema } from "../api-schemas.js";
import { BundleError } from "../bundle/bundle-error.js";
import { ReloadInProgressError, type BundleHolder } from "../bundle/bundle-holder.js";

interface AdminOptions {
  bundles: BundleHolder;
  token: string;
  rateLimit: { max: number; timeWindow: number };
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Whether an Authorization header carries the token; digests make the lengths equal. */
export function bearerMatches(header: string | undefined, tokenDigest: Buffer): boolean {
  const match = /^Bearer +(\S+)$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), tokenDigest);
}

export const adminRoutes: FastifyPluginAsyncZod<AdminOptions> = async (app, options) => {
  const { bundles } = options;
  const tokenDigest = digest(options.token);

  app.post(
    "/api/admin/reload",
    {
      config: { rateLimit: options.rateLimit },
      schema: {
        summary: "Load the newly published bundle and swap it in without dropping requests",
        description:
          "Needs `Authorization: Bearer <ADMIN_TOKEN>`. A bundle that fails its checks or its warm-up prediction is refused (422) and the current one keeps serving.",
        tags: ["operations"],
        response: {
          200: reloadResponseSchema,
          401: errorBodySchema,
          409: errorBodySchema,
          422: errorBodySchema,
          ...commonErrors,
        },
      },
      onRequest: async (request) => {
        if (!bearerMatches(request.headers.authorization, tokenDigest)) {
          throw new ApiError(401, "unauthorized", "a valid admin token is needed (Bearer)");
        }
      },
    },
    async () => {
      const serving = bundles.current?.modelVersion ?? null;
      try {
        const result = await bundles.swap();
        return {
          reloaded: true as const,
          modelVersion: result.bundle.modelVersion,
          previousModelVersion: result.previousModelVersion,
          loadedAt: result.bundle.loadedAt,
          durationMs: result.durationMs,
        };
      } catch (error) {
        if (error instanceof ReloadInProgressError) throw new ApiError(409, "busy", error.message);
        if (error instanceof BundleError) {
          const kept =
            serving === null ? "nothing is served yet" : `version ${serving} keeps serving`;
          throw new ApiError(422, "bundle-refused", `${error.message}; ${kept}`);
        }
        throw error;
      }
    },
  );
};
