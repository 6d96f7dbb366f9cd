import { describe, expect, it } from 'vitest';
import { backends, bearer } from './harness.ts';
import { isoDateIn, stockOf, useFlowWorld } from './flow-fixtures.ts';

/** The configurable parts of the flows: strategies per SKU/owner/order/line, blind receiving, tolerance, QC fail, wave modes. */
describe.each(backends)('workflow options on $name', (backend) => {
  const w = useFlowWorld(backend);
  const gain = (bin: string, sku: string, qty: number, extra: object = {}) =>
    w.ok('POST', '/api/inventory/adjustments', { bin, sku, qty, owner: 'OWN1', reason: 'stock', ...extra });
  const order = async (code: string, lines: object[], extra: object = {}) => {
    const o = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code, type: 'issue', owner: 'OWN1', lines,
      ...extra });
    await w.ok('POST', `/api/outbound-orders/${o.id}/allocate`);
    return w.ok('GET', `/api/outbound-orders/${o.id}`);
  };

  it('takes the strategy of the line, else the order, else the owner, else the SKU', async () => {
    const [old, mid, young] = [w.bins.STOR![0]!, w.bins.STOR![1]!, w.bins.STOR![2]!];
    await gain(old, 'BOLT', 10);
    await gain(mid, 'BOLT', 10);
    await gain(young, 'BOLT', 10);
    expect((await order('S-DEFAULT', [{ sku: 'BOLT', qty: 2 }])).allocations.map((a: any) => [a.bin, a.strategy]))
      .toEqual([[old, 'fifo']]);
    await w.ok('PATCH', '/api/skus/BOLT', { allocationStrategy: 'lifo' });
    expect((await order('S-SKU', [{ sku: 'BOLT', qty: 2 }])).allocations.map((a: any) => [a.bin, a.strategy]))
      .toEqual([[young, 'lifo']]);
    await w.ok('PATCH', '/api/owners/OWN1', { allocationStrategy: 'fifo' });
    expect((await order('S-OWNER', [{ sku: 'BOLT', qty: 2 }])).allocations.map((a: any) => [a.bin, a.strategy]))
      .toEqual([[old, 'fifo']]);
    expect((await order('S-ORDER', [{ sku: 'BOLT', qty: 2 }], { strategy: 'lifo' })).allocations
      .map((a: any) => [a.bin, a.strategy])).toEqual([[young, 'lifo']]);
    expect((await order('S-LINE', [{ sku: 'BOLT', qty: 2, strategy: 'fifo' }], { strategy: 'lifo' })).allocations
      .map((a: any) => [a.bin, a.strategy])).toEqual([[old, 'fifo']]);
  });

  it('allocates a specified lot only, even when FEFO would pick another', async () => {
    await gain(w.bins.STOR![6]!, 'MILK', 10, { lot: 'SOON', lotExpiry: isoDateIn(10) });
    await gain(w.bins.STOR![7]!, 'MILK', 10, { lot: 'LATER', lotExpiry: isoDateIn(25) });
    expect((await order('S-FEFO', [{ sku: 'MILK', qty: 3 }])).allocations.map((a: any) => a.lot)).toEqual(['SOON']);
    const lot = await order('S-LOT', [{ sku: 'MILK', qty: 12, lot: 'LATER' }]);
    expect(lot.allocations.map((a: any) => [a.lot, a.qty])).toEqual([['LATER', 10]]);
    expect(lot.status).toBe('backordered');
    expect(lot.lines[0].backorder).toBe(2);
  });

  it('never allocates QC, hold or damaged stock', async () => {
    await gain(w.bins.PICK![3]!, 'BOX', 5, { status: 'qc' });
    await gain(w.bins.PICK![4]!, 'BOX', 5, { status: 'hold' });
    await gain(w.bins.PICK![5]!, 'BOX', 5, { status: 'damaged' });
    const o = await order('S-STATUS', [{ sku: 'BOX', qty: 5 }]);
    expect(o.allocations).toEqual([]);
    expect(o.status).toBe('backordered');
  });

  it('receives blind: any SKU, lines added as they come, unexpected ones recorded at close', async () => {
    const blind = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'BLIND-1', type: 'production',
      owner: 'OWN1', blind: true, lines: [] });
    await w.ok('POST', `/api/inbound-orders/${blind.id}/receipts`, { scan: 'BOLT', qty: 7 });
    await w.ok('POST', `/api/inbound-orders/${blind.id}/receipts`, { scan: 'BOLT', qty: 3 });
    const after = await w.ok('GET', `/api/inbound-orders/${blind.id}`);
    expect(after.lines.map((l: any) => [l.sku, l.expectedQty, l.receivedQty])).toEqual([['BOLT', 0, 10]]);
    const closed = await w.ok('POST', `/api/inbound-orders/${blind.id}/close`, {});
    expect(closed.discrepancies.map((d: any) => d.kind)).toEqual(['unexpected']);
  });

  it('honours the supplier\'s over-receipt tolerance', async () => {
    await w.ok('PATCH', '/api/suppliers/SUP1', { overReceiptPct: 10 });
    const po = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-TOL', type: 'purchase',
      owner: 'OWN1', supplier: 'SUP1', lines: [{ sku: 'BOX', qty: 20 }] });
    expect(po.overReceiptPct).toBe(10);
    await w.ok('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'BOX', qty: 22 });
    const over = await w.api('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'BOX', qty: 1 });
    expect(over.status).toBe(409);
    expect(over.body.detail).toContain('10 % tolerance');
  });

  it('a retried receipt or pick with the same Idempotency-Key changes nothing the second time', async () => {
    const po = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-IDEM', type: 'purchase',
      owner: 'OWN1', supplier: 'SUP1', lines: [{ sku: 'BOX', qty: 10 }] });
    const send = () => w.t.app.inject({ method: 'POST', url: `/api/inbound-orders/${po.id}/receipts`,
      headers: { ...bearer(w.t.adminToken), 'idempotency-key': 'scan-0001' }, payload: { scan: 'BOX', qty: 4 } });
    const first = await send();
    const again = await send();
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const order = await w.ok('GET', `/api/inbound-orders/${po.id}`);
    expect(order.lines[0].receivedQty).toBe(4);
    const receipts = await w.t.db.selectFrom('receipts').select('id').where('order_id', '=', po.id).execute();
    expect(receipts).toHaveLength(1);
  });

  it('QC fail with disposition damaged marks the stock damaged where it stands', async () => {
    const po = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-QCF', type: 'purchase',
      owner: 'OWN1', supplier: 'SUPQC', lines: [{ sku: 'BOLT', qty: 4 }] });
    const r = await w.ok('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'BOLT', qty: 4 });
    const res = await w.ok('POST', `/api/qc-inspections/${r.next.inspectionId}/result`, { result: 'fail',
      disposition: 'damaged', note: 'rusty' });
    expect(res).toMatchObject({ passed: 0, failed: 4, putaway: null });
    const here = (await stockOf(w.t, 'BOLT')).filter((s) => s.bin === r.bin);
    expect(here.filter((s) => s.status !== 'available')).toEqual([
      { bin: r.bin, lot: null, status: 'damaged', qty: 4, reserved: 0 }]);
  });

  it('releases waves by zone (one pick list per zone) and within max lines', async () => {
    await gain(w.bins.PICK![8]!, 'BOX', 20);
    const a = await order('Z-1', [{ sku: 'BOX', qty: 2 }, { sku: 'BOLT', qty: 1 }]);
    const b = await order('Z-2', [{ sku: 'BOX', qty: 1 }]);
    const zones = new Set(a.allocations.map((x: any) => x.bin.split('-')[1]));
    expect(zones.size).toBeGreaterThan(1); // BOX on the pick face, BOLT in storage
    const limited = await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'zone', orders: ['Z-1', 'Z-2'], maxLines: 1 });
    expect(limited.orders).toBe(1); // Z-1 alone has 2 lines: more than 1, but a wave takes at least one order
    const wave = await w.ok('GET', `/api/waves/${limited.waveId}`);
    expect(wave.pickLists.length).toBe(zones.size);
    expect(wave.pickLists.every((l: any) => l.mode === 'zone')).toBe(true);
    const next = await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['Z-2'] });
    expect(next.orders).toBe(1);
    void b;
  });
});
