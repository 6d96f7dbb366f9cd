import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { badInput, conflict, unprocessable } from '../domain/errors.ts';
import { replayedMovement, type IdempotencyInput } from '../domain/inventory/post-movement.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
const ABANDONED_AFTER_MS = 5 * 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotencyInput & { stored?: boolean };
  }
}

export function requestHash(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('base64url');
}

/**
 * Idempotency-Key on every mutating route. Stock routes ('inline') hand the key to
 * wms_post_movement, which records it in the same transaction as the movement. Other routes
 * reserve the key before the handler and store the response after it; a replay returns the
 * stored response with `Idempotent-Replayed: true`.
 */
async function idempotencyPlugin(app: FastifyInstance, opts: { db: Kysely<DB> }) {
  const { db } = opts;
  app.decorateRequest('idempotency', null as unknown as IdempotencyInput);

  app.addHook('preHandler', async (request, reply) => {
    request.idempotency = {};
    const key = request.headers['idempotency-key'];
    if (!MUTATING.has(request.method) || key === undefined || !request.actor) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw badInput('Idempotency-Key', 'must be 1 to 200 visible ASCII characters');
    }
    const hash = requestHash(request);
    request.idempotency = { key, requestHash: hash };
    if (request.routeOptions.config?.idempotency === 'inline') {
      // Answer a replay before the handler checks it against today's stock (the first request may have
      // used that stock up); a key that is new or in flight is left to wms_post_movement.
      const prior = await replayedMovement(db, request.actor.userId, request.idempotency);
      if (prior) return reply.header('idempotent-replayed', 'true').send(prior);
      return;
    }
    const userId = request.actor.userId;
    const inserted = await db.insertInto('idempotency_keys').values({ user_id: userId, key, request_hash: hash })
      .onConflict((oc) => oc.doNothing()).returning('key').executeTakeFirst();
    if (inserted) {
      request.idempotency.stored = true;
      return;
    }
    const prior = await db.selectFrom('idempotency_keys').select(['request_hash', 'status_code', 'response'])
      .where('user_id', '=', userId).where('key', '=', key).executeTakeFirstOrThrow();
    if (prior.request_hash !== hash) throw unprocessable('Idempotency-Key', 'was already used for a different request');
    if (prior.status_code === null) {
      // A reservation older than any request could take belongs to a process that died mid-request.
      const abandoned = await db.deleteFrom('idempotency_keys').where('user_id', '=', userId).where('key', '=', key)
        .where('status_code', 'is', null).where('created_at', '<', new Date(Date.now() - ABANDONED_AFTER_MS))
        .returning('key').executeTakeFirst();
      if (!abandoned) throw conflict('a request with this Idempotency-Key is still in progress', 'Idempotency-Key');
      await db.insertInto('idempotency_keys').values({ user_id: userId, key, request_hash: hash }).execute();
      request.idempotency.stored = true;
      return;
    }
    reply.header('idempotent-replayed', 'true').code(prior.status_code);
    return reply.send(prior.response);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const { stored, key } = request.idempotency ?? {};
    if (!stored || !key || !request.actor) return payload;
    const userId = request.actor.userId;
    if (reply.statusCode < 300) {
      const body = typeof payload === 'string' && payload.length ? JSON.parse(payload) : null;
      await db.updateTable('idempotency_keys').set({ status_code: reply.statusCode, response: JSON.stringify(body) })
        .where('user_id', '=', userId).where('key', '=', key).execute();
    } else {
      // Nothing was written: free the key so the corrected request can use it.
      await db.deleteFrom('idempotency_keys').where('user_id', '=', userId).where('key', '=', key).execute();
    }
    return payload;
  });
}

export const idempotency = fp(idempotencyPlugin, { name: 'wetms-idempotency' });
