// The general movement query (GET /api/movements) and the change feed (GET /api/events): two lists read forward
// by cursor, { items, next }, where an offset would shift under new rows. Their query and response schemas.
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB, MovementType } from '../db/schema.ts';
import { queryMovements, type MovementFilter } from '../domain/inventory/queries.ts';
import { actorOf } from './auth.ts';
import { CursorPage, DEFAULT_LIMIT, nextCursorUrl, PageQuery } from './pagination.ts';
import { Code, DocRef } from './schemas.ts';

export const EVENTS_DEFAULT_LIMIT = 500;
export const EVENTS_MAX_LIMIT = 5000;

/** Every movement type the ledger knows (db/schema.ts MovementType). */
const MOVEMENT_TYPES = ['receipt', 'putaway', 'move', 'pick', 'ship', 'adjust_gain', 'adjust_loss', 'scrap',
  'count_variance', 'status_change', 'transfer_out', 'transfer_in'] as const satisfies readonly MovementType[];

export const MovementQuery = Type.Object({
  sku: Type.Optional(Code('SKU code')), bin: Type.Optional(Code('bin code: movements with a leg in it')),
  lot: Type.Optional(Code('lot number')), owner: Type.Optional(Code('owner code')),
  warehouse: Type.Optional(Code('warehouse code')),
  type: Type.Optional(Type.Enum([...MOVEMENT_TYPES], { description: 'movement type' })),
  user: Type.Optional(Code('username of who posted it')), docRef: Type.Optional(DocRef),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'before this time' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'cursor: movements with a larger id (follow `next`)' })),
  // The same page size as every other list; only the paging is by cursor instead of offset.
  limit: PageQuery.limit,
}, { additionalProperties: false });

const Text = Type.Union([Type.String(), Type.Null()]);
const Leg = Type.Object({
  id: Type.Integer(), movementId: Type.Integer(), at: Type.String({ format: 'date-time' }), type: Type.String(),
  bin: Type.String(), sku: Type.String(), lot: Text, owner: Type.String(), status: Type.String(),
  delta: Type.Integer({ description: 'signed base units for this bin' }), before: Type.Integer(), after: Type.Integer(),
  counterBin: Type.Union([Type.String(), Type.Null()], { description: 'the other bin of a move' }),
  reason: Text, docRef: Text, device: Text, user: Text,
}, { description: 'one ledger leg: a change of one balance' });

export const MovementPage = CursorPage(Type.Object({
  movementId: Type.Integer(), at: Type.String({ format: 'date-time' }), type: Type.String(), user: Text,
  reason: Text, device: Text, docRef: Text, legs: Type.Array(Leg, { description: 'the legs you may see (zone scope)' }),
}), 'movements oldest first by id; `next` is null when no more match yet');

export const EventQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, default: 0,
    description: 'stream position: events after it (0: from the oldest kept). Follow `next` to read on' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EVENTS_MAX_LIMIT, default: EVENTS_DEFAULT_LIMIT,
    description: `events per page (default ${EVENTS_DEFAULT_LIMIT}, at most ${EVENTS_MAX_LIMIT})` })),
  types: Type.Optional(Type.String({ minLength: 1, maxLength: 500, pattern: '^[a-z_.]+(,[a-z_.]+)*$',
    description: 'only these event types, comma-separated: stock.changed, task.updated, order.updated, alert ...' })),
}, { additionalProperties: false });

export const EventPage = Type.Object({
  items: Type.Array(Type.Object({
    pos: Type.Integer({ description: 'stream position, gap-free over all events' }),
    seq: Type.Integer({ description: 'outbox sequence (order of writing)' }),
    type: Type.String(), warehouse: Text, at: Type.String({ format: 'date-time' }),
    payload: Type.Object({}, { additionalProperties: true,
      description: 'the event as the live stream sends it (keys as in the stream protocol)' }),
  })),
  next: Type.String({ description: 'URL to read on from: poll it; empty items means nothing new yet' }),
}, { description: 'published events after the position, oldest first' });

/** GET /api/movements: one page of the movement query, `next` continuing after its last movement. */
export async function movementPage(db: Kysely<DB>, request: FastifyRequest) {
  const q = request.query as Omit<MovementFilter, 'limit'> & { limit?: number };
  const { movements, more } = await queryMovements(db, actorOf(request),
    { ...q, limit: q.limit ?? DEFAULT_LIMIT });
  return { items: movements,
    next: more ? nextCursorUrl(request.url, 'after', movements.at(-1)!.movementId) : null };
}
