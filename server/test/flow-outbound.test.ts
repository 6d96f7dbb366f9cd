import { describe, expect, it } from 'vitest';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { backends } from './harness.ts';
import { eventsSince, isoDateIn, lastSeq, stockOf, useFlowWorld } from './flow-fixtures.ts';

/**
 * Order -> allocate -> wave -> pick -> pack -> ship, and a short pick, end to end through the HTTP API,
 * checking stock, reservations, ledger, tasks and outbox events at each step.
 */
describe.each(backends)('outbound flow on $name', (backend) => {
  const w = useFlowWorld(backend);
  let orderId: number;
  let pickTasks: any[];

  const gain = (bin: string, sku: string, qty: number, lot?: string, lotExpiry?: string) =>
    w.ok('POST', '/api/inventory/adjustments', { bin, sku, qty, owner: 'OWN1', reason: 'opening stock',
      ...(lot ? { lot, lotExpiry } : {}) });

  it('stocks the warehouse: two MILK lots with different expiry, BOX in two bins', async () => {
    const { STOR, PICK } = w.bins;
    await gain(STOR![0]!, 'MILK', 40, 'LATE', isoDateIn(28));
    await gain(STOR![5]!, 'MILK', 20, 'EARLY', isoDateIn(12));
    await gain(STOR![9]!, 'MILK', 50, 'TOO-SHORT', isoDateIn(3)); // under the customer's 5 days
    await gain(PICK![0]!, 'BOX', 8);
    await gain(STOR![3]!, 'BOX', 30);
  });

  it('allocates by FEFO (never the too-short-dated lot) and FIFO, and ATP drops at once', async () => {
    const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-1', type: 'sales',
      owner: 'OWN1', customer: 'CUS1', carrier: 'SF', lines: [{ sku: 'MILK', qty: 30 }, { sku: 'BOX', qty: 12 }] });
    orderId = order.id;
    const seq = await lastSeq(w.t);
    const r = await w.ok('POST', `/api/outbound-orders/${orderId}/allocate`);
    expect(r.status).toBe('allocated');
    expect(r.lines).toEqual([
      { lineNo: 1, sku: 'MILK', strategy: 'fefo', allocated: 30, backorder: 0 },
      { lineNo: 2, sku: 'BOX', strategy: 'fifo', allocated: 12, backorder: 0 },
    ]);
    const detail = await w.ok('GET', `/api/outbound-orders/${orderId}`);
    expect(detail.allocations.filter((a: any) => a.lineNo === 1).map((a: any) => [a.lot, a.qty]))
      .toEqual([['EARLY', 20], ['LATE', 10]]);
    const atp = await w.ok('GET', '/api/stock/atp?sku=MILK');
    expect(JSON.stringify(atp)).toContain('"reserved":30');
    expect((await eventsSince(w.t, seq)).filter((e) => e.type === 'stock.reserved')).toHaveLength(4);
  });

  it('leaves a backorder when stock runs out', async () => {
    const o = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-BIG', type: 'issue',
      owner: 'OWN1', lines: [{ sku: 'BOX', qty: 100 }] });
    const r = await w.ok('POST', `/api/outbound-orders/${o.id}/allocate`);
    expect(r).toMatchObject({ status: 'backordered', lines: [{ allocated: 26, backorder: 74 }] });
  });

  it('releases a wave: a routed pick list, one task per allocation in route order', async () => {
    const wave = await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['SO-1'] });
    expect(wave.pickLists).toHaveLength(1);
    const list = await w.ok('GET', `/api/pick-lists/${wave.pickLists[0].id}`);
    expect(list.distanceM).toBeGreaterThan(0);
    expect(list.routeMethod).toBeTruthy();
    expect(list.stops).toHaveLength(4);
    expect(list.stops.map((s: any) => s.seq)).toEqual([1, 2, 3, 4]);
    pickTasks = list.stops;
    expect((await w.ok('GET', `/api/outbound-orders/${orderId}`)).status).toBe('released');
  });

  it('refuses each wrong scan with its own message and writes nothing', async () => {
    const milk = pickTasks.find((s) => s.sku === 'MILK')!;
    const seq = await lastSeq(w.t);
    const tries: [object, number, string, string][] = [
      [{ bin: w.bins.STOR![1], item: 'MILK', lot: milk.lot, qty: 1 }, 422, 'body.bin', 'wrong bin'],
      [{ bin: milk.bin, item: 'BOX', qty: 1 }, 422, 'body.item', 'wrong item'],
      [{ bin: milk.bin, item: 'MILK', lot: 'OTHER', qty: 1 }, 422, 'body.lot', 'wrong lot'],
      [{ bin: milk.bin, item: 'MILK', qty: 1 }, 400, 'body.lot', 'lot-tracked'],
      [{ bin: milk.bin, item: 'MILK', lot: milk.lot, qty: milk.qty + 1 }, 422, 'body.qty', 'more than allocated'],
      [{ bin: milk.bin, qty: 1 }, 400, 'body.item', 'scan the item'],
    ];
    for (const [body, status, field, words] of tries) {
      const res = await w.api('POST', `/api/tasks/${milk.taskId}/pick`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.field).toBe(field);
      expect(res.body.detail).toContain(words);
    }
    expect(await eventsSince(w.t, seq)).toEqual([]);
  });

  it('picks every stop to the staging lane, keeping the reservation for the order', async () => {
    for (const stop of pickTasks) {
      const seq = await lastSeq(w.t);
      const r = await w.ok('POST', `/api/tasks/${stop.taskId}/pick`,
        { bin: stop.bin, item: stop.sku, ...(stop.lot ? { lot: stop.lot } : {}), qty: stop.qty });
      expect(r.status).toBe('done');
      const types = (await eventsSince(w.t, seq)).map((e) => e.type);
      expect(types.slice(0, 2)).toEqual(['stock.changed', 'task.updated']);
    }
    const order = await w.ok('GET', `/api/outbound-orders/${orderId}`);
    expect(order.status).toBe('picked');
    // The pick face gave its last 8 BOX and the EARLY lot's bin its last 20 MILK: dynamic counts confirm both empty.
    const counts = (await w.ok('GET', '/api/tasks?type=count')).items;
    expect(counts.map((c: any) => [c.sourceBin, c.details.trigger]).sort())
      .toEqual([[w.bins.PICK![0], 'bin_empty'], [w.bins.STOR![5], 'bin_empty']].sort());
    const staged = (await stockOf(w.t, 'MILK')).filter((s) => s.bin === order.stagingBin);
    expect(staged.map((s) => [s.lot, s.qty, s.reserved])).toEqual(expect.arrayContaining([['EARLY', 20, 20], ['LATE', 10, 10]]));
  });

  it('packs (contents must match the picks) and ships: stock leaves, the TMS event carries the shipment', async () => {
    const mismatch = await w.api('POST', `/api/outbound-orders/${orderId}/pack`, { cartons: [{ weightKg: 30,
      contents: [{ sku: 'MILK', lot: 'EARLY', qty: 20 }, { sku: 'MILK', lot: 'LATE', qty: 10 }, { sku: 'BOX', qty: 11 }] }] });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.detail).toContain('BOX');
    const early = await w.api('POST', `/api/outbound-orders/${orderId}/ship`, { trackingNo: 'SF123' });
    expect(early.status).toBe(409);
    await w.ok('POST', `/api/outbound-orders/${orderId}/pack`, { cartons: [
      { weightKg: 22, contents: [{ sku: 'MILK', lot: 'EARLY', qty: 20 }] },
      { weightKg: 25, contents: [{ sku: 'MILK', lot: 'LATE', qty: 10 }, { sku: 'BOX', qty: 12 }] }] });
    const seq = await lastSeq(w.t);
    const shipped = await w.ok('POST', `/api/outbound-orders/${orderId}/ship`, { trackingNo: 'SF123' });
    expect(shipped).toMatchObject({ status: 'shipped', carrier: 'SF', cartons: 2, weightKg: 47 });
    const events = await eventsSince(w.t, seq);
    expect(events.map((e) => e.type)).toEqual(['stock.changed', 'outbound.updated', 'shipment.shipped']);
    expect(events[2]!.payload).toMatchObject({ order: 'SO-1', customer: 'CUS1', carrier: 'SF', trackingNo: 'SF123' });
    const order = await w.ok('GET', `/api/outbound-orders/${orderId}`);
    expect((await stockOf(w.t, 'MILK')).filter((s) => s.bin === order.stagingBin)).toEqual([]);
    expect(order.lines.map((l: any) => l.shippedQty)).toEqual([30, 12]);
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });

  it('short pick: records the shortfall, orders a count of the bin, re-allocates elsewhere', async () => {
    // SO-BIG holds the 26 BOX left in storage (FIFO gave SO-1 the older pick-face stock); a late find of 10
    // elsewhere arrives, then the picker finds only 3 in the allocated bin.
    const big = (await w.ok('GET', '/api/outbound-orders?status=backordered')).items.find((o: any) => o.code === 'SO-BIG');
    await w.ok('POST', '/api/inventory/adjustments', { bin: w.bins.STOR![7], sku: 'BOX', qty: 10, owner: 'OWN1',
      reason: 'late find' });
    const wave = await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'batch', orders: ['SO-BIG'] });
    const list = await w.ok('GET', `/api/pick-lists/${wave.pickLists[0].id}`);
    const face = list.stops.find((s: any) => s.bin === w.bins.STOR![3]);
    const seq = await lastSeq(w.t);
    const r = await w.ok('POST', `/api/tasks/${face.taskId}/pick`, { bin: face.bin, item: 'BOX', qty: 3, short: true });
    expect(r).toMatchObject({ status: 'done', picked: 3, short: face.qty - 3 });
    expect(r.reallocated.pickTasks.length).toBeGreaterThan(0);
    const types = (await eventsSince(w.t, seq)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['alert', 'task.created', 'stock.reserved']));
    const count = await w.ok('GET', `/api/tasks/${r.reallocated.countTaskId}`);
    expect(count).toMatchObject({ type: 'count', sourceBin: face.bin, status: 'open' });
    const order = await w.ok('GET', `/api/outbound-orders/${big.id}`);
    expect(order.allocations.some((a: any) => a.status === 'short' && a.bin === face.bin)).toBe(true);
    expect(order.allocations.filter((a: any) => a.status === 'open').every((a: any) => a.bin !== face.bin)).toBe(true);
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });
});
