import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { OutboxRelay, type OutboxEvent } from '../stream/relay.ts';
import { backends, startTestApp, type TestApp } from './harness.ts';

const collector = (name: string) => {
  const got: OutboxEvent[] = [];
  return { got, consumer: { name, deliver: async (events: OutboxEvent[]) => { got.push(...events); } } };
};

/**
 * Rows are published once every older transaction on the whole server has ended; other tests' databases on
 * the same PostgreSQL server may hold one open for a moment, so rounds repeat until the expected arrives.
 */
async function roundsUntil(relay: OutboxRelay, done: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    await relay.round();
    if (done() || Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const insertEvent = (t: TestApp, n: number) => t.db.insertInto('outbox')
  .values({ type: 'test', warehouse_id: null, payload: JSON.stringify({ n }) }).returning('seq').executeTakeFirstOrThrow();

describe.each(backends)('outbox relay on $name', (backend) => {
  it('stamps gap-free positions and delivers each event once, across a restart, and prunes behind every cursor', async () => {
    const t = await startTestApp(backend);
    try {
      for (let i = 1; i <= 5; i++) await insertEvent(t, i);
      const a = collector('a');
      const relay = new OutboxRelay(t.db, { retentionMs: 0, pruneEveryMs: 1e9 });
      await relay.register(a.consumer);
      await roundsUntil(relay, () => a.got.length >= 5);
      expect(a.got.map((e) => e.pos)).toEqual([1, 2, 3, 4, 5]);
      expect(a.got.map((e) => (e.payload as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
      await relay.round();
      expect(a.got).toHaveLength(5);

      // Stamped but not delivered when the process dies: the next relay delivers them, and nothing twice.
      for (let i = 6; i <= 8; i++) await insertEvent(t, i);
      for (let i = 0; i < 500 && relay.pos < 8; i++) {
        await relay.stamp();
        if (relay.pos < 8) await new Promise((r) => setTimeout(r, 20));
      }
      expect(relay.pos).toBe(8);
      await relay.stop();
      for (let i = 9; i <= 10; i++) await insertEvent(t, i);
      const restarted = new OutboxRelay(t.db, { retentionMs: 0, pruneEveryMs: 1e9 });
      const again = collector('a');
      await restarted.register(again.consumer);
      await roundsUntil(restarted, () => again.got.length >= 5);
      expect(again.got.map((e) => e.pos)).toEqual([6, 7, 8, 9, 10]);

      // A lagging consumer holds the rows it has not seen; pruning takes only what everyone passed.
      const lag = collector('lagging');
      await t.db.insertInto('stream_consumers').values({ name: 'lagging', pos: 7 }).execute();
      expect(await restarted.prune()).toBe(7);
      await restarted.register(lag.consumer);
      await roundsUntil(restarted, () => lag.got.length >= 3);
      expect(lag.got.map((e) => e.pos)).toEqual([8, 9, 10]);
      expect(await restarted.prune()).toBe(3);
      const left = await t.db.selectFrom('outbox').select('pos').execute();
      expect(left).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('runs by itself: started, it delivers new events within a poll interval', async () => {
    const t = await startTestApp(backend);
    const a = collector('live');
    const relay = new OutboxRelay(t.db, { pollMs: 10 });
    try {
      await relay.register(a.consumer);
      relay.start();
      await insertEvent(t, 1);
      relay.wake();
      for (let i = 0; i < 100 && a.got.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect(a.got.map((e) => e.pos)).toEqual([1]);
    } finally {
      await relay.stop();
      await t.close();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('outbox relay with transactions committing out of order (PostgreSQL)', () => {
  it('never skips an event whose transaction commits after a later-numbered one', async () => {
    const t = await startTestApp({ url: process.env.DATABASE_URL });
    const url = t.database.location;
    const c1 = new pg.Client({ connectionString: url });
    const c2 = new pg.Client({ connectionString: url });
    await c1.connect();
    await c2.connect();
    const a = collector('order');
    const relay = new OutboxRelay(t.db);
    try {
      await relay.register(a.consumer);
      const ins = (c: pg.Client, n: number) => c.query(
        `insert into outbox (type, payload) values ('test', jsonb_build_object('n', $1::int)) returning seq`, [n]);
      // Case 1: T1 draws the lower seq, T2 commits first.
      await c1.query('begin');
      const s1 = Number((await ins(c1, 1)).rows[0].seq);
      await c2.query('begin');
      const s2 = Number((await ins(c2, 2)).rows[0].seq);
      expect(s2).toBeGreaterThan(s1);
      await c2.query('commit');
      await relay.round();
      // A reader that followed seq would now have seen 2 and later skip 1; the relay waits for T1.
      expect(a.got).toEqual([]);
      await c1.query('commit');
      await roundsUntil(relay, () => a.got.length >= 2);
      expect(a.got.map((e) => e.seq)).toEqual([s1, s2]);

      // Case 2: T1 is older (its xid is lower) but draws the higher seq, and commits last.
      await c1.query('begin');
      await c1.query('select pg_current_xact_id()');
      await c1.query(`update app_settings set value = value where key = 'none'`);
      await c1.query('select txid_current()');
      await c2.query('begin');
      await c2.query('select txid_current()');
      const s3 = Number((await ins(c2, 3)).rows[0].seq);
      const s4 = Number((await ins(c1, 4)).rows[0].seq);
      expect(s4).toBeGreaterThan(s3);
      await c2.query('commit');
      await relay.round();
      expect(a.got).toHaveLength(2);
      await c1.query('commit');
      await roundsUntil(relay, () => a.got.length >= 4);
      // Both arrive, once each, in transaction order; positions stay gap-free.
      expect(a.got.slice(2).map((e) => e.seq)).toEqual([s4, s3]);
      expect(a.got.map((e) => e.pos)).toEqual([1, 2, 3, 4]);
    } finally {
      await relay.stop();
      await c1.end();
      await c2.end();
      await t.close();
    }
  });
});
