/**
 * The built dashboard at / (static files: compressed by the compress plugin, ETags, cache
 * headers, no directory listing, nothing outside its folder); before a build exists, a page
 * that says how to make one.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";

interface DashboardOptions {
  dir: string;
}

/** Observable Framework names its assets by content hash: they never change under one name. */
const HASHED_ASSET = /[/\\]_(observablehq|npm|file|import|node)[/\\]/;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>sensex-mlops</title></head>
<body>
<h1>sensex-mlops</h1>
<p>The dashboard has not been built yet, so there is nothing to show here.
Build it into <code>dashboard/dist</code> (see README.md, section Dashboard) and restart the server.</p>
<p>The API works already: <a href="/api/forecast">/api/forecast</a>,
<a href="/api/model">/api/model</a>, <a href="/docs">/docs</a> (interactive API docs).</p>
</body>
</html>
`;

export const dashboardRoutes: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const root = resolve(options.dir);
  if (!existsSync(join(root, "index.html"))) {
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-cache")
        .send(NOT_BUILT_PAGE),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    index: ["index.html"],
    // /page serves page.html, as the dashboard links its pages without the extension
    extensions: ["html"],
    list: false,
    dotfiles: "ignore",
    etag: true,
    lastModified: true,
    preCompressed: true,
    cacheControl: false,
    // a path that leaves the folder is not found, as any other missing file is
    allowedPath: (pathName) => !pathName.split(/[/\\]/).includes(".."),
    setHeaders: (res, path) => {
      res.setHeader(
        "cache-control",
        HASHED_ASSET.test(path.slice(root.length))
          ? "public, max-age=31536000, immutable"
          : "no-cache",
      );
    },
  });
};
