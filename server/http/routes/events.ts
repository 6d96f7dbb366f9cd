import type { FastifyInstance } from 'fastify';
import { readFeed } from '../../domain/change-feed.ts';
import type { RouteDeps } from '../app.ts';
import { actorOf } from '../auth.ts';
import { withParamExamples } from '../examples.ts';
import { EVENTS_DEFAULT_LIMIT, EventPage, EventQuery } from '../movements.ts';
import { nextCursorUrl } from '../pagination.ts';
import { errors } from '../schemas.ts';

/** The change feed: what happened, in stream order, for integrators that poll instead of holding a socket. */
export async function eventRoutes(app: FastifyInstance, { db }: RouteDeps) {
  app.get('/events', {
    config: { permission: 'inventory:read' },
    schema: {
      tags: ['events'],
      summary: 'Change feed: published events (stock changes, tasks, orders, alerts ...) after a stream position',
      description: 'The same events as the live stream, each with its gap-free stream position `pos`. Start with '
        + 'after=0 (everything still kept) or a position you saved, and follow `next`. The server keeps a replay '
        + 'window of events (WETMS_REPLAY_MINUTES); a position older than that is 410 (problem type gone, field '
        + 'query.after, `oldestAfter` the position to continue from after reading the current state again). Users '
        + 'limited to some warehouses get the events of the warehouses wholly in their scope.',
      querystring: withParamExamples(EventQuery, { after: 0, limit: 20 }),
      response: { 200: EventPage, ...errors(400, 401, 403, 410) },
    },
  }, async (request) => {
    const q = request.query as { after?: number; limit?: number; types?: string };
    const { items, nextAfter } = await readFeed(db, actorOf(request), { after: q.after ?? 0,
      limit: q.limit ?? EVENTS_DEFAULT_LIMIT, types: q.types?.split(',') });
    return { items, next: nextCursorUrl(request.url, 'after', nextAfter) };
  });
}
