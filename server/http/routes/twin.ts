import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

const file = (name: string) => readFile(new URL(`../../../twin/${name}`, import.meta.url), 'utf8');

/** The browser app at `/` (a placeholder page until the control room is built). */
export async function twinRoutes(app: FastifyInstance) {
  const [html, script] = await Promise.all([file('index.html'), file('placeholder.js')]);
  const config = { permission: 'public' as const };
  app.get('/', { config, schema: { hide: true } },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/placeholder.js', { config, schema: { hide: true } },
    async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));
}
