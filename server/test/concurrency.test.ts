import { Kysely, PostgresDialect, sql, type KyselyPlugin } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { SYSTEM_ACTOR } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { moveBatcher } from '../domain/inventory/move-batch.ts';
import { adjustStock, moveStock } from '../domain/inventory/operations.ts';
import { buildApp, type App } from '../http/app.ts';
import { seedSmallWorld, type SmallWorld } from './fixtures.ts';
import { ADMIN_PASSWORD, bearer, startTestApp, type TestApp } from './harness.ts';

/*
 * Many clients against the same few balance rows. The guarantees under test come from
 * wms_post_movement: rows locked in key order (so A->B and B->A moves cannot deadlock), and the
 * guarded update (so no race can take more than is there).
 */

const CLIENTS = 20;
const POOL = 24;
const OPS = 2000;
const MAX_MS = 10_000;

type Inject = App['inject'];
interface Caller { inject: Inject; token: string }

const post = (c: Caller, url: string, payload: object) =>
  c.inject({ method: 'POST', url, payload, headers: bearer(c.token) });

const stockOf = async (db: Kysely<DB>, bin: string, sku: string) => {
  const { rows } = await sql<{ q: number }>`select coalesce(sum(sb.qty), 0)::int as q from stock_balances sb
    join bins b on b.id = sb.bin_id join skus s on s.id = sb.sku_id
    where b.code = ${bin} and s.code = ${sku}`.execute(db);
  return rows[0]!.q;
};

/**
 * A 409 that says "not enough stock" in one of its forms, and nothing else. The field is bare from the domain
 * (qty) and prefixed with its request part over HTTP (body.qty).
 */
function isShortage(status: number, body: { field?: string; detail?: string; available?: number }) {
  return status === 409 && /^(body\.)?(qty|sku)$/.test(body.field ?? '') &&
    /not enough stock|holds no|nothing to move/.test(body.detail ?? '') && typeof body.available === 'number';
}

/** One attempt to move `qty` units into `target`: what moved, or the refusal as the API renders it. */
type Mover = (target: string, qty: number) =>
  Promise<{ moved: number } | { status: number; body: { field?: string; detail?: string; available?: number } }>;

/** Straight through the service layer, on the given database handle (its batcher). */
const serviceMover = (db: Kysely<DB>, source: string): Mover => async (target, qty) => {
  try {
    const posted = await moveStock(db, SYSTEM_ACTOR, { fromBin: source, toBin: target, sku: 'SKU-1', qty });
    return { moved: posted.legs.find((l) => l.bin === target)!.delta };
  } catch (error) {
    if (!(error instanceof DomainError)) return { status: 500, body: { detail: String(error) } };
    return { status: error.status, body: { field: error.field, detail: error.message, ...error.extra } };
  }
};

/**
 * One round of the race: the source bin holds exactly 10 of SKU-1; every client wants 1..10 of them,
 * moves what it can into its own bin, and on a 409 retries with what the refusal says is left.
 * Returns what each client moved and how many refusals there were.
 */
async function raceForTheLastUnits(move: Mover, targets: string[], round: number) {
  let refusals = 0;
  const unexpected: string[] = [];
  const moved = await Promise.all(targets.map(async (target, i) => {
    let want = 1 + ((i * 7 + round * 3) % 10);
    let got = 0;
    for (let attempt = 0; attempt < 100; attempt++) {
      const res = await move(target, want);
      if ('moved' in res) {
        expect(res.moved).toBe(want);
        got += res.moved;
        break;
      }
      if (!isShortage(res.status, res.body)) {
        unexpected.push(`${res.status} ${JSON.stringify(res.body)}`);
        break;
      }
      refusals++;
      if (res.body.available === 0) break;
      want = Math.min(want, res.body.available!);
    }
    return got;
  }));
  return { moved, refusals, unexpected };
}

