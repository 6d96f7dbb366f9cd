import { describe, expect, it } from 'vitest';
import { DemoActivity } from '../demo/activity.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { backends } from './harness.ts';
import { useFlowWorld } from './flow-fixtures.ts';

/** Demo mode's generator: orders by popularity, deliveries received, waves, QC, packing and shipping. */
describe.each(backends)('demo activity on $name', (backend) => {
  const w = useFlowWorld(backend);

  it('keeps the warehouse busy through the services', async () => {
    for (const [bin, sku] of [[w.bins.PICK![0], 'BOX'], [w.bins.STOR![0], 'BOLT']] as const) {
      await w.ok('POST', '/api/inventory/adjustments', { bin, sku, qty: 500, owner: 'OWN1', reason: 'stock' });
    }
    const activity = new DemoActivity(w.t.db, { warehouse: 'F1', ordersPerHour: 360, deliveriesPerHour: 72,
      speedFactor: 100, seed: 3, hourOfDay: () => 10 });
    for (let i = 0; i < 5; i++) await activity.tick();
    expect(activity.lastError).toBeNull();
    expect(activity.counts.orders).toBeGreaterThan(3);
    expect(activity.counts.deliveries).toBeGreaterThan(0);
    expect(activity.counts.waves).toBeGreaterThan(0);
    const tasks = await w.t.db.selectFrom('tasks').select('type').distinct().execute();
    expect(tasks.map((t) => t.type)).toEqual(expect.arrayContaining(['pick']));
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });
});
