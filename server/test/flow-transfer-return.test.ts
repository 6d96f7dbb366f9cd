import { describe, expect, it } from 'vitest';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { backends } from './harness.ts';
import { eventsSince, isoDateIn, lastSeq, stockOf, useFlowWorld } from './flow-fixtures.ts';

/**
 * Transfer out -> in transit -> received at the other warehouse, and customer returns with each
 * disposition, end to end through the HTTP API.
 */
describe.each(backends)('transfer and return flows on $name', (backend) => {
  const w = useFlowWorld(backend);
  let transferOrder: number;

  it('ships a transfer-out: the stock leaves F1 and is in transit, owned, not available', async () => {
    await w.ok('POST', '/api/warehouses', { code: 'F2', name: 'Second site', zones: [
      { code: 'S', name: 'Storage', kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 8 }, aisles: 1,
        racksPerAisle: 2, levels: 1, binsPerLevel: 2, bin: { width: 1, depth: 1, height: 1, maxWeightKg: 500 } },
      { code: 'G', name: 'Dock lanes', kind: 'staging', temperature: 'ambient', origin: { x: 10, y: 8 }, aisles: 1,
        racksPerAisle: 1, levels: 1, binsPerLevel: 2, bin: { width: 1.2, depth: 1.2, height: 2, maxWeightKg: 2000 } }] });
    await w.ok('POST', '/api/inventory/adjustments', { bin: w.bins.STOR![2], sku: 'MILK', qty: 30, owner: 'OWN1',
      reason: 'stock', lot: 'T-1', lotExpiry: isoDateIn(20) });
    const bad = await w.api('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'TO-X', type: 'transfer_out',
      owner: 'OWN1', lines: [{ sku: 'MILK', qty: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body.toWarehouse');
    const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'TO-1', type: 'transfer_out',
      owner: 'OWN1', toWarehouse: 'F2', carrier: 'OWN-TRUCK', lines: [{ sku: 'MILK', qty: 18 }] });
    transferOrder = order.id;
    expect(order.toWarehouse).toBe('F2');
    await w.ok('POST', `/api/outbound-orders/${order.id}/allocate`);
    const wave = await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['TO-1'] });
    const list = await w.ok('GET', `/api/pick-lists/${wave.pickLists[0].id}`);
    for (const stop of list.stops) {
      await w.ok('POST', `/api/tasks/${stop.taskId}/pick`, { bin: stop.bin, item: 'MILK', lot: stop.lot, qty: stop.qty });
    }
    await w.ok('POST', `/api/outbound-orders/${order.id}/pack`, { cartons: [{ weightKg: 20,
      contents: [{ sku: 'MILK', lot: 'T-1', qty: 18 }] }] });
    const seq = await lastSeq(w.t);
    const shipped = await w.ok('POST', `/api/outbound-orders/${order.id}/ship`, { trackingNo: 'TRUCK-7' });
    expect(shipped.transfer).toMatchObject({ code: 'TR-TO-1' });
    const events = await eventsSince(w.t, seq);
    expect((events[0]!.payload as any).type).toBe('transfer_out');
    expect(events.map((e) => e.type)).toContain('shipment.shipped');
    const atp = await w.ok('GET', '/api/stock/atp?sku=MILK');
    expect(atp.inTransit).toBe(18);
    expect(atp.transit).toEqual([{ transfer: 'TR-TO-1', from: 'F1', to: 'F2', owner: 'OWN1', qty: 18 }]);
    expect(atp.onHand).toBe(12);
    const transfer = await w.ok('GET', `/api/transfers/${(await w.ok('GET', '/api/transfers')).items[0].id}`);
    expect(transfer).toMatchObject({ status: 'in_transit', from: 'F1', to: 'F2' });
    expect(transfer.lines).toEqual([{ sku: 'MILK', lot: 'T-1', owner: 'OWN1', qtyShipped: 18, qtyReceived: 0, inTransit: 18 }]);
  });

  it('receives the transfer at F2 against the transfer-in order the shipment created', async () => {
    const inbound = (await w.ok('GET', '/api/inbound-orders?warehouse=F2')).items[0];
    expect(inbound).toMatchObject({ code: 'TR-TO-1', type: 'transfer_in', status: 'open' });
    const detail = await w.ok('GET', `/api/inbound-orders/${inbound.id}`);
    expect(detail.lines).toMatchObject([{ sku: 'MILK', expectedQty: 18, lotNo: 'T-1' }]);
    const seq = await lastSeq(w.t);
    const r = await w.ok('POST', `/api/inbound-orders/${inbound.id}/receipts`, { scan: 'MILK', lot: 'T-1', qty: 16 });
    expect(r).toMatchObject({ status: 'available', bin: expect.stringMatching(/^F2-A02-/), next: { type: 'putaway' } });
    expect(((await eventsSince(w.t, seq))[0]!.payload as any).type).toBe('transfer_in');
    expect((await w.ok('GET', '/api/stock/atp?sku=MILK')).inTransit).toBe(2);
    const closed = await w.ok('POST', `/api/inbound-orders/${inbound.id}/close`, { note: '2 lost on the way' });
    expect(closed.discrepancies).toMatchObject([{ kind: 'short', expectedQty: 18, receivedQty: 16 }]);
    const transfers = (await w.ok('GET', '/api/transfers?status=received')).items;
    expect(transfers.map((t: any) => t.code)).toEqual(['TR-TO-1']);
    expect((await w.ok('GET', '/api/stock/atp?sku=MILK')).inTransit).toBe(0);
    expect((await w.ok('GET', `/api/outbound-orders/${transferOrder}`)).status).toBe('shipped');
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });

  it('takes customer returns with restock, QC and scrap dispositions', async () => {
    const ret = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'RMA-1', type: 'return',
      owner: 'OWN1', customer: 'CUS1', lines: [{ sku: 'BOX', qty: 5 }, { sku: 'MILK', qty: 3 }] });
    const missing = await w.api('POST', `/api/inbound-orders/${ret.id}/receipts`, { scan: 'BOX', qty: 2 });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('body.disposition');
    const restock = await w.ok('POST', `/api/inbound-orders/${ret.id}/receipts`, { scan: 'BOX', qty: 2, disposition: 'restock' });
    expect(restock).toMatchObject({ status: 'available', next: { type: 'putaway' } });
    const inspect = await w.ok('POST', `/api/inbound-orders/${ret.id}/receipts`, { scan: 'BOX', qty: 3, disposition: 'qc' });
    expect(inspect).toMatchObject({ status: 'qc', next: { type: 'qc' } });
    const seq = await lastSeq(w.t);
    // Expired milk comes back: it may only be scrapped.
    const refused = await w.api('POST', `/api/inbound-orders/${ret.id}/receipts`,
      { scan: 'MILK', lot: 'OLD-1', expiry: isoDateIn(-3), qty: 3, disposition: 'restock' });
    expect(refused.status).toBe(422);
    const scrap = await w.ok('POST', `/api/inbound-orders/${ret.id}/receipts`,
      { scan: 'MILK', lot: 'OLD-1', expiry: isoDateIn(-3), qty: 3, disposition: 'scrap' });
    expect(scrap).toMatchObject({ status: 'damaged', next: { type: 'scrapped' } });
    const moves = (await eventsSince(w.t, seq, ['stock.changed'])).map((e) => (e.payload as any).type);
    expect(moves).toEqual(['receipt', 'scrap']);
    expect((await stockOf(w.t, 'MILK')).filter((s) => s.lot === 'OLD-1')).toEqual([]);
    const plain = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-9', type: 'purchase',
      owner: 'OWN1', supplier: 'SUP1', lines: [{ sku: 'BOX', qty: 1 }] });
    const wrong = await w.api('POST', `/api/inbound-orders/${plain.id}/receipts`, { scan: 'BOX', disposition: 'scrap' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('body.disposition');
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });
});
