import { describe, expect, it } from 'vitest';
import { decodeAgvFrame } from '../../model/protocol/agv-frame.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { LiveFleet } from '../fleet/live-fleet.ts';
import { FleetManager } from '../fleet/manager.ts';
import type { StreamGateway } from '../stream/gateway.ts';
import { backends, waitFor } from './harness.ts';
import { eventsSince, lastSeq, useFlowWorld } from './flow-fixtures.ts';

/**
 * Server processes joined as the Redis adapter joins them, without Redis: serverSideEmitWithAck reaches the
 * 'wms:fleet' handlers of the other processes, with the message and the replies going through JSON.
 */
function fakeCluster() {
  const handlers: { process: number; handler: (msg: unknown, reply: (r: unknown) => void) => void }[] = [];
  return (process: number) => ({
    isClustered: true,
    emitAgv: () => {},
    io: {
      on: (event: string, handler: (msg: unknown, reply: (r: unknown) => void) => void) => {
        if (event === 'wms:fleet') handlers.push({ process, handler });
      },
      serverSideEmitWithAck: (_event: string, arg: unknown) => Promise.all(handlers.filter((h) => h.process !== process)
        .map((h) => new Promise((resolve) => h.handler(JSON.parse(JSON.stringify(arg)),
          (r) => resolve(JSON.parse(JSON.stringify(r))))))),
    },
  }) as unknown as StreamGateway;
}

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

  it('describes one AGV for the inspector: state, task, route and recent tasks, from any process', async () => {
    const gateway = fakeCluster();
    const leader = new FleetManager(w.t.db, gateway(0), { agvs: { F1: 2 }, seed: 3, tickMs: 20, speedFactor: 40 });
    const follower = new FleetManager(w.t.db, gateway(1));
    const get = (agv: string) => w.api('GET', `/api/fleet/F1/agvs/${agv}`);
    w.t.app.fleet.manager = null;
    expect(await get('AGV-001')).toMatchObject({ status: 409, body: { field: 'params.warehouse' } });
    w.t.app.fleet.manager = follower; // no fleet process answers yet
    expect(await get('AGV-001')).toMatchObject({ status: 409, body: { field: 'params.warehouse' } });
    await leader.start();
    const live = leader.fleets.get(w.warehouseId)!;
    try {
      const po = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-AGV-2', type: 'purchase',
        owner: 'OWN1', supplier: 'SUP1', lines: [{ sku: 'BOX', qty: 4 }, { sku: 'BOLT', qty: 6 }] });
      await w.ok('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'BOX', qty: 4 });
      await w.ok('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'BOLT', qty: 6 });
      // Catch an AGV driving a task, and hold the fleet there.
      let busy = '';
      await waitFor('an AGV driving with a task', () => {
        const a = live.fleet.state().find((s) => s.taskId && live.fleet.route(s.id).length > 1);
        if (a) { live.paused = true; busy = a.id; }
        return Boolean(a);
      }, 30_000, 5);
      const state = live.fleet.state().find((s) => s.id === busy)!;
      // The kernel hands out a task before the claim is written: pausing stops the kernel, not the claim already on
      // its way to the database. Wait for it, so the API below reads the task as the AGV's.
      await waitFor('the claim written', async () => ['assigned', 'in_progress'].includes((await w.t.db.selectFrom('tasks')
        .select('status').where('id', '=', Number(state.taskId)).executeTakeFirstOrThrow()).status));
      const task = await w.t.db.selectFrom('tasks as t').innerJoin('bins as sb', 'sb.id', 't.source_bin_id')
        .innerJoin('bins as tb', 'tb.id', 't.target_bin_id').innerJoin('skus as s', 's.id', 't.sku_id')
        .select(['t.id', 't.type', 't.status', 'sb.code as source', 'tb.code as target', 's.code as sku'])
        .where('t.id', '=', Number(state.taskId)).executeTakeFirstOrThrow();

      for (const manager of [leader, follower]) {
        w.t.app.fleet.manager = manager;
        const res = await get(busy);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const d = res.body;
        expect(Object.keys(d).sort()).toEqual(['battery', 'heading', 'id', 'lastProgressAt', 'loaded', 'recentTasks', 'route',
          'speed', 'state', 'stateSince', 'task', 'waiting', 'x', 'y'].sort());
        expect(typeof d.waiting).toBe('boolean');
        expect(Date.parse(d.stateSince)).toBeLessThanOrEqual(Date.parse(d.lastProgressAt));
        expect(d).toMatchObject({ id: busy, state: state.state, loaded: state.loaded, x: state.x, y: state.y,
          heading: state.heading, speed: state.speed, battery: state.battery });
        expect(d.battery).toBeGreaterThan(0);
        expect(d.battery).toBeLessThanOrEqual(1);
        // Pausing stops the kernel, not a confirmation already on its way to the database: the status may have
        // moved on from assigned to in_progress since it was read above.
        expect(d.task).toEqual({ id: Number(task.id), type: 'putaway', status: expect.any(String), sku: task.sku,
          sourceBin: task.source, targetBin: task.target });
        expect(['assigned', 'in_progress']).toContain(d.task.status);
        // The polyline starts at the AGV and runs through the graph nodes ahead.
        const ahead = live.fleet.route(busy).slice(1);
        expect(d.route).toHaveLength(ahead.length + 1);
        expect(d.route[0]).toEqual({ x: state.x, y: state.y });
        const layout = (await w.ok('GET', `/api/warehouses/${w.warehouseCode}/layout`)) as { nodes: { id: string; x: number; y: number }[] };
        const node = layout.nodes.find((n) => n.id === ahead.at(-1))!;
        expect(d.route.at(-1)).toEqual({ x: node.x, y: node.y });
        expect(d.recentTasks[0]).toMatchObject({ id: Number(task.id), type: 'putaway', doneAt: null,
          sourceBin: task.source, targetBin: task.target });

        const unknown = await get('AGV-999');
        expect(unknown.status).toBe(404);
        expect(unknown.body).toMatchObject({ field: 'params.agv', detail: expect.stringContaining('AGV-999') });
      }
      expect((await w.api('GET', '/api/fleet/NOPE/agvs/AGV-001')).status).toBe(404);

      live.paused = false;
      const open = async () => (await w.t.db.selectFrom('tasks').select('id').where('type', '=', 'putaway')
        .where('status', 'not in', ['done', 'cancelled']).execute()).length;
      await waitFor('the putaways', async () => (await open()) === 0);
      w.t.app.fleet.manager = follower;
      const done = (await w.ok('GET', `/api/fleet/F1/agvs/${busy}`)).recentTasks;
      const mine = await w.t.db.selectFrom('tasks').select('id').where('assignee_agv', '=', busy)
        .where('warehouse_id', '=', w.warehouseId).execute();
      expect(done.length).toBe(Math.min(10, mine.length));
      expect(done.find((t: any) => t.id === Number(task.id))).toMatchObject({ status: 'done', doneAt: expect.any(String) });
      for (const t of done) if (t.status === 'done') expect(Date.parse(t.doneAt)).not.toBeNaN();
    } finally {
      leader.stop();
      w.t.app.fleet.manager = null;
    }
  });
});
