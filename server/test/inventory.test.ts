import { describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { SYSTEM_ACTOR } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { moveStock } from '../domain/inventory/operations.ts';
import { backends, bearer } from './harness.ts';
import { stockPost, useSmallWorld } from './fixtures.ts';

describe.each(backends)('inventory operations on $name', (backend) => {
  const world = useSmallWorld(backend);

  const qtyAt = async (bin: string, sku: string) => {
    const res = await world.t.app.inject({ url: `/api/stock?bin=${bin}&sku=${sku}`, headers: bearer(world.t.adminToken) });
    return (res.json().items as { qty: number }[]).reduce((a, r) => a + r.qty, 0);
  };

  it('gains stock, moves part of it, and the ledger matches', async () => {
    const [a, b] = world.w.binsA;
    const gain = await stockPost(world.t, '/api/inventory/adjustments',
      { bin: a, sku: 'SKU-1', owner: 'OWN1', qty: 100, reason: 'initial count' });
    expect(gain.statusCode, gain.body).toBe(200);
    expect(gain.json().legs[0]).toMatchObject({ delta: 100, qtyBefore: 0, qtyAfter: 100 });

    const move = await stockPost(world.t, '/api/inventory/moves', { fromBin: a, toBin: b, sku: 'SKU-1', qty: 30 });
    expect(move.statusCode, move.body).toBe(200);
    expect(await qtyAt(a!, 'SKU-1')).toBe(70);
    expect(await qtyAt(b!, 'SKU-1')).toBe(30);

    const outbox = await world.t.db.selectFrom('outbox').selectAll().orderBy('seq').execute();
    expect(outbox.map((o) => (o.payload as { type: string }).type)).toEqual(['adjust_gain', 'move']);
    expect((await checkLedger(world.t.db)).ok).toBe(true);
  });

  it('refuses a move of more than is there, with 409 naming qty, and writes nothing', async () => {
    const [a, , c] = world.w.binsA;
    const before = await world.t.db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await stockPost(world.t, '/api/inventory/moves', { fromBin: a, toBin: c, sku: 'SKU-1', qty: 71 });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ field: 'body.qty', available: 70, type: 'https://wetms.dev/problems/conflict' });
    const after = await world.t.db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('a plain move costs one database round trip; an unclear one falls back and explains itself', async () => {
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => { statements++; return args.node; },
      transformResult: async (args) => args.result,
    };
    const db = world.t.db.withPlugin(counter);
    const [, b, c, d] = world.w.binsA;
    const moved = await moveStock(db, SYSTEM_ACTOR, { fromBin: b!, toBin: c!, sku: 'SKU-1', qty: 5 });
    expect(statements).toBe(1);
    expect(moved.legs.map((l) => [l.bin, l.delta, l.owner])).toEqual([[b, -5, 'OWN1'], [c, 5, 'OWN1']]);

    // Two owners' stock of SKU-1 in one bin: the fast path declines, the full path names the field.
    await stockPost(world.t, '/api/inventory/adjustments', { bin: c, sku: 'SKU-1', owner: 'OWN2', qty: 4, reason: 'found' });
    statements = 0;
    const error = await moveStock(db, SYSTEM_ACTOR, { fromBin: c!, toBin: d!, sku: 'SKU-1' }).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 422, field: 'owner' });
    expect(statements).toBeGreaterThan(1);
    expect((await checkLedger(world.t.db)).ok).toBe(true);
  });
});
