/** Request ids: the caller's own when it sends a plain one, else one made here. */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * New request ids: 12 random hex digits drawn once per process, then a counter in base 36
 * ("9f3c2a71be04-1k"). Unique within a process and, by the prefix, across restarts, without a
 * UUID's random bytes and formatting on every request.
 */
export function requestIdSource(): () => string {
  const prefix = randomBytes(6).toString("hex");
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}

/** A caller's X-Request-Id when it is plain and short, else a new one. */
export function requestIds(): (request: IncomingMessage) => string {
  const newId = requestIdSource();
  return (request) => {
    const given = request.headers["x-request-id"];
    return typeof given === "string" && REQUEST_ID.test(given) ? given : newId();
  };
}