describe.skipIf(!process.env.DATABASE_URL)('concurrency on postgres (DATABASE_URL)', () => {
  let t: TestApp;
  let w: SmallWorld;
  let database: Database;
  let app: App;
  let caller: Caller;
  /** Every error any query of the hammering pool raised, by SQLSTATE (retried ones included). */
  const sqlErrors = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp({ url: process.env.DATABASE_URL });
    w = await seedSmallWorld(t);
    // A pool of our own, larger than the number of clients, on the same fresh database.
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.db);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${rows[0]!.name}`;
    const pool = new pg.Pool({
      connectionString: url.toString(), max: POOL,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === 20) return (v: string) => Number(v);
          if (oid === 1082) return (v: string) => v;
          return pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level !== 'error') return;
        const code = (event.error as { code?: string }).code ?? String(event.error);
        sqlErrors.set(code, (sqlErrors.get(code) ?? 0) + 1);
      },
    });
    database = { db, backend: 'postgres', location: 'concurrency test', close: () => db.destroy() };
    app = await buildApp({ database, jwtSecret: 'concurrency-test-secret', loginRateLimit: 1000 });
    await app.ready();
    const login = await app.inject({ method: 'POST', url: '/api/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    caller = { inject: app.inject.bind(app), token: login.json().token };
  });
  afterAll(async () => {
    await app?.close();
    await database?.close().catch(() => {});
    await t?.close();
  });

  it('a SKU is not deleted while a first movement of it commits: the delete waits, then refuses; nothing is lost',
    async () => {
      const admin = bearer(t.adminToken);
      const created = await t.app.inject({ method: 'POST', url: '/api/skus', headers: admin, payload: {
        code: 'RACE-SKU', name: 'Raced item', lengthM: 0.1, widthM: 0.1, heightM: 0.1, weightKg: 0.2 } });
      expect(created.statusCode, created.body).toBe(201);
      // A gain of the new SKU, held open in a transaction on another connection.
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      let gained!: () => void;
      const inside = new Promise<void>((r) => { gained = r; });
      const holder = database.db.transaction().execute(async (trx) => {
        await adjustStock(trx, SYSTEM_ACTOR, { bin: w.binsB[15]!, sku: 'RACE-SKU', owner: 'OWN1', qty: 5,
          reason: 'race' });
        gained();
        await gate;
      });
      await inside;
      let settled = false;
      const deleting = t.app.inject({ method: 'DELETE', url: '/api/skus/RACE-SKU', headers: admin })
        .then((res) => { settled = true; return res; });
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false); // it waits for the movement
      release();
      await holder;
      const res = await deleting;
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ field: 'params.code', detail: expect.stringContaining('stock history') });
      expect(await stockOf(t.db, w.binsB[15]!, 'RACE-SKU')).toBe(5);
      expect((await checkLedger(t.db)).ok).toBe(true);
    });

  it('16 clients race for the last 10 units of a bin, each move alone: exactly 10 leave it, never more', async () => {
    // Bins of their own, apart from the three the hammer test uses.
    const source = w.binsA[7]!;
    const targets = [...w.binsA.slice(8, 16), ...w.binsB.slice(8, 16)];
    expect(new Set(targets).size).toBe(16);
    // A database handle per client, so each has a batcher of its own and every move goes alone through
    // wms_move, as from 16 processes: the clients race each other inside PostgreSQL.
    const passThrough: KyselyPlugin = { transformQuery: (a) => a.node, transformResult: async (a) => a.result };
    const lone = targets.map(() => serviceMover(database.db.withPlugin(passThrough), source));
    let refusals = 0;
    sqlErrors.clear();
    const before = new Map<string, number>();
    for (let round = 0; round < 6; round++) {
      for (const b of targets) before.set(b, await stockOf(t.db, b, 'SKU-1'));
      const gain = await stockPost(t, { bin: source, sku: 'SKU-1', owner: 'OWN2', qty: 10, reason: 'last ten' });
      expect(gain.statusCode, gain.body).toBe(200);
      expect(await stockOf(t.db, source, 'SKU-1')).toBe(10);

      const race = await raceForTheLastUnits((target, qty) => lone[targets.indexOf(target)]!(target, qty), targets, round);
      expect(race.unexpected).toEqual([]);
      expect(race.moved.reduce((a, b) => a + b, 0)).toBe(10);
      expect(await stockOf(t.db, source, 'SKU-1')).toBe(0);
      for (const [i, b] of targets.entries()) {
        expect(await stockOf(t.db, b, 'SKU-1') - before.get(b)!, b).toBe(race.moved[i]);
      }
      refusals += race.refusals;
    }
    // With 16 clients wanting 1..10 each of 10 units, most must have been refused, and some of the
    // refusals came from the SQL guard itself (a stale read had passed the service's pre-check): the
    // race was real. Nothing else went wrong underneath.
    expect(refusals).toBeGreaterThan(0);
    expect(sqlErrors.get('WM409') ?? 0).toBeGreaterThan(0);
    expect([...sqlErrors.keys()].filter((code) => code !== 'WM409')).toEqual([]);
    const check = await checkLedger(t.db);
    expect(check.ok).toBe(true);
  });

  it('16 clients of two server processes race for the last 10 units, batched: exactly 10 leave, never more',
    async () => {
      // Two database handles, two batchers: like two API processes, each grouping its own clients' moves,
      // so batches of both race for the same balance row in PostgreSQL.
      // Each racing move goes with a companion move of SKU-2 between two target bins, so that batches of
      // several moves form (a lone move would go through wms_move).
      const source = w.binsA[6]!;
      const targets = [...w.binsA.slice(8, 16), ...w.binsB.slice(8, 16)];
      for (const bin of targets) {
        const res = await stockPost(t, { bin, sku: 'SKU-2', owner: 'OWN2', qty: 1000, reason: 'companions' });
        expect(res.statusCode, res.body).toBe(200);
      }
      const dbs = [t.db, database.db];
      const movers = dbs.map((db): Mover => async (target, qty) => {
        const companion = moveStock(db, SYSTEM_ACTOR,
          { fromBin: target, toBin: targets[targets.indexOf(target) ^ 1]!, sku: 'SKU-2', qty: 1 });
        const [result] = await Promise.all([serviceMover(db, source)(target, qty), companion]);
        return result;
      });
      let refusals = 0;
      sqlErrors.clear();
      for (let round = 0; round < 6; round++) {
        const before = await Promise.all(targets.map((b) => stockOf(t.db, b, 'SKU-1')));
        const gain = await stockPost(t, { bin: source, sku: 'SKU-1', owner: 'OWN2', qty: 10, reason: 'last ten' });
        expect(gain.statusCode, gain.body).toBe(200);
        const race = await raceForTheLastUnits((target, qty) => movers[targets.indexOf(target) % 2]!(target, qty),
          targets, round);
        expect(race.unexpected).toEqual([]);
        expect(race.moved.reduce((a, b) => a + b, 0)).toBe(10);
        expect(await stockOf(t.db, source, 'SKU-1')).toBe(0);
        const after = await Promise.all(targets.map((b) => stockOf(t.db, b, 'SKU-1')));
        expect(after.map((q, i) => q - before[i]!)).toEqual(race.moved);
        refusals += race.refusals;
      }
      expect(refusals).toBeGreaterThan(0);
      // Batches of several moves formed in both processes.
      for (const db of dbs) {
        const { batches, batchedMoves, failed, lastFailure } = moveBatcher(db).stats;
        expect(failed, lastFailure).toBe(0);
        expect(batches).toBeGreaterThan(5);
        expect(batchedMoves / batches).toBeGreaterThan(2);
      }
      expect([...sqlErrors.keys()].filter((code) => code !== 'WM409')).toEqual([]);
      expect((await checkLedger(t.db)).ok).toBe(true);
    });

  it(`${CLIENTS} clients moving both ways, losing and gaining on the same bins: no deadlock, nothing lost`,
    async () => {
      const bins = [w.binsA[0]!, w.binsB[0]!, w.binsA[1]!];
      const skus = ['SKU-1', 'SKU-2'];
      const initial = 60;
      for (const bin of bins) {
        for (const sku of skus) {
          const res = await post(caller, '/api/inventory/adjustments',
            { bin, sku, owner: 'OWN1', qty: initial, reason: 'opening stock' });
          expect(res.statusCode, res.body).toBe(200);
        }
      }
      const deadlocksBefore = await sql<{ n: number }>`select deadlocks::int as n from pg_stat_database
        where datname = current_database()`.execute(t.db);
      sqlErrors.clear();
      const ledgerBefore = (await checkLedger(t.db)).ledgerRows;

      const net = new Map(skus.map((s) => [s, 0]));
      const counts = { moves: 0, movesAB: 0, movesBA: 0, gains: 0, losses: 0, shortages: 0 };
      const unexpected: string[] = [];
      let issued = 0;
      const started = Date.now();
      const rand = (n: number) => Math.floor(Math.random() * n);

      await Promise.all(Array.from({ length: CLIENTS }, async () => {
        while (issued < OPS && Date.now() - started < MAX_MS) {
          issued++;
          const sku = skus[rand(skus.length)]!;
          const r = Math.random();
          let res;
          let kind: 'move' | 'gain' | 'loss';
          let from = '';
          let to = '';
          if (r < 0.7) {
            kind = 'move';
            const i = rand(bins.length);
            const j = (i + 1 + rand(bins.length - 1)) % bins.length;
            from = bins[i]!;
            to = bins[j]!;
            res = await post(caller, '/api/inventory/moves', { fromBin: from, toBin: to, sku, qty: 1 + rand(25) });
          } else if (r < 0.85) {
            kind = 'loss';
            res = await post(caller, '/api/inventory/adjustments',
              { bin: bins[rand(bins.length)]!, sku, qty: -(1 + rand(10)), reason: 'damaged in handling' });
          } else {
            kind = 'gain';
            res = await post(caller, '/api/inventory/adjustments',
              { bin: bins[rand(bins.length)]!, sku, owner: 'OWN1', qty: 1 + rand(10), reason: 'found' });
          }
          if (res.statusCode === 200) {
            const legs = res.json().legs as { delta: number }[];
            if (kind === 'move') {
              counts.moves++;
              if (from === bins[0] && to === bins[1]) counts.movesAB++;
              if (from === bins[1] && to === bins[0]) counts.movesBA++;
              expect(legs.reduce((a, l) => a + l.delta, 0)).toBe(0);
            } else {
              counts[kind === 'gain' ? 'gains' : 'losses']++;
              net.set(sku, net.get(sku)! + legs[0]!.delta);
            }
          } else if (isShortage(res.statusCode, res.json())) {
            counts.shortages++;
          } else {
            unexpected.push(`${kind} -> ${res.statusCode} ${res.body}`);
          }
        }
      }));
      const elapsed = Date.now() - started;

      // Only "not enough stock" ever reached a caller: no 500, no 503 Busy, no deadlock.
      expect(unexpected).toEqual([]);
      // Not even a retried deadlock or serialization failure happened underneath: the only SQL
      // errors are the guard's own refusals.
      expect([...sqlErrors.keys()].filter((code) => code !== 'WM409')).toEqual([]);
      // The run was real work: both directions between the same two bins, and real contention.
      expect(issued).toBeGreaterThanOrEqual(300);
      expect(counts.movesAB).toBeGreaterThan(0);
      expect(counts.movesBA).toBeGreaterThan(0);
      expect(counts.gains + counts.losses).toBeGreaterThan(0);
      expect(counts.shortages).toBeGreaterThan(0);

      // Units conserved: opening stock plus gains minus losses, per SKU; nothing negative.
      for (const sku of skus) {
        let total = 0;
        for (const bin of bins) total += await stockOf(t.db, bin, sku);
        expect(total, sku).toBe(initial * bins.length + net.get(sku)!);
      }
      const negative = await sql<{ n: number }>`select count(*)::int as n from stock_balances
        where qty < 0 or reserved > qty`.execute(t.db);
      expect(negative.rows[0]!.n).toBe(0);
      const check = await checkLedger(t.db);
      expect(check.mismatches).toEqual([]);
      expect(check.ok).toBe(true);
      // Every success left its legs (2 per move, 1 per gain or loss) and no refusal left any.
      expect(check.ledgerRows - ledgerBefore).toBe(2 * counts.moves + counts.gains + counts.losses);

      // The server's own deadlock counter did not move either (it is flushed when sessions end, so this
      // test closes the hammering pool and must stay the last one using it).
      await database.close();
      let deadlocksAfter = deadlocksBefore.rows[0]!.n;
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const { rows } = await sql<{ n: number }>`select deadlocks::int as n from pg_stat_database
          where datname = current_database()`.execute(t.db);
        deadlocksAfter = rows[0]!.n;
      }
      expect(deadlocksAfter).toBe(deadlocksBefore.rows[0]!.n);
      console.log(`hammer: ${issued} requests by ${CLIENTS} clients in ${elapsed} ms`, counts);
    });

});

/** Gain through the harness app. */
function stockPost(t: TestApp, payload: object) {
  return t.app.inject({ method: 'POST', url: '/api/inventory/adjustments', payload, headers: bearer(t.adminToken) });
}

describe('the race for the last units on pglite (one connection, interleaved calls)', () => {
  let t: TestApp;
  let w: SmallWorld;
  beforeAll(async () => {
    t = await startTestApp({});
    w = await seedSmallWorld(t);
  });
  afterAll(async () => t?.close());

  it('16 concurrent calls for the last 10 units: exactly 10 leave the bin, never more', async () => {
    const source = w.binsA[0]!;
    const targets = w.binsB.slice(0, 16);
    let refusals = 0;
    for (let round = 0; round < 6; round++) {
      const before = await Promise.all(targets.map((b) => stockOf(t.db, b, 'SKU-1')));
      const gain = await stockPost(t, { bin: source, sku: 'SKU-1', owner: 'OWN1', qty: 10, reason: 'last ten' });
      expect(gain.statusCode, gain.body).toBe(200);
      const ledgerBefore = (await checkLedger(t.db)).ledgerRows;

      const race = await raceForTheLastUnits(serviceMover(t.db, source), targets, round);
      expect(race.unexpected).toEqual([]);
      expect(race.moved.reduce((a, b) => a + b, 0)).toBe(10);
      expect(await stockOf(t.db, source, 'SKU-1')).toBe(0);
      const after = await Promise.all(targets.map((b) => stockOf(t.db, b, 'SKU-1')));
      expect(after.map((q, i) => q - before[i]!)).toEqual(race.moved);
      // Every success left exactly two ledger legs; refusals left none.
      const successes = race.moved.filter((m) => m > 0).length;
      expect((await checkLedger(t.db)).ledgerRows - ledgerBefore).toBe(2 * successes);
      refusals += race.refusals;
    }
    // Moves out of one bin go one at a time through the batcher, and a refused one is re-checked by the
    // ordinary path, whose calls interleave query by query on PGlite's one connection (a stale read there
    // meets the SQL guard); every refusal must still be a clean 409.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from stock_balances where qty < 0`
      .execute(t.db);
    expect(rows[0]!.n).toBe(0);
    expect(refusals).toBeGreaterThan(0);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });
});
