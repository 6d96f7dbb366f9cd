// The change feed for integrators: the outbox events the relay has published (each has its stream position
// `pos`, gap-free), read forward from a position. The outbox keeps a replay window (the relay prunes what every
// consumer has passed once it is older than WETMS_REPLAY_MINUTES); a position before that window is refused
// with 410 rather than answered with a silent gap.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from './auth/actor.ts';
import { gone } from './errors.ts';

export interface FeedQuery { after: number; limit: number; types?: string[] }

export interface FeedEvent {
  pos: number; seq: number; type: string; warehouse: string | null; at: string; payload: Record<string, unknown>;
}

/** The range of positions the feed can still answer from: the oldest retained, and the newest published. */
export async function retainedRange(db: Kysely<DB>): Promise<{ oldest: number | null; newest: number }> {
  const { rows } = await sql<{ oldest: string | number | null; newest: string | number | null;
    passed: string | number | null }>`
    select (select min(pos) from outbox where pos is not null) as oldest,
           (select max(pos) from outbox where pos is not null) as newest,
           (select max(pos) from stream_consumers) as passed`.execute(db);
  const r = rows[0]!;
  return { oldest: r.oldest === null ? null : Number(r.oldest),
    newest: Math.max(Number(r.newest ?? 0), Number(r.passed ?? 0)) };
}

/**
 * Published events after `after`, in position order, at most `limit`, optionally of some types only, and the
 * position to read on from (the last item's, or the newest published when none matched). A user
 * limited to some warehouses gets the events of the warehouses wholly in their scope (events are not
 * zone-filtered); events that belong to no warehouse only go to unrestricted users. 410 naming `after` when
 * events after it have been pruned.
 */
export async function readFeed(db: Kysely<DB>, actor: Actor, q: FeedQuery):
  Promise<{ items: FeedEvent[]; nextAfter: number }> {
  const { oldest, newest } = await retainedRange(db);
  const missing = oldest === null ? q.after < newest : q.after < oldest - 1;
  if (missing) {
    const from = oldest === null ? newest : oldest - 1;
    throw gone('after', `events after position ${q.after} are no longer kept (the feed keeps a replay window); `
      + `read the current state (stock, snapshot) and continue with after=${from}`, { oldestAfter: from });
  }
  let query = db.selectFrom('outbox as o').leftJoin('warehouses as w', 'w.id', 'o.warehouse_id')
    .select(['o.pos', 'o.seq', 'o.type', 'w.code as warehouse', 'o.at', 'o.payload'])
    .where('o.pos', 'is not', null).where('o.pos', '>', q.after);
  if (q.types?.length) query = query.where('o.type', 'in', q.types);
  if (actor.scope) query = query.where('o.warehouse_id', 'in', [...actor.scope.warehouses, -1]);
  const rows = await query.orderBy('o.pos').limit(q.limit).execute();
  const items = rows.map((r) => ({ pos: Number(r.pos), seq: Number(r.seq), type: r.type, warehouse: r.warehouse,
    at: new Date(r.at).toISOString(),
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown> }));
  // Positions are gap-free and stamped in order: when nothing matched, every event up to the newest published
  // one was looked at, so the next read can start there (filters would otherwise rescan them each poll).
  const nextAfter = items.length ? items.at(-1)!.pos : Math.max(q.after, newest);
  return { items, nextAfter };
}
