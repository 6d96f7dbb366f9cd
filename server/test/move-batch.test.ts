import { sql, type KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { isEmbedded } from '../db/database.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { moveBatcher } from '../domain/inventory/move-batch.ts';
import { moveStock, type MoveInput } from '../domain/inventory/operations.ts';
import { tryFastMove } from '../domain/inventory/fast-move.ts';
import type { PostedMovement } from '../domain/inventory/post-movement.ts';
import { stockPost, useSmallWorld } from './fixtures.ts';
import { backends } from './harness.ts';

/*
 * Group commit of plain moves (server/domain/inventory/move-batch.ts, wms_move_batch): concurrent moves go
 * to the database together, each still its own movement; what a batch cannot make plainly takes the
 * ordinary path and is refused there with the usual words.
 */
describe.each(backends)('batched moves on $name', (backend) => {
  const world = useSmallWorld(backend);

  /** A handle on the test database that counts statements; its own batcher (one per Kysely instance). */
  const counting = () => {
    const seen = { statements: 0 };
    const plugin: KyselyPlugin = {
      transformQuery: (args) => { seen.statements++; return args.node; },
      transformResult: async (args) => args.result,
    };
    return { db: world.t.db.withPlugin(plugin), seen };
  };
  const gain = async (bin: string, sku: string, qty: number, owner = 'OWN1') => {
    const res = await stockPost(world.t, '/api/inventory/adjustments', { bin, sku, owner, qty, reason: 'opening' });
    expect(res.statusCode, res.body).toBe(200);
  };
  const ledgerRows = async () => (await checkLedger(world.t.db)).ledgerRows;
  /** Settle every move: the movement, or the refusal as { status, field, message }. */
  const settle = (db: ReturnType<typeof counting>['db'], actor: Actor, moves: MoveInput[]) =>
    Promise.all(moves.map((m) => moveStock(db, actor, m).then(
      (posted) => ({ posted }),
      (error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        return { status: error.status, field: error.field, message: error.message };
      })));

  it('concurrent plain moves go in one statement, each its own movement, legs and outbox event', async () => {
    const a = world.w.binsA;
    const b = world.w.binsB;
    for (let i = 0; i < 4; i++) await gain(a[i]!, 'SKU-1', 100);
    const seqBefore = (await sql<{ s: number }>`select coalesce(max(seq), 0)::int as s from outbox`
      .execute(world.t.db)).rows[0]!.s;
    const rowsBefore = await ledgerRows();

    const { db, seen } = counting();
    const moves = [0, 1, 2, 3].map((i) => ({ fromBin: a[i]!, toBin: b[i]!, sku: 'SKU-1', qty: i + 1, docRef: `D${i}` }));
    const results = await settle(db, SYSTEM_ACTOR, moves);
    expect(seen.statements).toBe(1);
    expect(moveBatcher(db).stats).toMatchObject({ batches: 1, batchedMoves: 4, failed: 0 });

    const posted = results.map((r) => ('posted' in r ? r.posted : expect.fail(JSON.stringify(r))));
    expect(new Set(posted.map((p) => p.movementId)).size).toBe(4);
    expect(new Set(posted.map((p) => p.seq)).size).toBe(4);
    for (const [i, p] of posted.entries()) {
      expect(p.type).toBe('move');
      expect(p.legs).toEqual([
        expect.objectContaining({ bin: a[i], sku: 'SKU-1', owner: 'OWN1', lot: null, status: 'available',
          delta: -(i + 1), qtyBefore: 100, qtyAfter: 99 - i, reserved: 0 }),
        expect.objectContaining({ bin: b[i], sku: 'SKU-1', owner: 'OWN1', delta: i + 1, qtyBefore: 0,
          qtyAfter: i + 1, reserved: 0 }),
      ]);
    }
    // Exactly what the outbox carries, per move, and the movement rows carry their paperwork.
    const events = await world.t.db.selectFrom('outbox').selectAll().where('seq', '>', seqBefore).orderBy('seq')
      .execute();
    expect(events).toHaveLength(4);
    for (const e of events) {
      const p = posted.find((x) => x.seq === Number(e.seq))!;
      expect(e.payload).toMatchObject({ type: 'move', movementId: p.movementId,
        legs: p.legs.map(({ bin: _b, sku: _s, lot: _l, owner: _o, ...leg }) => leg) });
    }
    const docs = await world.t.db.selectFrom('movements').select(['id', 'doc_ref', 'type'])
      .where('id', 'in', posted.map((p) => p.movementId)).orderBy('id').execute();
    expect(docs.map((d) => d.doc_ref).sort()).toEqual(['D0', 'D1', 'D2', 'D3']);
    expect(await ledgerRows()).toBe(rowsBefore + 8);
    expect((await checkLedger(world.t.db)).ok).toBe(true);
  });

  it('answers like the single-move path (same fields, same values)', async () => {
    const [, , , , e, f, g] = world.w.binsA;
    await gain(e!, 'SKU-2', 50);
    const { db, seen } = counting();
    const [batched] = await Promise.all([
      moveStock(db, SYSTEM_ACTOR, { fromBin: e!, toBin: f!, sku: 'SKU-2', qty: 5 }),
      moveStock(db, SYSTEM_ACTOR, { fromBin: world.w.binsA[0]!, toBin: world.w.binsB[7]!, sku: 'SKU-1', qty: 1 }),
    ]);
    expect(seen.statements).toBe(1);
    const single = (await tryFastMove(db, SYSTEM_ACTOR, { fromBin: e!, toBin: g!, sku: 'SKU-2', qty: 5 }))!;
    const shape = (p: PostedMovement) => ({ keys: Object.keys(p).sort(), legKeys: p.legs.map((l) => Object.keys(l).sort()),
      at: typeof p.at });
    expect(shape(batched)).toEqual(shape(single));
    expect(single.legs[0]).toMatchObject({ qtyBefore: 45, qtyAfter: 40 });
    const { legs: [, toF] } = batched;
    const { legs: [, toG] } = single;
    expect({ ...toF, binId: 0, bin: '' }).toEqual({ ...toG, binId: 0, bin: '' });
  });

  it('many waiting moves go in two lanes side by side on a server, in one on the embedded PGlite', async () => {
    expect(isEmbedded(world.t.db)).toBe(backend.name === 'pglite');
    expect(moveBatcher(world.t.db).maxInFlight).toBe(backend.name === 'pglite' ? 1 : 2);
    const from = world.w.binsA.slice(8, 14);
    const to = world.w.binsB.slice(8, 14);
    for (const bin of from) await gain(bin, 'SKU-1', 10);
    const rowsBefore = await ledgerRows();
    for (const lanes of [2, 1]) {
      const { db, seen } = counting();
      moveBatcher(db, { maxInFlight: lanes });
      const moves = from.map((fromBin, i) => (lanes === 2 ? { fromBin, toBin: to[i]!, sku: 'SKU-1', qty: 2 }
        : { fromBin: to[i]!, toBin: fromBin, sku: 'SKU-1', qty: 1 }));
      const results = await settle(db, SYSTEM_ACTOR, moves);
      expect(results.every((r) => 'posted' in r), JSON.stringify(results)).toBe(true);
      // Six waiting moves and two free lanes: two statements of three; one lane: one statement of six.
      expect(seen.statements).toBe(lanes);
      expect(moveBatcher(db).stats).toMatchObject({ batches: lanes, batchedMoves: 6, alone: 0, failed: 0 });
    }
    expect(await ledgerRows()).toBe(rowsBefore + 24);
    expect((await checkLedger(world.t.db)).ok).toBe(true);
  });

  it('moves on the same bin and SKU wait for the next batch (each alone here), and all of them happen', async () => {
    const [, , , , , , , h] = world.w.binsA;
    const targets = world.w.binsB.slice(4, 8);
    await gain(h!, 'SKU-2', 40);
    const { db, seen } = counting();
    const results = await settle(db, SYSTEM_ACTOR, targets.map((to) => ({ fromBin: h!, toBin: to, sku: 'SKU-2', qty: 10 })));
    expect(results.every((r) => 'posted' in r)).toBe(true);
    expect(seen.statements).toBe(4);
    const befores = results.map((r) => ('posted' in r ? r.posted.legs[0]!.qtyBefore : -1)).sort((x, y) => y - x);
    expect(befores).toEqual([40, 30, 20, 10]);
  });

  it('a move the batch cannot make goes the ordinary way and is refused there; the rest of its batch commits', async () => {
    const [a0, a1, a2, a3] = world.w.binsA;
    const [b0, b1, , b3] = world.w.binsB;
    await gain(a2!, 'SKU-2', 10);
    await world.t.db.updateTable('bins').set({ blocked: true }).where('code', '=', b3!).execute();
    const zoneA = await world.t.db.selectFrom('zones').select('id').where('code', '=', 'A')
      .where('warehouse_id', '=', world.w.warehouseId).executeTakeFirstOrThrow();
    const operatorOfA: Actor = { userId: 0, username: 'opA', role: 'operator',
      scope: { warehouses: new Set(), zones: new Set([zoneA.id]) } };
    const rowsBefore = await ledgerRows();
    const { db } = counting();
    const results = await settle(db, operatorOfA, [
      { fromBin: a0!, toBin: a1!, sku: 'SKU-1', qty: 1 },          // fine
      { fromBin: a2!, toBin: a3!, sku: 'SKU-2', qty: 11 },         // more than is there
      { fromBin: a1!, toBin: b0!, sku: 'SKU-1', qty: 1 },          // target out of the operator's zones
      { fromBin: a3!, toBin: b3!, sku: 'SKU-1', qty: 1 },          // blocked target
      { fromBin: a3!, toBin: 'NO-SUCH-BIN', sku: 'SKU-1', qty: 1 }, // unknown bin
      { fromBin: a2!, toBin: b1!, sku: 'NO-SUCH-SKU', qty: 1 },    // unknown SKU
    ]);
    expect(results[0]).toHaveProperty('posted');
    expect(moveBatcher(db).stats).toMatchObject({ batchedMoves: 6, failed: 0 });
    expect(results.slice(1).map((r) => ('status' in r ? [r.status, r.field] : r))).toEqual([
      [409, 'qty'], [403, 'toBin'], [409, 'toBin'], [404, 'toBin'], [404, 'sku'],
    ]);
    expect((results[1] as { message: string }).message).toMatch(/11 requested, 10 available/);
    expect(await ledgerRows()).toBe(rowsBefore + 2);
    await world.t.db.updateTable('bins').set({ blocked: false }).where('code', '=', b3!).execute();
  });

  it('refuses a move with no such stock, or too little, from what the batch read: same words, no second read',
    async () => {
      const [a14, a15] = world.w.binsA.slice(14, 16);
      const [b14, b15] = world.w.binsB.slice(14, 16);
      await gain(a14!, 'SKU-1', 5);
      await gain(a15!, 'SKU-1', 3);
      const moves: MoveInput[] = [
        { fromBin: a15!, toBin: b15!, sku: 'SKU-1', qty: 1 },                  // fine
        { fromBin: a14!, toBin: b14!, sku: 'SKU-1', qty: 6 },                  // too little
        { fromBin: a14!, toBin: b15!, sku: 'SKU-2', qty: 1 },                  // no SKU-2 there
        { fromBin: b14!, toBin: a15!, sku: 'SKU-2', qty: 1, status: 'hold' },  // none on hold either
      ];
      const rowsBefore = await ledgerRows();
      const { db, seen } = counting();
      const batched = await settle(db, SYSTEM_ACTOR, moves);
      expect(seen.statements).toBe(1); // the batch, and no context read for the refusals
      expect(batched[0]).toHaveProperty('posted');
      expect(await ledgerRows()).toBe(rowsBefore + 2);
      // The full path (inside a transaction nothing is batched) says the same about each.
      const full = await Promise.all(moves.slice(1).map((m) => world.t.db.transaction().execute((trx) =>
        moveStock(trx, SYSTEM_ACTOR, m)).then(() => expect.fail('moved'), (e: DomainError) =>
        ({ status: e.status, field: e.field, message: e.message }))));
      expect(batched.slice(1)).toEqual(full);
      expect(full.map((r) => [r.status, r.field])).toEqual([[409, 'qty'], [409, 'sku'], [409, 'sku']]);
      expect(full[0]!.message).toMatch(/6 requested, 5 available/);
      expect(full[2]!.message).toMatch(/holds no SKU-2 \(hold\)/);
    });

  it('moves with Idempotency-Keys batch too; a replay answers from the key, and a key in flight twice moves once',
    async () => {
      const [a0] = world.w.binsA;
      const targets = world.w.binsB.slice(9, 13);
      await gain(a0!, 'SKU-2', 20);
      const rowsBefore = await ledgerRows();
      const { db, seen } = counting();
      const keyed = (i: number) => ({ key: `batch-key-${i}`, requestHash: `hash-${i}` });
      // Four keyed moves of SKU-2 from one bin (one per batch), each with a twin of the same key at once.
      const moves = targets.flatMap((to, i) => [0, 1].map(() =>
        moveStock(db, SYSTEM_ACTOR, { fromBin: a0!, toBin: to, sku: 'SKU-2', qty: 2 }, keyed(i))));
      const results = await Promise.all(moves);
      for (let i = 0; i < 4; i++) {
        const [first, twin] = [results[2 * i]!, results[2 * i + 1]!];
        expect(twin.movementId).toBe(first.movementId);
        expect([first.replayed, twin.replayed].filter(Boolean)).toHaveLength(1);
      }
      expect(await ledgerRows()).toBe(rowsBefore + 8);
      const stored = await world.t.db.selectFrom('idempotency_keys').select(['key', 'status_code', 'response'])
        .where('key', 'like', 'batch-key-%').orderBy('key').execute();
      expect(stored.map((k) => k.status_code)).toEqual([200, 200, 200, 200]);
      const original = results.find((r) => !r.replayed && r.legs[1]!.bin === targets[0])!;
      const { legs, replayed: _r, ...head } = original;
      expect(stored[0]!.response).toEqual({ ...head, legs: legs.map(({ bin: _b, sku: _s, lot: _l, owner: _o, ...l }) => l) });

      // Keyed moves on different bins share a statement; the same key with another request is refused.
      seen.statements = 0;
      const [x, y] = await Promise.all([
        moveStock(db, SYSTEM_ACTOR, { fromBin: targets[0]!, toBin: targets[1]!, sku: 'SKU-2', qty: 1 }, keyed(10)),
        moveStock(db, SYSTEM_ACTOR, { fromBin: targets[2]!, toBin: targets[3]!, sku: 'SKU-2', qty: 1 }, keyed(11)),
      ]);
      expect(seen.statements).toBe(1);
      expect(x.replayed ?? false).toBe(false);
      expect(y.replayed ?? false).toBe(false);
      await expect(moveStock(db, SYSTEM_ACTOR, { fromBin: targets[0]!, toBin: targets[2]!, sku: 'SKU-2', qty: 1 },
        { key: 'batch-key-10', requestHash: 'other' })).rejects.toMatchObject({ status: 422, field: 'Idempotency-Key' });
    });

  it('wms_move_batch itself leaves out moves that share a bin and SKU and writes nothing for them', async () => {
    const [a0, a1, a2] = world.w.binsA;
    const rowsBefore = await ledgerRows();
    const move = (ord: number, fromBin: string, toBin: string) => ({ ord, fromBin, toBin, sku: 'SKU-1', qty: 1,
      userId: 0, scope: null });
    type Answer = { made: unknown[][]; unmet: unknown[][] };
    const { rows } = await sql<{ r: Answer }>`select wms_move_batch(${JSON.stringify([
      move(1, a0!, a1!), move(2, a1!, a2!)])}::jsonb) as r`.execute(world.t.db);
    expect(rows[0]!.r.made).toEqual([]);
    expect(await ledgerRows()).toBe(rowsBefore);
    const { rows: one } = await sql<{ r: Answer }>`select wms_move_batch(${JSON.stringify([
      move(7, a0!, a2!)])}::jsonb) as r`.execute(world.t.db);
    expect(one[0]!.r.made.map((r) => r[0])).toEqual([7]); // each row starts with the move's ord
    expect(await ledgerRows()).toBe(rowsBefore + 2);
    expect((await checkLedger(world.t.db)).ok).toBe(true);
  });
});
