import { describe, expect, it } from 'vitest';
import { AgvWatch, agvCheck, type AgvSample } from '../domain/alerts/agv-stalls.ts';
import { belowMinCheck } from '../domain/alerts/below-min.ts';
import { expiryCheck } from '../domain/alerts/expiry.ts';
import { liveFleetSampler } from '../domain/alerts/fleet-sampler.ts';
import { createAlertMonitor } from '../domain/alerts/index.ts';
import { AlertMonitor, type CheckReport } from '../domain/alerts/monitor.ts';
import { overdueTasksCheck } from '../domain/alerts/overdue-tasks.ts';
import { LiveFleet } from '../fleet/live-fleet.ts';
import { OutboxRelay } from '../stream/relay.ts';
import { backends, bearer, waitFor } from './harness.ts';
import { eventsSince, isoDateIn, lastSeq, useFlowWorld } from './flow-fixtures.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** The stall tracker on its own: simulated looks at one AGV, time passed in. */
describe('AGV stall watch', () => {
  const agv = (over: Partial<AgvSample> = {}): AgvSample => ({ id: 'AGV-1', state: 'moving', x: 1, y: 1, taskId: '7',
    loaded: true, hasRoute: true, ...over });

  it('flags a busy AGV that stops making progress, and not one that moves or idles', () => {
    const watch = new AgvWatch();
    expect(watch.observe([agv()], 0)).toEqual([]);
    expect(watch.observe([agv({ x: 5 })], MIN)).toEqual([]); // it drove 4 m
    expect(watch.observe([agv({ x: 5 })], 4 * MIN)).toEqual([]); // standing for 3 min: queueing, not yet
    expect(watch.observe([agv({ x: 5 })], 5 * MIN + 1).map((s) => s.reason)).toEqual(['no_progress']);
    expect(watch.observe([agv({ x: 5, state: 'idle', taskId: null })], 10 * MIN)).toEqual([]); // idle is fine
    expect(watch.observe([agv({ x: 5, state: 'idle', taskId: null })], 20 * MIN)).toEqual([]);
  });

  it('flags "moving" without a route after 4 minutes, and one state held too long even when it creeps', () => {
    const watch = new AgvWatch();
    watch.observe([agv({ hasRoute: false })], 0);
    expect(watch.observe([agv({ hasRoute: false, x: 2 })], 3 * MIN)).toEqual([]);
    expect(watch.observe([agv({ hasRoute: false, x: 3 })], 4 * MIN + 1000).map((s) => s.reason)).toEqual(['no_route']);
    const creeping = new AgvWatch();
    for (let t = 0; t < 15; t++) expect(creeping.observe([agv({ x: t })], t * MIN)).toEqual([]);
    expect(creeping.observe([agv({ x: 16 })], 15 * MIN).map((s) => s.reason)).toEqual(['same_state']);
  });

  it('uses the fleet\'s own "last progress" time when it gives one', () => {
    const watch = new AgvWatch();
    const t0 = Date.UTC(2026, 0, 1);
    expect(watch.observe([agv({ lastProgressAt: t0 - 5 * MIN })], t0).map((s) => s.reason)).toEqual(['no_progress']);
  });
});

