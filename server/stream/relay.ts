import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** An outbox row with its stream position. */
export interface OutboxEvent {
  pos: number;
  seq: number;
  type: string;
  warehouseId: number | null;
  at: string;
  payload: Record<string, unknown>;
}

/** A consumer with a durable cursor: it gets every event after its cursor, in position order, once acknowledged. */
export interface StreamConsumer {
  name: string;
  /** Resolve when the events are handled; the cursor then moves past them. A rejection retries them. */
  deliver(events: OutboxEvent[]): Promise<void>;
}

export interface RelayOptions {
  /** Rows stamped and delivered per round. */
  batch?: number;
  /** Poll interval when nothing woke the relay, ms. */
  pollMs?: number;
  /** How long published rows stay for replay after every consumer passed them, ms. */
  retentionMs?: number;
  /** How often old rows are pruned, ms. */
  pruneEveryMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The outbox relay. Each round it stamps newly publishable outbox rows with gap-free positions, then
 * hands every consumer what lies after its cursor. A row is publishable once its transaction and every
 * older one have ended (`xid < pg_snapshot_xmin(pg_current_snapshot())`): a transaction that is still
 * running, whatever seq it drew, can then only commit rows that sort after everything stamped, so no
 * event is ever skipped. Only one relay may run per database (see leader.ts); positions are its own.
 */
export class OutboxRelay {
  private readonly consumers: StreamConsumer[] = [];
  private readonly opts: Required<Omit<RelayOptions, 'onError'>> & Pick<RelayOptions, 'onError'>;
  private running = false;
  private loop: Promise<void> | null = null;
  private interrupt: (() => void) | null = null;
  private wakeRequested = false;
  private lastPrune = Date.now();
  private current: Promise<void> | null = null;
  /** Highest stamped position. */
  pos = 0;
  /** The rows stamped by the last round, from position `from` on. */
  private fresh: { from: number; events: OutboxEvent[] } | null = null;
  /** Consumers' cursors as last written by this relay. */
  private readonly cursors = new Map<string, number>();

  constructor(private readonly db: Kysely<DB>, options: RelayOptions = {}) {
    this.opts = { batch: options.batch ?? 1000, pollMs: options.pollMs ?? 25, retentionMs: options.retentionMs ?? 15 * 60_000,
      pruneEveryMs: options.pruneEveryMs ?? 30_000, onError: options.onError };
  }

  async register(consumer: StreamConsumer) {
    await this.db.insertInto('stream_consumers').values({ name: consumer.name }).onConflict((oc) => oc.column('name')
      .doNothing()).execute();
    this.consumers.push(consumer);
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  private async runLoop() {
    while (this.running) {
      try {
        await this.round();
      } catch (error) {
        this.opts.onError?.(error);
      }
      if (!this.wakeRequested && this.running) await this.sleep(this.opts.pollMs);
      this.wakeRequested = false;
    }
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.interrupt = null;
    });
  }

  /** Run a round soon: a NOTIFY or an in-process commit says there is something new. */
  wake() {
    this.wakeRequested = true;
    this.interrupt?.();
  }

  async stop() {
    this.running = false;
    this.interrupt?.();
    await this.loop;
    await this.current;
  }

  /** One round: stamp, deliver to every consumer, prune now and then. Exposed for tests. */
  round(): Promise<void> {
    const run = (this.current ?? Promise.resolve()).then(() => this.doRound());
    this.current = run.finally(() => {
      if (this.current === run) this.current = null;
    });
    return run;
  }

  private async doRound() {
    await this.stamp();
    for (const consumer of this.consumers) await this.feed(consumer);
    if (Date.now() - this.lastPrune > this.opts.pruneEveryMs) {
      this.lastPrune = Date.now();
      await this.prune();
    }
  }

  /** Give positions to publishable rows, oldest transaction first; returns how many. */
  async stamp(): Promise<number> {
    if (this.pos === 0) {
      const max = await this.db.selectFrom('outbox').select((eb) => eb.fn.max('pos').as('pos')).executeTakeFirst();
      this.pos = Number(max?.pos ?? 0);
    }
    const { rows } = await sql<{ pos: number; seq: number; type: string; warehouse_id: number | null; at: Date;
      payload: Record<string, unknown> }>`
      with next as (
        select seq, row_number() over (order by xid, seq) as rn
          from outbox
         where pos is null and xid < pg_snapshot_xmin(pg_current_snapshot())
         order by xid, seq
         limit ${this.opts.batch})
      update outbox o set pos = ${this.pos}::int8 + next.rn
        from next where o.seq = next.seq
      returning o.pos, o.seq, o.type, o.warehouse_id, o.at, o.payload`.execute(this.db);
    const events = rows.map(toEvent).sort((a, b) => a.pos - b.pos);
    if (events.length) {
      // Positions continue the previous round's exactly: keep them for consumers that are up to date.
      this.fresh = { from: this.pos + 1, events };
      this.pos = events.at(-1)!.pos;
    } else {
      this.fresh = null;
    }
    return events.length;
  }

  private async feed(consumer: StreamConsumer) {
    let cursor: number = this.cursors.get(consumer.name) ?? Number((await this.db.selectFrom('stream_consumers')
      .select('pos').where('name', '=', consumer.name).executeTakeFirstOrThrow()).pos);
    while (cursor < this.pos) {
      // Up to date (the usual case): hand over what this round stamped without reading it back.
      const events: OutboxEvent[] = this.fresh && this.fresh.from === cursor + 1 ? this.fresh.events
        : await readEvents(this.db, cursor, this.pos, this.opts.batch);
      if (!events.length) break;
      try {
        await consumer.deliver(events);
      } catch (error) {
        this.cursors.delete(consumer.name);
        throw error;
      }
      cursor = events.at(-1)!.pos;
      await this.db.updateTable('stream_consumers').set({ pos: cursor, updated_at: new Date() })
        .where('name', '=', consumer.name).execute();
      this.cursors.set(consumer.name, cursor);
    }
  }

  /** Delete published rows every consumer has passed, once the replay window is over. */
  async prune(): Promise<number> {
    const res = await sql<{ pos: number }>`
      delete from outbox where pos is not null
         and pos <= (select coalesce(min(pos), 0) from stream_consumers)
         and at < now() - make_interval(secs => ${this.opts.retentionMs / 1000})
      returning pos`.execute(this.db);
    return res.rows.length;
  }
}

/** Published events with after < pos <= upTo, in position order, at most `limit`. */
export async function readEvents(db: Kysely<DB>, after: number, upTo: number, limit: number,
  warehouseId?: number): Promise<OutboxEvent[]> {
  let q = db.selectFrom('outbox').select(['pos', 'seq', 'type', 'warehouse_id', 'at', 'payload'])
    .where('pos', '>', after).where('pos', '<=', upTo);
  if (warehouseId !== undefined) q = q.where('warehouse_id', '=', warehouseId);
  const rows = await q.orderBy('pos').limit(limit).execute();
  return rows.map((r) => toEvent({ pos: r.pos!, seq: r.seq, type: r.type, warehouse_id: r.warehouse_id, at: r.at,
    payload: r.payload as Record<string, unknown> }));
}

function toEvent(r: { pos: number | string; seq: number | string; type: string; warehouse_id: number | null;
  at: Date | string; payload: Record<string, unknown> }): OutboxEvent {
  return { pos: Number(r.pos), seq: Number(r.seq), type: r.type, warehouseId: r.warehouse_id,
    at: new Date(r.at).toISOString(), payload: r.payload };
}
