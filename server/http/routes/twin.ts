import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` (Vite) writes the browser app. */
export const TWIN_DIST = fileURLToPath(new URL('../../../twin/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
  '.hdr': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WETMS: app not built</title></head>
<body style="font-family: system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.6">
<h1>WETMS</h1>
<p>The control room app is not built yet: run <code>npm run build</code> (or restart with <code>npm start</code>, which builds it).
控制室前端尚未构建：请运行 <code>npm run build</code>。</p>
<p>The API is live meanwhile: <a href="/api/docs">API documentation / 接口文档</a></p>
</body></html>
`;

/**
 * The browser app at `/`: Vite's build output in twin/dist. Hashed files under /assets are cached
 * for a year (immutable); index.html is revalidated every time, so a new build shows on reload.
 * Any other GET outside /api and /socket.io answers index.html (client-side routing). Without a
 * build, `/` explains how to make one.
 */
export async function twinRoutes(app: FastifyInstance, opts: { dist?: string } = {}) {
  const root = resolve(opts.dist ?? TWIN_DIST);
  const config = { permission: 'public' as const };

  const sendIndex = async (reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache');
    const html = await readFile(resolve(root, 'index.html'), 'utf8').catch(() => null);
    if (html === null) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type('text/html; charset=utf-8').send(html);
  };

  app.get('/', { config, schema: { hide: true } }, async (_request, reply) => sendIndex(reply));

  app.get('/*', { config, schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io')) return reply.callNotFound();
    let rel: string;
    try {
      rel = decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      return reply.callNotFound();
    }
    const file = resolve(root, rel);
    if (rel.includes('\0') || !file.startsWith(root + sep)) return reply.callNotFound(); // ../ out of the build
    const info = await stat(file).catch(() => null);
    if (info?.isFile()) {
      if (file === resolve(root, 'index.html')) return sendIndex(reply);
      reply.type(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
      reply.header('content-length', info.size);
      reply.header('cache-control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.send(createReadStream(file));
    }
    // A missing hashed asset is a real 404 (an old page asking for a previous build's chunk), not the app.
    if (rel.startsWith('assets/') || extname(rel)) return reply.callNotFound();
    return sendIndex(reply);
  });
}
