/** Sends a JSON string serialised in advance, as is. */
import type { FastifyReply } from "fastify";
import { notReady } from "../api-error.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import type { ServingBundle } from "../bundle/serving-bundle.js";

export function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type("application/json; charset=utf-8").send(json);
}

/** Sends JSON bytes prepared in advance (their content-encoding header set by the caller). */
export function sendJsonBytes(reply: FastifyReply, bytes: Buffer): FastifyReply {
  return reply.type("application/json; charset=utf-8").send(bytes);
}

/** The bundle being served, or a 503 with the reason while none is. */
export function servingBundle(bundles: BundleHolder): ServingBundle {
  const bundle = bundles.current;
  if (bundle === null) throw notReady(bundles.readiness().reason);
  return bundle;
}
