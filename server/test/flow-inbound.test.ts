import { describe, expect, it } from 'vitest';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { backends } from './harness.ts';
import { eventsSince, gs1Date, isoDateIn, lastSeq, MILK_GTIN, stockOf, useFlowWorld } from './flow-fixtures.ts';

/** Receive -> QC -> putaway, end to end through the HTTP API: stock, ledger, tasks and outbox at each step. */
describe.each(backends)('inbound flow on $name', (backend) => {
  const w = useFlowWorld(backend);
  let orderId: number;
  const expiry = isoDateIn(25);

  it('creates an ASN from an inspected supplier', async () => {
    const order = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-1', type: 'purchase',
      owner: 'OWN1', supplier: 'SUPQC', lines: [{ sku: 'MILK', qty: 100 }, { sku: 'BOX', qty: 40 }] });
    orderId = order.id;
    expect(order.status).toBe('open');
    expect(order.dockBin).toBe(w.bins.STAGE![0]);
    expect(order.lines.map((l: any) => [l.sku, l.expectedQty, l.receivedQty])).toEqual([['MILK', 100, 0], ['BOX', 40, 0]]);
  });

  it('receives a GS1-128 scan into QC, with lot and expiry read from the scan', async () => {
    const seq = await lastSeq(w.t);
    const scan = `]C1${'01' + MILK_GTIN}17${gs1Date(expiry)}10L-A\x1d3760`;
    const r = await w.ok('POST', `/api/inbound-orders/${orderId}/receipts`, { scan });
    expect(r).toMatchObject({ sku: 'MILK', lot: 'L-A', expiry, qty: 60, status: 'qc', bin: w.bins.STAGE![0],
      line: { lineNo: 1, expectedQty: 100, receivedQty: 60 }, next: { type: 'qc' } });
    expect(await stockOf(w.t, 'MILK')).toEqual([{ bin: w.bins.STAGE![0], lot: 'L-A', status: 'qc', qty: 60, reserved: 0 }]);
    const events = await eventsSince(w.t, seq);
    expect(events.map((e) => e.type)).toEqual(['stock.changed', 'inbound.updated', 'task.created', 'alert']);
    expect((events[0]!.payload as any).legs[0]).toMatchObject({ delta: 60, qtyAfter: 60, status: 'qc' });
    expect((events[3]!.payload as any).kind).toBe('qc_hold');
    const task = await w.ok('GET', `/api/tasks/${r.next.taskId}`);
    expect(task).toMatchObject({ type: 'qc', status: 'open', sourceBin: w.bins.STAGE![0], sku: 'MILK', lot: 'L-A', qty: 60 });
  });

  it('refuses an over-receipt, an unexpected SKU, an expired or short-dated lot, and writes nothing', async () => {
    const seq = await lastSeq(w.t);
    const scan = (lot: string, exp: string, qty: number) => `(01)${MILK_GTIN}(17)${gs1Date(exp)}(10)${lot}(37)${qty}`;
    const over = await w.api('POST', `/api/inbound-orders/${orderId}/receipts`, { scan: scan('L-A', expiry, 41) });
    expect(over.status).toBe(409);
    expect(over.body.detail).toContain('over-receipt');
    const unexpected = await w.api('POST', `/api/inbound-orders/${orderId}/receipts`, { scan: 'BOLT', qty: 1 });
    expect(unexpected.status).toBe(409);
    expect(unexpected.body.detail).toContain('BOLT is not expected');
    const expired = await w.api('POST', `/api/inbound-orders/${orderId}/receipts`, { scan: scan('L-X', isoDateIn(-1), 1) });
    expect(expired.status).toBe(422);
    expect(expired.body.detail).toContain('expired');
    const shortDated = await w.api('POST', `/api/inbound-orders/${orderId}/receipts`, { scan: scan('L-Y', isoDateIn(3), 1) });
    expect(shortDated.status).toBe(422);
    expect(shortDated.body.detail).toContain('at least 7 days');
    const noLot = await w.api('POST', `/api/inbound-orders/${orderId}/receipts`, { scan: MILK_GTIN, qty: 1 });
    expect(noLot.status).toBe(400);
    expect(noLot.body.field).toBe('body.lot');
    expect(await eventsSince(w.t, seq)).toEqual([]);
    expect(await stockOf(w.t, 'MILK')).toHaveLength(1);
  });

  it('QC partial: passed stock is released with a putaway task, failed stock goes to quarantine on hold', async () => {
    const qc = (await w.ok('GET', '/api/tasks?type=qc')).items.find((t: any) => t.lot === 'L-A');
    const inspectionId = qc.refId;
    const bad = await w.api('POST', `/api/qc-inspections/${inspectionId}/result`, { result: 'partial', passedQty: 50 });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body.disposition');
    const seq = await lastSeq(w.t);
    const r = await w.ok('POST', `/api/qc-inspections/${inspectionId}/result`,
      { result: 'partial', passedQty: 50, disposition: 'quarantine', note: 'ten cartons crushed' });
    expect(r).toMatchObject({ passed: 50, failed: 10, quarantineBin: w.bins.QUAR![0] });
    expect(await stockOf(w.t, 'MILK')).toEqual([
      { bin: w.bins.QUAR![0], lot: 'L-A', status: 'hold', qty: 10, reserved: 0 },
      { bin: w.bins.STAGE![0], lot: 'L-A', status: 'available', qty: 50, reserved: 0 },
    ].sort((a, b) => a.bin.localeCompare(b.bin)));
    const types = (await eventsSince(w.t, seq)).map((e) => e.type);
    expect(types).toEqual(['stock.changed', 'task.updated', 'qc.inspected', 'task.created']);
    expect((await w.ok('GET', `/api/tasks/${qc.id}`)).status).toBe('done');
    const again = await w.api('POST', `/api/qc-inspections/${inspectionId}/result`, { result: 'pass' });
    expect(again.status).toBe(409);
  });

  it('suggests a putaway bin with its reasons, refuses an unfit override, and puts away on the scan', async () => {
    const task = (await w.ok('GET', '/api/tasks?type=putaway')).items.find((t: any) => t.sku === 'MILK');
    expect(task.targetBin).toMatch(/^F1-A0[1-3]-/); // ambient storage (STOR aisles 1-3), not chilled, not the pick face rule-breakers
    expect(task.details.suggestion.reasons.length).toBeGreaterThan(0);
    const suggestions = await w.ok('GET', `/api/tasks/${task.id}/putaway-suggestions`);
    expect(suggestions.suggestions[0].code).toBe(task.targetBin);

    const noReason = await w.api('POST', `/api/tasks/${task.id}/putaway`, { bin: w.bins.STOR!.at(-1) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('body.reason');
    const chilled = await w.api('POST', `/api/tasks/${task.id}/putaway`, { bin: w.bins.COLD![0], reason: 'closer' });
    expect(chilled.status).toBe(409);
    expect(chilled.body.detail).toContain('chilled');

    const seq = await lastSeq(w.t);
    const done = await w.ok('POST', `/api/tasks/${task.id}/putaway`, { bin: task.targetBin });
    expect(done).toMatchObject({ status: 'done', doneQty: 50, bin: task.targetBin });
    expect((await stockOf(w.t, 'MILK')).find((s) => s.bin === task.targetBin)).toMatchObject({ qty: 50, status: 'available' });
    expect((await eventsSince(w.t, seq)).map((e) => e.type)).toEqual(['stock.changed', 'task.updated']);
    const replay = await w.api('POST', `/api/tasks/${task.id}/putaway`, { bin: task.targetBin });
    expect(replay.status).toBe(409);
  });

  it('receives plain stock straight to putaway, and closing records the short line', async () => {
    const r = await w.ok('POST', `/api/inbound-orders/${orderId}/receipts`, { scan: 'BOX', qty: 30 });
    expect(r).toMatchObject({ status: 'qc', next: { type: 'qc' } }); // the supplier requires QC for everything
    const plain = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-2', type: 'purchase',
      owner: 'OWN1', supplier: 'SUP1', lines: [{ sku: 'BOX', qty: 10 }] });
    const r2 = await w.ok('POST', `/api/inbound-orders/${plain.id}/receipts`, { scan: '04006381333931', qty: 10 });
    expect(r2).toMatchObject({ status: 'available', next: { type: 'putaway' } });
    expect(r2.next.targetBin).toBeTruthy();
    const closed = await w.ok('POST', `/api/inbound-orders/${orderId}/close`, { note: 'truck short' });
    expect(closed.status).toBe('closed');
    expect(closed.discrepancies.map((d: any) => [d.kind, d.expectedQty, d.receivedQty]).sort())
      .toEqual([['short', 100, 60], ['short', 40, 30]]);
    const late = await w.api('POST', `/api/inbound-orders/${orderId}/receipts`, { scan: 'BOX', qty: 1 });
    expect(late.status).toBe(409);
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });
});
