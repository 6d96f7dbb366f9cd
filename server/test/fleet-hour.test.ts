import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DemoActivity } from '../demo/activity.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { LiveFleet } from '../fleet/live-fleet.ts';
import { backends } from './harness.ts';
import { useFlowWorld } from './flow-fixtures.ts';

/**
 * An hour of simulated work: the demo generator brings orders and deliveries, the AGVs put away and pick,
 * orders are packed and shipped. Afterwards every unit is accounted for: stock on hand = opening stock
 * + receipts - shipments, the ledger matches the balances, and no task is left half done by an AGV.
 */
describe.each(backends)('an hour of simulated warehouse work on $name', (backend) => {
  const w = useFlowWorld(backend);

  it('conserves stock and finishes or releases every task an AGV claimed', async () => {
    for (const [bin, sku] of [[w.bins.PICK![0], 'BOX'], [w.bins.PICK![1], 'BOLT'], [w.bins.STOR![0], 'BOX']] as const) {
      await w.ok('POST', '/api/inventory/adjustments', { bin, sku, qty: 400, owner: 'OWN1', reason: 'opening stock' });
    }
    const SPEED = 120; // one real second = two simulated minutes; 30 s = one simulated hour
    const activity = new DemoActivity(w.t.db, { warehouse: 'F1', ordersPerHour: 40, deliveriesPerHour: 12,
      speedFactor: SPEED, seed: 11, tickMs: 250, hourOfDay: () => 10 });
    const fleet = await LiveFleet.create(w.t.db, w.warehouseId, () => {}, { agvs: 4, seed: 2, tickMs: 50,
      pollTasksMs: 250, speedFactor: SPEED });
    activity.start();
    fleet.start();
    const simulated = () => fleet.fleet.stats().simMs;
    while (simulated() < 3_600_000) await new Promise((r) => setTimeout(r, 250));
    activity.stop();
    // Let the AGVs finish what they carry, then stop.
    for (let i = 0; i < 100 && fleet.fleet.state().some((s) => s.loaded); i++) await new Promise((r) => setTimeout(r, 100));
    fleet.stop();
    await new Promise((r) => setTimeout(r, 300));

    expect(activity.counts.orders).toBeGreaterThan(10);
    expect(activity.counts.deliveries).toBeGreaterThan(3);
    expect(fleet.fleet.stats().tasksCompleted).toBeGreaterThan(10);
    const { rows } = await sql<{ opening: number; received: number; shipped: number; scrapped: number; on_hand: number }>`
      select (select coalesce(sum(qty_delta), 0) from ledger_entries where type = 'adjust_gain')::int8 as opening,
             (select coalesce(sum(qty_delta), 0) from ledger_entries where type = 'receipt')::int8 as received,
             (select coalesce(-sum(qty_delta), 0) from ledger_entries where type = 'ship')::int8 as shipped,
             (select coalesce(-sum(qty_delta), 0) from ledger_entries where type in ('scrap', 'adjust_loss'))::int8 as scrapped,
             (select coalesce(sum(qty), 0) from stock_balances)::int8 as on_hand`.execute(w.t.db);
    const r = rows[0]!;
    expect(Number(r.shipped)).toBeGreaterThan(0);
    expect(Number(r.on_hand)).toBe(Number(r.opening) + Number(r.received) - Number(r.shipped) - Number(r.scrapped));
    const check = await checkLedger(w.t.db);
    expect(check).toMatchObject({ ok: true, negative: 0 });
    // No task stays with an AGV once the fleet has stopped: done, or back in the pool after the final confirm.
    const stuck = await w.t.db.selectFrom('tasks').select(['id', 'status']).where('assignee_agv', 'is not', null)
      .where('status', 'in', ['in_progress']).execute();
    expect(stuck).toEqual([]);
    expect(fleet.errors.filter((e) => !/not enough stock|wrong|frozen/.test(e))).toEqual([]);
  }, 180_000);
});
