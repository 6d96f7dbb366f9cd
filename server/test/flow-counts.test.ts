import { describe, expect, it } from 'vitest';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { backends } from './harness.ts';
import { eventsSince, isoDateIn, lastSeq, stockOf, useFlowWorld } from './flow-fixtures.ts';

/**
 * Counting end to end through the HTTP API: a blind dynamic count with recounts and approval (ledger
 * gain and loss, alerts, tasks closed), the reserved-stock guard, a periodic count freezing its zone,
 * accuracy per zone, cycle counts by ABC class, and the count a short pick orders.
 */

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) { into.add(k); keysOf(v, into); }
  }
  return into;
}

describe.each(backends)('count flow on $name', (backend) => {
  const w = useFlowWorld(backend);
  let counter: string;
  let manager: string;
  const S = (i: number) => w.bins.STOR![i]!;
  const C = (i: number) => w.bins.COLD![i]!;
  const P = (i: number) => w.bins.PICK![i]!;

  const gain = (bin: string, sku: string, qty: number, lot?: string, lotExpiry?: string) =>
    w.ok('POST', '/api/inventory/adjustments', { bin, sku, qty, owner: 'OWN1', reason: 'opening stock',
      ...(lot ? { lot, lotExpiry } : {}) });
  const qtyIn = async (bin: string, sku: string) =>
    (await stockOf(w.t, sku)).filter((s) => s.bin === bin).reduce((a, s) => a + Number(s.qty), 0);
  const taskOf = (count: any, bin: string) => count.lines.find((l: any) => l.bin === bin).taskId as number;
  const ledgerOf = (docRef: string) => w.t.db.selectFrom('ledger_entries as le')
    .innerJoin('movements as m', 'm.id', 'le.movement_id').innerJoin('bins as b', 'b.id', 'le.bin_id')
    .innerJoin('skus as s', 's.id', 'le.sku_id').select(['le.type', 'b.code as bin', 's.code as sku', 'le.qty_delta',
      'le.qty_before', 'le.qty_after', 'm.reason']).where('m.doc_ref', '=', docRef).orderBy('le.id').execute();
  const taskStatuses = async (ids: number[]) => (await w.t.db.selectFrom('tasks').select('status')
    .where('id', 'in', ids).execute()).map((t) => t.status);

  it('stocks the warehouse and creates a counter and a manager', async () => {
    await gain(S(0), 'BOX', 20);
    await gain(S(1), 'BOLT', 50);
    await gain(S(5), 'BOLT', 30);
    await gain(P(0), 'BOX', 8);
    await gain(C(0), 'MILK', 10, 'L1', isoDateIn(20));
    await w.ok('POST', '/api/users', { username: 'counter', password: 'counter-password-1', role: 'operator',
      scopes: [{ warehouse: 'F1' }] });
    await w.ok('POST', '/api/users', { username: 'boss', password: 'manager-password-1', role: 'manager' });
    counter = await w.t.login('counter', 'counter-password-1');
    manager = await w.t.login('boss', 'manager-password-1');
  });

  let dynamic: any;
  it('starts a dynamic count: a line per balance, a count task per bin, no stock touched', async () => {
    const seq = await lastSeq(w.t);
    dynamic = await w.ok('POST', '/api/counts', { warehouse: 'F1', kind: 'dynamic', bins: [S(0), S(1)] });
    expect(dynamic).toMatchObject({ kind: 'dynamic', status: 'open', blind: true, tolerancePct: 0, freeze: false,
      frozenBins: 0, summary: { lines: 2, counted: 0 } });
    expect(dynamic.code).toMatch(/^DC-\d+$/);
    expect(dynamic.tasks).toHaveLength(2);
    const events = await eventsSince(w.t, seq);
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.created']);
    const tasks = (await w.ok('GET', '/api/tasks?type=count', undefined, counter)).items;
    expect(tasks.map((t: any) => t.sourceBin).sort()).toEqual([S(0), S(1)].sort());
    const again = await w.api('POST', '/api/counts', { warehouse: 'F1', kind: 'dynamic', bins: [S(1)] });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ field: 'body.bins[0]' });
    expect(again.body.detail).toContain(dynamic.code);
  });

  it('is blind: the counter never sees the book, a variance asks for a recount, the recount is final', async () => {
    const box = taskOf(dynamic, S(0));
    const wrong = await w.api('POST', `/api/tasks/${box}/count`, { bin: S(1), item: 'BOX', qty: 1 }, counter);
    expect(wrong.status).toBe(422);
    expect(wrong.body.field).toBe('body.bin');
    const seq = await lastSeq(w.t);
    const first = await w.ok('POST', `/api/tasks/${box}/count`, { bin: S(0), item: 'BOX', qty: 18 }, counter);
    expect(first).toMatchObject({ recount: true, countStatus: 'counting', lines: [{ sku: 'BOX', status: 'recount' }] });
    expect(keysOf(first)).not.toContain('expected');
    expect(keysOf(first)).not.toContain('variance');
    const view = await w.ok('GET', `/api/counts/${dynamic.id}`, undefined, counter);
    expect(keysOf(view.lines)).not.toContain('expected_qty');
    expect(keysOf(view.lines)).not.toContain('variance');
    const managerView = await w.ok('GET', `/api/counts/${dynamic.id}`, undefined, manager);
    expect(managerView.lines.find((l: any) => l.bin === S(0))).toMatchObject({ expectedQty: 20, status: 'recount' });

    const second = await w.ok('POST', `/api/tasks/${box}/count`, { bin: S(0), item: 'BOX', qty: 17 }, counter);
    expect(second).toMatchObject({ recount: false, lines: [{ status: 'counted', recount: true, counted: 17 }], binLeft: 0 });
    expect(keysOf(second)).not.toContain('expected');
    const third = await w.api('POST', `/api/tasks/${box}/count`, { bin: S(0), item: 'BOX', qty: 17 }, counter);
    expect(third.status).toBe(409);
    expect((await eventsSince(w.t, seq)).map((e) => e.type)).toEqual(['task.updated', 'task.updated']);

    const bolt = taskOf(dynamic, S(1));
    expect(await w.ok('POST', `/api/tasks/${bolt}/count`, { bin: S(1), item: 'BOLT', qty: 52 }, counter))
      .toMatchObject({ recount: true });
    const done = await w.ok('POST', `/api/tasks/${bolt}/count`, { bin: S(1), item: 'BOLT', qty: 52 }, counter);
    expect(done).toMatchObject({ countStatus: 'review', recount: false });
    // Counting is over: now the counter may see the book too.
    const review = await w.ok('GET', `/api/counts/${dynamic.id}`, undefined, counter);
    expect(review.status).toBe('review');
    expect(review.lines.map((l: any) => [l.bin, l.sku, l.expectedQty, l.countedQty, l.recountQty, l.finalQty, l.variance]))
      .toEqual([[S(0), 'BOX', 20, 18, 17, 17, -3], [S(1), 'BOLT', 50, 52, 52, 52, 2]]);
    // Nothing is posted before approval.
    expect(await qtyIn(S(0), 'BOX')).toBe(20);
    expect(await taskStatuses(dynamic.tasks)).toEqual(['in_progress', 'in_progress']);
  });

  it('approval by a manager posts the loss and the gain, raises alerts, closes the tasks', async () => {
    const denied = await w.api('POST', `/api/counts/${dynamic.id}/approve`, undefined, counter);
    expect(denied.status).toBe(403);
    const seq = await lastSeq(w.t);
    const r = await w.ok('POST', `/api/counts/${dynamic.id}/approve`, undefined, manager);
    expect(r).toMatchObject({ status: 'approved', variances: [{ bin: S(0), sku: 'BOX', variance: -3 },
      { bin: S(1), sku: 'BOLT', variance: 2 }] });
    expect(await ledgerOf(dynamic.code)).toEqual([
      { type: 'count_variance', bin: S(0), sku: 'BOX', qty_delta: -3, qty_before: 20, qty_after: 17,
        reason: `count ${dynamic.code}` },
      { type: 'count_variance', bin: S(1), sku: 'BOLT', qty_delta: 2, qty_before: 50, qty_after: 52,
        reason: `count ${dynamic.code}` },
    ]);
    expect(await qtyIn(S(0), 'BOX')).toBe(17);
    expect(await qtyIn(S(1), 'BOLT')).toBe(52);
    const events = await eventsSince(w.t, seq);
    expect(events.map((e) => e.type)).toEqual(['stock.changed', 'alert', 'alert', 'task.updated', 'task.updated']);
    expect(events[1]!.payload).toMatchObject({ kind: 'count_variance', bin: S(0), sku: 'BOX', expected: 20, counted: 17,
      variance: -3 });
    expect(await taskStatuses(dynamic.tasks)).toEqual(['done', 'done']);
    const again = await w.api('POST', `/api/counts/${dynamic.id}/approve`, undefined, manager);
    expect(again.status).toBe(409);
    expect(again.body.field).toBe('params.id');
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });

  it('never posts a loss into reserved stock: 409 naming the line; a cancel posts nothing', async () => {
    const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-RES', type: 'issue',
      owner: 'OWN1', lines: [{ sku: 'BOLT', qty: 60 }] });
    expect((await w.ok('POST', `/api/outbound-orders/${order.id}/allocate`)).status).toBe('allocated');
    expect((await stockOf(w.t, 'BOLT')).find((s) => s.bin === S(1))).toMatchObject({ qty: 52, reserved: 52 });
    const count = await w.ok('POST', '/api/counts', { warehouse: 'F1', kind: 'dynamic', bins: [S(1)], code: 'DC-RES' });
    const task = taskOf(count, S(1));
    await w.ok('POST', `/api/tasks/${task}/count`, { bin: S(1), item: 'BOLT', qty: 45 }, counter);
    await w.ok('POST', `/api/tasks/${task}/count`, { bin: S(1), item: 'BOLT', qty: 45 }, counter);
    const seq = await lastSeq(w.t);
    const refused = await w.api('POST', `/api/counts/${count.id}/approve`, undefined, manager);
    expect(refused.status).toBe(409);
    expect(refused.body.field).toBe('body.lines[0]');
    expect(refused.body.detail).toContain(`line ${count.lines[0].id}`);
    expect(refused.body.detail).toContain('reserved');
    expect(await eventsSince(w.t, seq)).toEqual([]);
    const cancelled = await w.ok('POST', `/api/counts/${count.id}/cancel`, { reason: 'order to ship first' }, manager);
    expect(cancelled.status).toBe('cancelled');
    expect(await taskStatuses([task])).toEqual(['cancelled']);
    expect(await qtyIn(S(1), 'BOLT')).toBe(52);
    expect(await ledgerOf('DC-RES')).toEqual([]);
  });

  let periodic: any;
  it('a periodic count freezes its zone: nothing moves in or out while it runs', async () => {
    periodic = await w.ok('POST', '/api/counts', { warehouse: 'F1', kind: 'periodic', zone: 'COLD' }, manager);
    expect(periodic).toMatchObject({ kind: 'periodic', zone: 'COLD', freeze: true, frozenBins: 4, summary: { lines: 4 } });
    expect(periodic.lines.map((l: any) => [l.bin, l.sku])).toEqual([[C(0), 'MILK'], [C(1), null], [C(2), null], [C(3), null]]);
    const frozen = await w.t.db.selectFrom('bins').select('frozen').where('code', 'in', w.bins.COLD!).execute();
    expect(frozen.every((b) => b.frozen)).toBe(true);
    const seq = await lastSeq(w.t);
    const moveIn = await w.api('POST', '/api/inventory/moves', { fromBin: S(5), toBin: C(1), sku: 'BOLT', qty: 5 });
    expect(moveIn.status).toBe(409);
    expect(moveIn.body.field).toBe('body.toBin');
    expect(moveIn.body.detail).toContain(`bin ${C(1)} is frozen for a stock count`);
    const moveOut = await w.api('POST', '/api/inventory/moves', { fromBin: C(0), toBin: S(6), sku: 'MILK', qty: 1 });
    expect(moveOut.status).toBe(409);
    expect(moveOut.body.field).toBe('body.fromBin');
    const scrap = await w.api('POST', '/api/inventory/scrap', { bin: C(0), sku: 'MILK', qty: 1, reason: 'torn' });
    expect(scrap.status).toBe(409);
    expect(scrap.body.detail).toContain('frozen');
    expect(await eventsSince(w.t, seq)).toEqual([]);
  });

  it('counts the zone: exact lot, empty bins, found stock; approval gains it and unfreezes', async () => {
    const lot = await w.api('POST', `/api/tasks/${taskOf(periodic, C(0))}/count`, { bin: C(0), item: 'MILK', qty: 10 },
      counter);
    expect(lot.status).toBe(400);
    expect(lot.body.field).toBe('body.lot');
    expect(await w.ok('POST', `/api/tasks/${taskOf(periodic, C(0))}/count`,
      { bin: C(0), item: 'MILK', lot: 'L1', qty: 10 }, counter)).toMatchObject({ recount: false, binLeft: 0 });
    for (const i of [1, 3]) {
      expect(await w.ok('POST', `/api/tasks/${taskOf(periodic, C(i))}/count`, { bin: C(i), qty: 0 }, counter))
        .toMatchObject({ recount: false, lines: [{ sku: null, status: 'counted' }] });
    }
    const found = taskOf(periodic, C(2));
    expect(await w.ok('POST', `/api/tasks/${found}/count`, { bin: C(2), item: 'BOX', qty: 2 }, counter))
      .toMatchObject({ recount: true, lines: [{ sku: 'BOX', owner: 'OWN1' }] });
    expect(await w.ok('POST', `/api/tasks/${found}/count`, { bin: C(2), item: 'BOX', qty: 2 }, counter))
      .toMatchObject({ countStatus: 'review' });
    const r = await w.ok('POST', `/api/counts/${periodic.id}/approve`, undefined, manager);
    expect(r).toMatchObject({ unfrozen: 4, variances: [{ bin: C(2), sku: 'BOX', expected: 0, counted: 2, variance: 2 }] });
    expect(await ledgerOf(periodic.code)).toMatchObject([{ type: 'count_variance', bin: C(2), sku: 'BOX', qty_delta: 2 }]);
    expect(await qtyIn(C(2), 'BOX')).toBe(2);
    const blocked = await w.t.db.selectFrom('bins').select('blocked').where('code', 'in', w.bins.COLD!).execute();
    expect(blocked.some((b) => b.blocked)).toBe(false);
    await w.ok('POST', '/api/inventory/moves', { fromBin: S(5), toBin: C(1), sku: 'BOLT', qty: 5 });
    expect(await qtyIn(C(1), 'BOLT')).toBe(5);
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });

  it('reports inventory accuracy per zone over approved counts', async () => {
    const acc = await w.ok('GET', '/api/counts/accuracy?warehouse=F1', undefined, counter);
    expect(acc.zones).toEqual([
      { zone: 'COLD', name: 'Chilled', counts: 1, linesCounted: 4, linesExact: 3, accuracyPct: 75, unitsExpected: 10,
        unitsVariance: 2, netVariance: 2 },
      { zone: 'STOR', name: 'Storage', counts: 1, linesCounted: 2, linesExact: 0, accuracyPct: 0, unitsExpected: 70,
        unitsVariance: 5, netVariance: -1 },
    ]);
    expect(acc.total).toMatchObject({ linesCounted: 6, linesExact: 3, accuracyPct: 50 });
    const list = (await w.ok('GET', '/api/counts?warehouse=F1')).items;
    expect(list.map((c: any) => c.status)).toEqual(['approved', 'cancelled', 'approved']);
  });

  it('schedules cycle counts by ABC class: never counted now, A after 30 days, C not within a year', async () => {
    const first = await w.ok('POST', '/api/counts/cycle/schedule', { warehouse: 'F1' }, manager);
    // Never counted: the pick face (BOX, A) and S5 (BOLT, C). Counted today: S0, S1, C0-C3.
    expect(Object.fromEntries(first.due.map((d: any) => [d.bin, [d.class, d.lastCounted]])))
      .toEqual({ [S(5)]: ['C', null], [P(0)]: ['A', null] });
    expect(first.count).toMatchObject({ kind: 'cycle', trigger: 'abc_schedule', status: 'open', freeze: false });
    // No duplicate: the due bins are being counted.
    const none = await w.ok('POST', '/api/counts/cycle/schedule', { warehouse: 'F1' }, manager);
    expect(none.count).toBeNull();
    await w.ok('POST', `/api/counts/${first.count.id}/cancel`, {}, manager);

    // Forty days on: the A bins counted back then are due again, the C bins are not.
    await w.t.db.updateTable('counts').set({ approved_at: new Date(Date.now() - 40 * 86_400_000) })
      .where('status', '=', 'approved').execute();
    const later = await w.ok('POST', '/api/counts/cycle/schedule', { warehouse: 'F1' }, manager);
    const due = Object.fromEntries(later.due.map((d: any) => [d.bin, d.class]));
    expect(due).toEqual({ [S(0)]: 'A', [S(5)]: 'C', [P(0)]: 'A', [C(2)]: 'A' });
    expect(later.due.find((d: any) => d.bin === S(0)).lastCounted).not.toBeNull();
    await w.ok('POST', `/api/counts/${later.count.id}/cancel`, {}, manager);
  });

  it('the count a short pick orders is a dynamic count the counter executes', async () => {
    // BOX: S0 17 (oldest), P0 8, C2 2. The picker finds 2 of the 5 allocated in S0.
    const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-SP', type: 'issue',
      owner: 'OWN1', lines: [{ sku: 'BOX', qty: 5 }] });
    await w.ok('POST', `/api/outbound-orders/${order.id}/allocate`);
    const wave = await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['SO-SP'] });
    const list = await w.ok('GET', `/api/pick-lists/${wave.pickLists[0].id}`);
    const stop = list.stops.find((s: any) => s.bin === S(0));
    const short = await w.ok('POST', `/api/tasks/${stop.taskId}/pick`, { bin: S(0), item: 'BOX', qty: 2, short: true });
    const countTask = short.reallocated.countTaskId;
    expect(await w.ok('GET', `/api/tasks/${countTask}`)).toMatchObject({ type: 'count', refType: 'short_pick' });
    expect(await qtyIn(S(0), 'BOX')).toBe(15);

    const seq = await lastSeq(w.t);
    const first = await w.ok('POST', `/api/tasks/${countTask}/count`, { bin: S(0), qty: 0 }, counter);
    expect(first).toMatchObject({ recount: true, lines: [{ sku: 'BOX', status: 'recount' }] });
    expect(keysOf(first)).not.toContain('expected');
    const count = await w.ok('GET', `/api/counts/${first.countId}`, undefined, manager);
    expect(count).toMatchObject({ kind: 'dynamic', trigger: 'short_pick', tasks: [countTask],
      lines: [{ bin: S(0), sku: 'BOX', expectedQty: 15, countedQty: 0 }] });
    expect(await w.ok('POST', `/api/tasks/${countTask}/count`, { bin: S(0), qty: 0 }, counter))
      .toMatchObject({ countStatus: 'review' });
    await w.ok('POST', `/api/counts/${first.countId}/approve`, undefined, manager);
    expect(await qtyIn(S(0), 'BOX')).toBe(0);
    expect(await ledgerOf(count.code)).toMatchObject([{ type: 'count_variance', bin: S(0), sku: 'BOX', qty_delta: -15 }]);
    expect(await taskStatuses([countTask])).toEqual(['done']);
    const types = (await eventsSince(w.t, seq)).map((e) => e.type);
    expect(types).toEqual(['task.updated', 'task.updated', 'stock.changed', 'alert', 'task.updated']);
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });
});
