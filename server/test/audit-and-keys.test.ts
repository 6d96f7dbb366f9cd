import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { backends, bearer } from './harness.ts';
import { stockPost, useSmallWorld } from './fixtures.ts';

describe.each(backends)('audit of refusals, abandoned idempotency keys, lot expiry on $name', (backend) => {
  const world = useSmallWorld(backend);

  it('a refused stock change is in the audit log; a successful one only in the ledger', async () => {
    const [a, b] = world.w.binsA;
    const refused = await stockPost(world.t, '/api/inventory/moves', { fromBin: a, toBin: b, sku: 'SKU-2', qty: 1 });
    expect(refused.statusCode).toBe(409);
    await stockPost(world.t, '/api/inventory/adjustments', { bin: a, sku: 'SKU-2', owner: 'OWN1', qty: 3, reason: 'found' });
    const log = (await world.t.app.inject({ url: '/api/audit?limit=50', headers: bearer(world.t.adminToken) })).json().items as
      { action: string; status: number; user: string }[];
    const stockEntries = log.filter((e) => e.action.includes('/api/inventory/'));
    expect(stockEntries).toEqual([expect.objectContaining({ action: 'POST /api/inventory/moves', status: 409,
      user: 'admin' })]);
  });

  it('a key left "in progress" by a crashed request is taken over after five minutes', async () => {
    const send = () => world.t.app.inject({ method: 'POST', url: '/api/owners', payload: { code: 'OWN9', name: 'Nine' },
      headers: { ...bearer(world.t.adminToken), 'idempotency-key': 'crashed-1' } });
    const admin = await world.t.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    const first = await send();
    expect(first.statusCode).toBe(201);
    // Simulate a crash: the response was never stored.
    await world.t.db.updateTable('idempotency_keys').set({ status_code: null, response: null })
      .where('user_id', '=', admin.id).where('key', '=', 'crashed-1').execute();
    await world.t.db.deleteFrom('owners').where('code', '=', 'OWN9').execute();
    expect((await send()).statusCode).toBe(409);
    await sql`update idempotency_keys set created_at = now() - interval '6 minutes' where key = 'crashed-1'`.execute(world.t.db);
    const retried = await send();
    expect(retried.statusCode, retried.body).toBe(201);
    expect((await send()).headers['idempotent-replayed']).toBe('true');
  });

  it('a gain that names an existing lot with another expiry is refused, naming lotExpiry', async () => {
    const bin = world.w.binsA[3];
    const gain = (lotExpiry: string) => stockPost(world.t, '/api/inventory/adjustments',
      { bin, sku: 'MILK', owner: 'OWN1', lot: 'LX', lotExpiry, qty: 2, reason: 'found' });
    expect((await gain('2099-01-31')).statusCode).toBe(200);
    const other = await gain('2099-02-28');
    expect(other.statusCode).toBe(400);
    expect(other.json().field).toBe('body.lotExpiry');
    expect((await gain('2099-01-31')).statusCode).toBe(200);
  });
});
