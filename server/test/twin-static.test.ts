import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twinRoutes } from '../http/routes/twin.ts';

describe('serving the built twin app', () => {
  let dir: string;
  const app = Fastify();
  const bare = Fastify();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twin-dist-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><html><script type="module" src="/assets/index-abc.js"></script></html>');
    await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(join(dir, 'assets', 'index-abc.css'), 'body{}');
    await writeFile(join(dir, 'favicon.svg'), '<svg/>');
    await app.register(twinRoutes, { dist: dir });
    await bare.register(twinRoutes, { dist: join(dir, 'missing') });
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / without caching it', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('/assets/index-abc.js');
  });

  it('serves hashed assets with their content type, cached as immutable', async () => {
    const js = await app.inject({ url: '/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await app.inject({ url: '/assets/index-abc.css?v=1' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await app.inject({ url: '/favicon.svg' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
  });

  it('falls back to index.html for client-side routes, but not for /api, missing assets or escapes', async () => {
    const route = await app.inject({ url: '/warehouses/WH1/bins' });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('/assets/index-abc.js');
    for (const url of ['/api/nothing', '/api', '/socket.io/x', '/assets/old-123.js', '/nope.js',
      '/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fpackage.json']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('explains how to build when twin/dist is missing', async () => {
    const res = await bare.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('npm run build');
  });
});
