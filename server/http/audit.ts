import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * Who did what: every mutating request lands in audit_log, success or failure, except successful
 * stock movements, which the ledger already records with user, device and document.
 */
async function auditPlugin(app: FastifyInstance, opts: { db: Kysely<DB> }) {
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    // Stock changes that happened are in the ledger; the refused ones are recorded here.
    if (request.routeOptions.config?.idempotency === 'inline' && reply.statusCode < 400) return;
    const url = request.routeOptions.url ?? request.url;
    const isLogin = url === '/api/auth/login';
    const username = isLogin ? (request.body as { username?: string } | undefined)?.username : undefined;
    try {
      await opts.db.insertInto('audit_log').values({
        user_id: request.actor?.userId ?? null,
        action: `${request.method} ${url}`,
        target: request.url,
        status_code: reply.statusCode,
        details: JSON.stringify(isLogin ? { username } : { params: request.params ?? null }),
        ip: request.ip,
      }).execute();
    } catch (error) {
      request.log.error({ err: error }, 'could not write the audit log');
    }
  });
}

export const audit = fp(auditPlugin, { name: 'wetms-audit' });
