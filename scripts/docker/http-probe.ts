/** Small HTTP helpers for the smoke run: a free port and polling a URL until it answers 200. */
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Probe {
  status: number;
  body: string;
}

export async function get(url: string, timeoutMs = 5_000): Promise<Probe> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/** Polls `url` until it answers 200; throws with the last answer when `deadlineMs` passes. */
export async function waitFor200(
  url: string,
  deadlineMs: number,
  alive: () => boolean,
): Promise<Probe> {
  const until = Date.now() + deadlineMs;
  let last = "no answer yet";
  while (Date.now() < until) {
    if (!alive()) throw new Error(`the server exited before ${url} answered 200 (${last})`);
    try {
      const probe = await get(url);
      if (probe.status === 200) return probe;
      last = `${probe.status} ${probe.body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer 200 within ${deadlineMs} ms (last: ${last})`);
}
