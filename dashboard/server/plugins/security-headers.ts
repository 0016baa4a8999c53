/**
 * helmet's headers, computed once. @fastify/helmet builds a new helmet middleware (and parses
 * the CSP again) on every request; with no per-request nonces its output never changes, so a
 * probe app runs helmet once and every answer gets the same headers. Measured need: a build that
 * registers @fastify/helmet instead served GET /api/forecast at 60% (53-64%) of this one, against
 * an A/A spread of 79-104% (`scripts/compare-servers.sh HEAD <that build> 5`).
 */
import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import Fastify from "fastify";

/** Headers every answer has anyway; they are not helmet's to set. */
const NOT_HELMETS = new Set(["content-type", "content-length", "date", "connection", "keep-alive"]);

export async function helmetHeaders(
  options: FastifyHelmetOptions,
): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get("/", async () => "");
  try {
    const res = await probe.inject("/");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (!NOT_HELMETS.has(name) && typeof value === "string") headers[name] = value;
    }
    return headers;
  } finally {
    await probe.close();
  }
}
