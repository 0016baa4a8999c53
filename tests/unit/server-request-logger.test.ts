import type { FastifyBaseLogger } from "fastify";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { LazyRequestLogger } from "../../dashboard/server/request-logger.js";

function rootLogger(level = "info") {
  const lines: string[] = [];
  const root = pino({ level, timestamp: false, base: { pid: 1 } }, { write: (l) => lines.push(l) });
  return { root: root as FastifyBaseLogger, lines };
}

describe("LazyRequestLogger", () => {
  it("writes a request's one line through the root logger exactly as pino's child would", () => {
    const { root, lines } = rootLogger();
    const lazy = new LazyRequestLogger(root, { reqId: "r-1" }, {});
    const { logger, withId } = lazy.lineLogger();
    expect(logger).toBe(root);
    expect(withId).toBe(true);
    logger.info({ reqId: "r-1", method: "GET", statusCode: 200 }, "request completed");
    root.child({ reqId: "r-1" }).info({ method: "GET", statusCode: 200 }, "request completed");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(lines[1]);
  });

  it("makes no child for a request that logs nothing else", () => {
    const { root } = rootLogger();
    const child = vi.spyOn(root, "child");
    const lazy = new LazyRequestLogger(root, { reqId: "r-2" }, {});
    lazy.lineLogger();
    expect(child).not.toHaveBeenCalled();
  });

  it("makes the child on the first other line, and the request's line then goes through it", () => {
    const { root, lines } = rootLogger();
    const lazy = new LazyRequestLogger(root, { reqId: "r-3" }, {});
    lazy.warn({ err: new Error("bad bars") }, "no forecast from the bars given");
    lazy.error("and %s", "a format string");
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([
      {
        level: 40,
        reqId: "r-3",
        msg: "no forecast from the bars given",
        err: { message: "bad bars" },
      },
      { level: 50, reqId: "r-3", msg: "and a format string" },
    ]);
    const { logger, withId } = lazy.lineLogger();
    expect(withId).toBe(false);
    expect(logger).not.toBe(root);
  });

  it("keeps a route's own level: its lines go through a child at that level", () => {
    const { root, lines } = rootLogger("debug");
    const lazy = new LazyRequestLogger(root, { reqId: "r-4" }, { level: "warn" });
    expect(lazy.level).toBe("warn");
    const { logger, withId } = lazy.lineLogger();
    expect(withId).toBe(false);
    logger.info({}, "request completed");
    lazy.debug("hidden");
    lazy.fatal("shown");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["shown"]);
  });

  it("passes child() and level changes to pino's child", () => {
    const { root, lines } = rootLogger();
    const lazy = new LazyRequestLogger(root, { reqId: "r-5" }, {});
    lazy.level = "error";
    lazy.info("dropped");
    lazy.child({ part: "model" }).error("kept");
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([
      { reqId: "r-5", part: "model", msg: "kept" },
    ]);
  });
});
