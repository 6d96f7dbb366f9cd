import { describe, expect, it } from 'vitest';
import { decodeAgvFrame } from '../../model/protocol/agv-frame.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { LiveFleet } from '../fleet/live-fleet.ts';
import { backends, waitFor } from './harness.ts';
import { eventsSince, lastSeq, useFlowWorld } from './flow-fixtures.ts';


/** The live fleet does real tasks: it claims them, drives, and confirms through the services. */
describe.each(backends)('live AGV fleet on $name', (backend) => {
  const w = useFlowWorld(backend);

  it('puts away receipts and picks an order with AGVs; stock moves through the ledger and is conserved', async () => {
    const po = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-AGV', type: 'purchase', owner: 'OWN1',
      supplier: 'SUP1', lines: [{ sku: 'BOX', qty: 30 }, { sku: 'BOLT', qty: 40 }] });
    await w.ok('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'BOX', qty: 30 });
    await w.ok('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'BOLT', qty: 40 });
    const frames: Uint8Array[] = [];
    const seq = await lastSeq(w.t);
    const fleet = await LiveFleet.create(w.t.db, w.warehouseId, (_id, bytes) => frames.push(bytes),
      { agvs: 3, seed: 5, tickMs: 20, pollTasksMs: 100, speedFactor: 40 });
    fleet.start();
    try {
      const open = async (type: string) => (await w.t.db.selectFrom('tasks').select('id').where('type', '=', type as never)
        .where('status', '<>', 'done').execute()).length;
      await waitFor('the putaways', async () => (await open('putaway')) === 0);
      const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-AGV', type: 'issue', owner: 'OWN1',
        lines: [{ sku: 'BOX', qty: 5 }, { sku: 'BOLT', qty: 6 }] });
      await w.ok('POST', `/api/outbound-orders/${order.id}/allocate`);
      await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['SO-AGV'] });
      await waitFor('the picks', async () => (await open('pick')) === 0);
      expect((await w.ok('GET', `/api/outbound-orders/${order.id}`)).status).toBe('picked');

      const moves = await w.t.db.selectFrom('movements').select(['type', 'device']).where('type', 'in', ['putaway', 'pick'])
        .execute();
      expect(moves.length).toBeGreaterThanOrEqual(4);
      expect(moves.every((m) => m.device?.startsWith('AGV'))).toBe(true);
      const types = new Set((await eventsSince(w.t, seq)).map((e) => e.type));
      expect([...types]).toEqual(expect.arrayContaining(['stock.changed', 'task.updated']));
      const total = await w.t.db.selectFrom('stock_balances').select((eb) => eb.fn.sum<number>('qty').as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(total.n)).toBe(70); // putaways and picks move stock; none appears or vanishes
      expect((await checkLedger(w.t.db)).ok).toBe(true);

      const last = decodeAgvFrame(frames.at(-1)!);
      expect(last.warehouseId).toBe(w.warehouseId);
      expect(last.agvs).toHaveLength(3);
      expect(fleet.describe().stats.tasksCompleted).toBeGreaterThanOrEqual(4);
    } finally {
      fleet.stop();
    }
  });

  it('a fault stops an AGV and raises an alert', async () => {
    const fleet = await LiveFleet.create(w.t.db, w.warehouseId, () => {}, { agvs: 2, seed: 9, tickMs: 20 });
    const seq = await lastSeq(w.t);
    const id = fleet.fleet.state()[0]!.id;
    fleet.fleet.fault(id, 'bumper hit');
    await fleet.step();
    expect(fleet.fleet.state().find((s) => s.id === id)!.state).toBe('fault');
    const alerts = await eventsSince(w.t, seq, ['alert']);
    expect(alerts.map((a) => a.payload)).toEqual([expect.objectContaining({ kind: 'agv_fault', agv: id })]);
  });
});