describe.each(backends)('alert monitor on $name', (backend) => {
  const w = useFlowWorld(backend);
  const gain = (bin: string, sku: string, qty: number, extra: object = {}) => w.ok('POST', '/api/inventory/adjustments',
    { bin, sku, qty, owner: 'OWN1', reason: 'alert test', ...extra });
  const lose = (bin: string, sku: string, qty: number, extra: object = {}) => w.ok('POST', '/api/inventory/adjustments',
    { bin, sku, qty: -qty, reason: 'alert test', ...extra });
  const put = async (url: string, payload: object) => {
    const res = await w.t.app.inject({ method: 'PUT', url, payload, headers: bearer(w.t.adminToken) });
    expect(res.statusCode, res.body).toBeLessThan(300);
  };
  const alertsSince = async (seq: number) =>
    (await eventsSince(w.t, seq, ['alert'])).map((e) => e.payload as Record<string, any>);
  const binId = async (code: string) => Number((await w.t.db.selectFrom('bins').select('id').where('code', '=', code)
    .executeTakeFirstOrThrow()).id);
  const zoneId = async (code: string) => Number((await w.t.db.selectFrom('zones').select('id').where('code', '=', code)
    .where('warehouse_id', '=', w.warehouseId).executeTakeFirstOrThrow()).id);
  /** Run a monitor once at `now`; the alerts it raised and its report for this warehouse. */
  const runAt = async (monitor: AlertMonitor, now: Date) => {
    const seq = await lastSeq(w.t);
    const reports = await monitor.runWarehouse(w.warehouseId, now);
    return { alerts: await alertsSince(seq), report: reports[0] as CheckReport };
  };
  const later = (ms: number) => new Date(Date.now() + ms);

  it('raises expiry once per lot in a bin, again when it escalates to expired, and after it cleared and came back', async () => {
    const monitor = new AlertMonitor(w.t.db, [expiryCheck(7)]);
    const bin = w.bins.STOR![0]!;
    await gain(bin, 'MILK', 40, { lot: 'L-LATE', lotExpiry: isoDateIn(40) });
    expect((await runAt(monitor, later(0))).alerts).toEqual([]); // nothing within 7 days

    await gain(bin, 'MILK', 12, { lot: 'L-SOON', lotExpiry: isoDateIn(3) });
    const first = await runAt(monitor, later(0));
    expect(first.alerts).toEqual([expect.objectContaining({ kind: 'stock_expiring', severity: 'warning', bin,
      binId: await binId(bin), zoneId: await zoneId('STOR'), sku: 'MILK', lot: 'L-SOON', qty: 12, days: 3,
      expiry: isoDateIn(3) })]);
    expect(first.alerts[0]!.message).toBe(`12 MILK lot L-SOON in ${bin} expires on ${isoDateIn(3)} (in 3 days)`);
    expect((await runAt(monitor, later(MIN))).alerts).toEqual([]); // no repeat a minute later
    // A restart: a new monitor reads what is open from the database.
    expect((await runAt(new AlertMonitor(w.t.db, [expiryCheck(7)]), later(2 * MIN))).alerts).toEqual([]);

    const expired = await runAt(monitor, later(4 * DAY));
    expect(expired.alerts).toEqual([expect.objectContaining({ kind: 'stock_expired', severity: 'critical', lot: 'L-SOON' })]);
    expect((await runAt(monitor, later(4 * DAY + MIN))).alerts).toEqual([]);

    await lose(bin, 'MILK', 12, { lot: 'L-SOON' });
    const cleared = await runAt(monitor, later(4 * DAY + 2 * MIN));
    expect(cleared.alerts).toEqual([]);
    expect(cleared.report).toMatchObject({ condition: 'expiry', open: 0, cleared: 1 });
    await gain(bin, 'MILK', 5, { lot: 'L-SOON' });
    expect((await runAt(monitor, later(4 * DAY + 3 * MIN))).alerts.map((a) => [a.kind, a.lot, a.qty]))
      .toEqual([['stock_expired', 'L-SOON', 5]]);
  });

  it('caps single alerts per run and kind, and sums up the rest in one alert per zone', async () => {
    const monitor = new AlertMonitor(w.t.db, [expiryCheck(7)], { perKindLimit: 2 });
    const now = later(4 * DAY + 4 * MIN); // L-SOON is open as expired already
    for (const [i, bin] of w.bins.STOR!.slice(1, 6).entries()) {
      await gain(bin, 'MILK', 3 + i, { lot: `L-CAP-${i}`, lotExpiry: isoDateIn(6) });
    }
    const { alerts, report } = await runAt(monitor, now);
    const single = alerts.filter((a) => !a.summary).map((a) => a.lot as string);
    expect(single).toHaveLength(2);
    expect(new Set(single).size).toBe(2);
    expect(single.every((lot) => lot.startsWith('L-CAP-'))).toBe(true);
    const summary = alerts.filter((a) => a.summary);
    expect(summary).toEqual([expect.objectContaining({ kind: 'stock_expiring', summary: true, total: 3, days: 7,
      zone: 'STOR', zoneId: await zoneId('STOR'), message: '3 more stock lines expire within 7 days (zone STOR)' })]);
    expect(report).toMatchObject({ open: 6, raised: 2, summaries: 1, summarized: 3 });
    expect((await runAt(monitor, new Date(now.getTime() + MIN))).alerts).toEqual([]);
    for (const [i, bin] of w.bins.STOR!.slice(1, 6).entries()) await lose(bin, 'MILK', 3 + i, { lot: `L-CAP-${i}` });
    expect((await runAt(monitor, new Date(now.getTime() + 2 * MIN))).report).toMatchObject({ open: 1, cleared: 5 });
  });

  it('raises a pick face below min without replenishment, escalates when empty, and stays quiet while a task is open', async () => {
    const monitor = new AlertMonitor(w.t.db, [belowMinCheck()]);
    const face = w.bins.PICK![0]!;
    await put('/api/pick-faces', { bin: face, sku: 'BOLT', min: 10, max: 50 });
    await gain(face, 'BOLT', 20);
    expect((await runAt(monitor, later(0))).alerts).toEqual([]); // 20 >= 10

    await lose(face, 'BOLT', 15);
    expect((await runAt(monitor, later(0))).alerts).toEqual([expect.objectContaining({ kind: 'face_below_min',
      severity: 'warning', bin: face, binId: await binId(face), zoneId: await zoneId('PICK'), sku: 'BOLT', free: 5,
      min: 10 })]);
    expect((await runAt(monitor, later(MIN))).alerts).toEqual([]);
    await lose(face, 'BOLT', 5);
    expect((await runAt(monitor, later(2 * MIN))).alerts.map((a) => [a.kind, a.severity, a.free]))
      .toEqual([['face_empty', 'critical', 0]]);
    expect((await runAt(monitor, later(3 * MIN))).alerts).toEqual([]);

    // Stock in storage: replenishment plans a task, and the face, looked after, clears.
    await gain(w.bins.STOR![8]!, 'BOLT', 100);
    const run = await w.ok('POST', '/api/replenishment/run', { warehouse: 'F1' });
    expect(run.created).toHaveLength(1);
    const quiet = await runAt(monitor, later(4 * MIN));
    expect(quiet.alerts).toEqual([]);
    expect(quiet.report).toMatchObject({ open: 0, cleared: 1 });
  });

  it('raises an overdue task past its age limit, escalates it, and forgets it once done', async () => {
    const monitor = new AlertMonitor(w.t.db, [overdueTasksCheck()]);
    const task = await w.t.db.selectFrom('tasks').select(['id', 'created_at', 'source_bin_id', 'zone_id'])
      .where('type', '=', 'replenish').where('status', '=', 'open').executeTakeFirstOrThrow();
    const created = new Date(task.created_at).getTime();
    const at = (minutes: number) => new Date(created + minutes * MIN);
    expect((await runAt(monitor, at(29))).alerts).toEqual([]); // replenish: 30 min
    const overdue = await runAt(monitor, at(31));
    expect(overdue.alerts).toEqual([expect.objectContaining({ kind: 'task_overdue', severity: 'warning',
      taskId: Number(task.id), taskType: 'replenish', minutes: 31, limit: 30, binId: Number(task.source_bin_id),
      zoneId: Number(task.zone_id), sku: 'BOLT' })]);
    expect((await runAt(monitor, at(60))).alerts).toEqual([]);
    expect((await runAt(monitor, at(121))).alerts.map((a) => [a.kind, a.taskId]))
      .toEqual([['task_overdue_long', Number(task.id)]]);
    expect((await runAt(monitor, at(200))).alerts).toEqual([]);

    await w.ok('POST', `/api/tasks/${task.id}/replenish`, { bin: w.bins.PICK![0]! });
    const done = await runAt(monitor, at(201));
    expect(done.alerts).toEqual([]);
    expect(done.report).toMatchObject({ open: 0, cleared: 1 });
  });

  it('raises a faulted AGV from the live fleet once, and not again when the fleet announced the fault itself', async () => {
    const fleet = await LiveFleet.create(w.t.db, w.warehouseId, () => {}, { agvs: 2, seed: 9, tickMs: 20 });
    const fleets = new Map([[w.warehouseId, fleet]]);
    const monitor = new AlertMonitor(w.t.db, [agvCheck(liveFleetSampler(() => fleets))]);
    expect((await runAt(monitor, later(0))).alerts).toEqual([]);
    const [one, two] = fleet.fleet.state().map((s) => s.id) as [string, string];

    const seq = await lastSeq(w.t);
    fleet.fleet.fault(one, 'lidar');
    await fleet.step(); // the fleet raises its own alert as the fault happens
    expect((await alertsSince(seq)).map((a) => [a.kind, a.agv])).toEqual([['agv_fault', one]]);
    const announced = await runAt(monitor, later(MIN));
    expect(announced.alerts).toEqual([]);
    expect(announced.report).toMatchObject({ open: 1, announced: 1 });
    fleet.fleet.resume(one);
    await fleet.step();
    expect((await runAt(monitor, later(2 * MIN))).report).toMatchObject({ open: 0, cleared: 1 });

    fleet.fleet.fault(two, 'bumper hit'); // the fleet has not stepped since: nobody announced it yet
    const faulted = await runAt(monitor, later(3 * MIN));
    expect(faulted.alerts).toEqual([expect.objectContaining({ kind: 'agv_fault', severity: 'critical', agv: two,
      state: 'fault', source: 'monitor' })]);
    expect(faulted.alerts[0]!.zoneId).toBeUndefined();
    expect((await runAt(monitor, later(4 * MIN))).alerts).toEqual([]);
    fleet.paused = true; // an operator's pause is nobody's fault: nothing raised, nothing cleared
    fleet.fleet.resume(two);
    expect((await runAt(monitor, later(5 * MIN))).report).toMatchObject({ open: 1, cleared: 0 });
  });

  it('runs on its own schedule; its alerts reach the control room, zone-scoped users see their zones\' and AGVs\'', async () => {
    // A fresh world for the standard monitor: expiring stock in storage, a face below min in the pick zone.
    const face = w.bins.PICK![1]!;
    await put('/api/pick-faces', { bin: face, sku: 'BOX', min: 5, max: 20 });
    await gain(face, 'BOX', 2);
    await gain(w.bins.STOR![10]!, 'MILK', 7, { lot: 'L-SCHED', lotExpiry: isoDateIn(2) });
    await w.ok('POST', '/api/users', { username: 'alert-op', password: 'alert-op-pass-1', role: 'operator',
      scopes: [{ warehouse: 'F1', zone: 'PICK' }] });
    const opToken = await w.t.login('alert-op', 'alert-op-pass-1');
    const fleet = await LiveFleet.create(w.t.db, w.warehouseId, () => {}, { agvs: 2, seed: 4, tickMs: 20 });
    const agv = fleet.fleet.state()[0]!.id;
    fleet.fleet.fault(agv, 'estop');

    const errors: unknown[] = [];
    const monitor = createAlertMonitor(w.t.db, () => new Map([[w.warehouseId, fleet]]),
      { firstRunMs: 0, intervalMs: 20, onError: (e) => errors.push(e) });
    const relay = new OutboxRelay(w.t.db, { pollMs: 5 });
    const alertsOf = async (token?: string): Promise<Record<string, any>[]> => (await w.ok('GET',
      '/api/control-room/warehouses/F1/alerts?limit=200', undefined, token)).alerts
      .map((a: any) => a.payload as Record<string, any>);
    const has = (list: Record<string, any>[], kind: string, key: string, value: unknown) =>
      list.some((a) => a.kind === kind && a[key] === value);
    relay.start();
    monitor.start();
    try {
      await waitFor('the monitor to raise, and the relay to publish', async () => {
        const list = await alertsOf();
        return has(list, 'stock_expiring', 'lot', 'L-SCHED') && has(list, 'face_below_min', 'bin', face)
          && has(list, 'agv_fault', 'agv', agv);
      });
    } finally {
      await monitor.stop();
      await relay.stop();
    }
    expect(errors).toEqual([]);
    const all = await alertsOf();
    const unique = new Set(all.filter((a) => a.lot === 'L-SCHED').map((a) => a.kind));
    expect(all.filter((a) => a.lot === 'L-SCHED')).toHaveLength(unique.size); // raised once, not every 20 ms
    const scoped = await alertsOf(opToken);
    expect(has(scoped, 'face_below_min', 'bin', face)).toBe(true);
    expect(has(scoped, 'agv_fault', 'agv', agv)).toBe(true);
    expect(scoped.some((a) => a.lot === 'L-SCHED')).toBe(false); // storage is not theirs
    const pickZone = await zoneId('PICK');
    expect(scoped.filter((a) => typeof a.zoneId === 'number').every((a) => a.zoneId === pickZone)).toBe(true);
    expect(all.some((a) => typeof a.zoneId === 'number' && a.zoneId !== pickZone)).toBe(true);
  });
  it('a short pick raises its alert where it happens, with the bin, SKU and task for fly-to and zone scoping', async () => {
    const bin = w.bins.STOR![12]!;
    await gain(bin, 'BOX', 6);
    const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-SHORT', type: 'sales',
      owner: 'OWN1', customer: 'CUS1', lines: [{ sku: 'BOX', qty: 6 }] });
    await w.ok('POST', `/api/outbound-orders/${order.id}/allocate`);
    await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['SO-SHORT'] });
    const task = await w.t.db.selectFrom('tasks as t').innerJoin('bins as b', 'b.id', 't.source_bin_id')
      .select(['t.id', 't.qty', 'b.code', 'b.id as binId']).where('t.type', '=', 'pick').where('t.status', '=', 'open')
      .orderBy('t.id', 'desc').executeTakeFirstOrThrow(); // the wave's pick task (allocation chose the bin)
    const seq = await lastSeq(w.t);
    await w.ok('POST', `/api/tasks/${task.id}/pick`, { bin: task.code, item: 'BOX', qty: 1, short: true });
    expect(await alertsSince(seq)).toEqual([expect.objectContaining({ kind: 'short_pick', severity: 'warning',
      bin: task.code, binId: Number(task.binId), sku: 'BOX', missing: Number(task.qty) - 1, taskId: Number(task.id) })]);
  });
});
