import { expect } from 'vitest';
import { bearer, type TestApp } from './harness.ts';

/**
 * Bad-input cases for the workflow routes (inbound, QC, tasks, outbound), run by bad-input.test.ts
 * with the same guarantees: a 4xx naming the field, and not one row changed.
 */
export interface WorkflowIds {
  inbound: number;
  qc: number;
  putawayTask: number;
  pickTask: number;
  pickBin: string;
  order: number;
  stagingBin: string;
  storeBins: string[];
  /** An open dynamic count of storeBins[3] (empty) and its task; a cancelled count. */
  count: number;
  countTask: number;
  countBin: string;
  cancelledCount: number;
  /** A pick-face bin with min/max for SKU-1, and the open replenish task that fills it from storeBins[0]. */
  faceBin: string;
  replenishTask: number;
}

type Kind = 'wrong-type' | 'missing-field' | 'unknown-field' | 'domain' | 'bad-param';
interface Case<W> {
  route: string; kind: Kind; what: string; url?: string | ((w: W) => string);
  body?: unknown | ((w: W) => unknown); status: number; field: string;
}

const zone = (code: string, x: number, kind = 'storage') => ({
  code, name: `Zone ${code}`, kind, temperature: 'ambient', origin: { x, y: 0 }, aisles: 1, racksPerAisle: 2,
  levels: 1, binsPerLevel: 2, bin: { width: 1, depth: 1, height: 1, maxWeightKg: 100 },
});

/** A warehouse T5 with storage, staging and QC, an ASN of each kind, a putaway, a QC and a pick task. */
export async function setupWorkflowWorld(t: TestApp): Promise<WorkflowIds> {
  const call = async (url: string, payload?: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers: bearer(t.adminToken), ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  await call('/api/warehouses', { code: 'T5', name: 'Workflows', zones: [zone('S', 0), zone('G', 10, 'staging'),
    zone('Q', 20, 'qc'), zone('P', 30, 'pick_face')] });
  await call('/api/suppliers', { code: 'SUPQC', name: 'Inspected', requiresQc: true });
  const bins = await t.db.selectFrom('bins').select('code').where('code', 'like', 'T5-%').orderBy('pick_seq').execute();
  const storeBins = bins.map((b) => b.code).filter((c) => c.startsWith('T5-A01'));
  const inbound = await call('/api/inbound-orders', { warehouse: 'T5', code: 'IN-1', type: 'purchase', owner: 'OWN1',
    supplier: 'SUP1', lines: [{ sku: 'SKU-1', qty: 10 }] });
  const receipt = await call(`/api/inbound-orders/${inbound.id}/receipts`, { scan: 'SKU-1', qty: 4 });
  const inQc = await call('/api/inbound-orders', { warehouse: 'T5', code: 'IN-2', type: 'purchase', owner: 'OWN1',
    supplier: 'SUPQC', lines: [{ sku: 'SKU-2', qty: 10 }] });
  const qcReceipt = await call(`/api/inbound-orders/${inQc.id}/receipts`, { scan: 'SKU-2', qty: 2 });
  await call('/api/inventory/adjustments', { bin: storeBins[0], sku: 'SKU-1', qty: 20, owner: 'OWN1', reason: 'setup' });
  const order = await call('/api/outbound-orders', { warehouse: 'T5', code: 'SO-1', type: 'issue', owner: 'OWN1',
    lines: [{ sku: 'SKU-1', qty: 5 }] });
  await call(`/api/outbound-orders/${order.id}/allocate`);
  const wave = await call('/api/waves', { warehouse: 'T5', mode: 'order', orders: ['SO-1'] });
  const list = await t.app.inject({ method: 'GET', url: `/api/pick-lists/${wave.pickLists[0].id}`,
    headers: bearer(t.adminToken) });
  const stop = list.json().stops[0];
  const detail = await t.app.inject({ method: 'GET', url: `/api/outbound-orders/${order.id}`, headers: bearer(t.adminToken) });
  const count = await call('/api/counts', { warehouse: 'T5', kind: 'dynamic', bins: [storeBins[3]] });
  const cancelled = await call('/api/counts', { warehouse: 'T5', kind: 'dynamic', bins: [storeBins[2]] });
  await call(`/api/counts/${cancelled.id}/cancel`, {});
  const faceBin = bins.map((b) => b.code).find((c) => c.startsWith('T5-A04'))!;
  const face = await t.app.inject({ method: 'PUT', url: '/api/pick-faces', headers: bearer(t.adminToken),
    payload: { bin: faceBin, sku: 'SKU-1', min: 5, max: 10 } });
  expect(face.statusCode, face.body).toBe(200);
  const run = await call('/api/replenishment/run', { warehouse: 'T5' });
  return { inbound: inbound.id, qc: qcReceipt.next.inspectionId, putawayTask: receipt.next.taskId,
    pickTask: stop.taskId, pickBin: stop.bin, order: order.id, stagingBin: detail.json().stagingBin, storeBins,
    count: count.id, countTask: count.tasks[0], countBin: storeBins[3]!, cancelledCount: cancelled.id, faceBin,
    replenishTask: run.created[0].taskId };
}

export function workflowCases<W extends { wf: WorkflowIds }>(): Case<W>[] {
  const asn = (extra: object = {}) => ({ warehouse: 'T5', code: 'IN-NEW', type: 'purchase', owner: 'OWN1',
    supplier: 'SUP1', lines: [{ sku: 'SKU-1', qty: 5 }], ...extra });
  const so = (extra: object = {}) => ({ warehouse: 'T5', code: 'SO-NEW', type: 'issue', owner: 'OWN1',
    lines: [{ sku: 'SKU-1', qty: 5 }], ...extra });
  const receipts = (w: W) => `/api/inbound-orders/${w.wf.inbound}/receipts`;
  const qc = (w: W) => `/api/qc-inspections/${w.wf.qc}/result`;
  const putaway = (w: W) => `/api/tasks/${w.wf.putawayTask}/putaway`;
  const pick = (w: W) => `/api/tasks/${w.wf.pickTask}/pick`;
  const pack = (w: W) => `/api/outbound-orders/${w.wf.order}/pack`;
  const ship = (w: W) => `/api/outbound-orders/${w.wf.order}/ship`;
  const carton = { weightKg: 5, contents: [{ sku: 'SKU-1', qty: 5 }] };
  return [
    { route: 'POST /api/inbound-orders', kind: 'wrong-type', what: 'lines is an object', body: asn({ lines: {} }),
      status: 400, field: 'body.lines' },
    { route: 'POST /api/inbound-orders', kind: 'missing-field', what: 'no owner', body: asn({ owner: undefined }),
      status: 400, field: 'body.owner' },
    { route: 'POST /api/inbound-orders', kind: 'unknown-field', what: 'a line with colour',
      body: asn({ lines: [{ sku: 'SKU-1', qty: 1, colour: 'red' }] }), status: 400, field: 'body.lines[0].colour' },
    { route: 'POST /api/inbound-orders', kind: 'domain', what: 'unknown SKU on a line',
      body: asn({ lines: [{ sku: 'NOPE', qty: 1 }] }), status: 404, field: 'body.lines[0].sku' },
    { route: 'POST /api/inbound-orders', kind: 'domain', what: 'duplicate order code', body: asn({ code: 'IN-1' }),
      status: 409, field: 'body.code' },
    { route: 'POST /api/inbound-orders', kind: 'domain', what: 'warehouse without dock or staging',
      body: asn({ warehouse: 'T1' }), status: 409, field: 'body.dockBin' },
    { route: 'POST /api/inbound-orders', kind: 'domain', what: 'a return without customer',
      body: asn({ type: 'return', supplier: undefined }), status: 400, field: 'body.customer' },

    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'wrong-type', what: 'qty is text', url: receipts,
      body: { scan: 'SKU-1', qty: 'two' }, status: 400, field: 'body.qty' },
    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'missing-field', what: 'no scan', url: receipts,
      body: { qty: 1 }, status: 400, field: 'body.scan' },
    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'unknown-field', what: 'sku instead of scan', url: receipts,
      body: { scan: 'SKU-1', sku: 'SKU-1' }, status: 400, field: 'body.sku' },
    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'domain', what: 'unexpected SKU', url: receipts,
      body: { scan: 'SKU-2' }, status: 409, field: 'body.scan' },
    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'domain', what: 'over-receipt', url: receipts,
      body: { scan: 'SKU-1', qty: 7 }, status: 409, field: 'body.qty' },
    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'domain', what: 'malformed GS1 date', url: receipts,
      body: { scan: '(01)04006381333931(17)261399' }, status: 400, field: 'body.scan' },
    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'domain', what: 'lot-tracked SKU without lot', url: receipts,
      body: { scan: 'MILK' }, status: 400, field: 'body.lot' },
    { route: 'POST /api/inbound-orders/:id/receipts', kind: 'bad-param', what: 'unknown order',
      url: '/api/inbound-orders/999999/receipts', body: { scan: 'SKU-1' }, status: 404, field: 'params.id' },

    { route: 'POST /api/inbound-orders/:id/close', kind: 'wrong-type', what: 'note is a number',
      url: (w) => `/api/inbound-orders/${w.wf.inbound}/close`, body: { note: 5 }, status: 400, field: 'body.note' },
    { route: 'POST /api/inbound-orders/:id/close', kind: 'unknown-field', what: 'a status field',
      url: (w) => `/api/inbound-orders/${w.wf.inbound}/close`, body: { status: 'closed' }, status: 400,
      field: 'body.status' },
    { route: 'POST /api/inbound-orders/:id/close', kind: 'domain', what: 'unknown order',
      url: '/api/inbound-orders/999999/close', body: {}, status: 404, field: 'params.id' },
    { route: 'POST /api/inbound-orders/:id/close', kind: 'bad-param', what: 'id is text',
      url: '/api/inbound-orders/abc/close', body: {}, status: 400, field: 'params.id' },

    { route: 'POST /api/qc-inspections/:id/result', kind: 'wrong-type', what: 'result is unknown', url: qc,
      body: { result: 'maybe' }, status: 400, field: 'body.result' },
    { route: 'POST /api/qc-inspections/:id/result', kind: 'missing-field', what: 'no result', url: qc, body: {},
      status: 400, field: 'body.result' },
    { route: 'POST /api/qc-inspections/:id/result', kind: 'unknown-field', what: 'a grade', url: qc,
      body: { result: 'pass', grade: 'A' }, status: 400, field: 'body.grade' },
    { route: 'POST /api/qc-inspections/:id/result', kind: 'domain', what: 'failed without disposition', url: qc,
      body: { result: 'fail' }, status: 400, field: 'body.disposition' },
    { route: 'POST /api/qc-inspections/:id/result', kind: 'domain', what: 'partial passing everything', url: qc,
      body: { result: 'partial', passedQty: 2, disposition: 'damaged' }, status: 400, field: 'body.passedQty' },
    { route: 'POST /api/qc-inspections/:id/result', kind: 'bad-param', what: 'id is zero',
      url: '/api/qc-inspections/0/result', body: { result: 'pass' }, status: 400, field: 'params.id' },

    { route: 'POST /api/tasks/:id/assign', kind: 'wrong-type', what: 'user is a number',
      url: (w) => `/api/tasks/${w.wf.pickTask}/assign`, body: { user: 7 }, status: 400, field: 'body.user' },
    { route: 'POST /api/tasks/:id/assign', kind: 'unknown-field', what: 'a team',
      url: (w) => `/api/tasks/${w.wf.pickTask}/assign`, body: { team: 'night' }, status: 400, field: 'body.team' },
    { route: 'POST /api/tasks/:id/assign', kind: 'domain', what: 'unknown user',
      url: (w) => `/api/tasks/${w.wf.pickTask}/assign`, body: { user: 'nobody' }, status: 404, field: 'body.user' },
    { route: 'POST /api/tasks/:id/assign', kind: 'domain', what: 'both user and AGV',
      url: (w) => `/api/tasks/${w.wf.pickTask}/assign`, body: { user: 'op1', agv: 'AGV-1' }, status: 400, field: 'body.user' },
    { route: 'POST /api/tasks/:id/assign', kind: 'bad-param', what: 'unknown task', url: '/api/tasks/999999/assign',
      body: { agv: 'AGV-1' }, status: 404, field: 'params.id' },

    { route: 'POST /api/tasks/:id/putaway', kind: 'wrong-type', what: 'qty is text', url: putaway,
      body: (w: W) => ({ bin: w.wf.storeBins[1], qty: 'all' }), status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/putaway', kind: 'missing-field', what: 'no bin', url: putaway, body: {},
      status: 400, field: 'body.bin' },
    { route: 'POST /api/tasks/:id/putaway', kind: 'unknown-field', what: 'a target field', url: putaway,
      body: (w: W) => ({ bin: w.wf.storeBins[1], target: 'x' }), status: 400, field: 'body.target' },
    { route: 'POST /api/tasks/:id/putaway', kind: 'domain', what: 'another bin without a reason', url: putaway,
      body: { bin: 'T5-A03-R01-L1-B01' }, status: 400, field: 'body.reason' },
    { route: 'POST /api/tasks/:id/putaway', kind: 'domain', what: 'more than the task holds', url: putaway,
      body: (w: W) => ({ bin: w.wf.storeBins[1], qty: 5 }), status: 409, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/putaway', kind: 'domain', what: 'a pick task', url: pick,
      body: (w: W) => ({ bin: w.wf.storeBins[1] }), status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/putaway', kind: 'domain', what: 'putaway on a pick task',
      url: (w) => `/api/tasks/${w.wf.pickTask}/putaway`, body: (w: W) => ({ bin: w.wf.storeBins[1] }), status: 409,
      field: 'params.id' },
    { route: 'POST /api/tasks/:id/putaway', kind: 'bad-param', what: 'id is text', url: '/api/tasks/x/putaway',
      body: { bin: 'T5-A01-R01-L1-B01' }, status: 400, field: 'params.id' },

    { route: 'POST /api/tasks/:id/pick', kind: 'wrong-type', what: 'short is text', url: pick,
      body: (w: W) => ({ bin: w.wf.pickBin, item: 'SKU-1', qty: 1, short: 'yes' }), status: 400, field: 'body.short' },
    { route: 'POST /api/tasks/:id/pick', kind: 'missing-field', what: 'no qty', url: pick,
      body: (w: W) => ({ bin: w.wf.pickBin, item: 'SKU-1' }), status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/pick', kind: 'unknown-field', what: 'a tote', url: pick,
      body: (w: W) => ({ bin: w.wf.pickBin, item: 'SKU-1', qty: 1, tote: 'T1' }), status: 400, field: 'body.tote' },
    { route: 'POST /api/tasks/:id/pick', kind: 'domain', what: 'wrong bin', url: pick,
      body: (w: W) => ({ bin: w.wf.stagingBin, item: 'SKU-1', qty: 1 }), status: 422, field: 'body.bin' },
    { route: 'POST /api/tasks/:id/pick', kind: 'domain', what: 'wrong item', url: pick,
      body: (w: W) => ({ bin: w.wf.pickBin, item: 'SKU-2', qty: 1 }), status: 422, field: 'body.item' },
    { route: 'POST /api/tasks/:id/pick', kind: 'domain', what: 'more than allocated', url: pick,
      body: (w: W) => ({ bin: w.wf.pickBin, item: 'SKU-1', qty: 6 }), status: 422, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/pick', kind: 'domain', what: 'zero without short', url: pick,
      body: (w: W) => ({ bin: w.wf.pickBin, qty: 0 }), status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/pick', kind: 'bad-param', what: 'unknown task', url: '/api/tasks/999999/pick',
      body: { bin: 'T5-A01-R01-L1-B01', item: 'SKU-1', qty: 1 }, status: 404, field: 'params.id' },

    { route: 'POST /api/outbound-orders', kind: 'wrong-type', what: 'priority is text', body: so({ priority: 'high' }),
      status: 400, field: 'body.priority' },
    { route: 'POST /api/outbound-orders', kind: 'missing-field', what: 'no lines', body: so({ lines: undefined }),
      status: 400, field: 'body.lines' },
    { route: 'POST /api/outbound-orders', kind: 'unknown-field', what: 'a price', body: so({ price: 3 }),
      status: 400, field: 'body.price' },
    { route: 'POST /api/outbound-orders', kind: 'domain', what: 'a sales order without customer',
      body: so({ type: 'sales' }), status: 400, field: 'body.customer' },
    { route: 'POST /api/outbound-orders', kind: 'domain', what: 'specified lot that does not exist',
      body: so({ lines: [{ sku: 'MILK', qty: 1, lot: 'NOPE' }] }), status: 404, field: 'body.lines[0].lot' },
    { route: 'POST /api/outbound-orders', kind: 'domain', what: 'duplicate code', body: so({ code: 'SO-1' }),
      status: 409, field: 'body.code' },

    { route: 'POST /api/outbound-orders/:id/allocate', kind: 'domain', what: 'unknown order',
      url: '/api/outbound-orders/999999/allocate', status: 404, field: 'params.id' },
    { route: 'POST /api/outbound-orders/:id/allocate', kind: 'bad-param', what: 'id is text',
      url: '/api/outbound-orders/abc/allocate', status: 400, field: 'params.id' },

    { route: 'POST /api/waves', kind: 'wrong-type', what: 'mode is unknown', body: { warehouse: 'T5', mode: 'random' },
      status: 400, field: 'body.mode' },
    { route: 'POST /api/waves', kind: 'missing-field', what: 'no mode', body: { warehouse: 'T5' }, status: 400,
      field: 'body.mode' },
    { route: 'POST /api/waves', kind: 'unknown-field', what: 'a colour', body: { warehouse: 'T5', mode: 'order',
      colour: 'red' }, status: 400, field: 'body.colour' },
    { route: 'POST /api/waves', kind: 'domain', what: 'an order already in a wave',
      body: { warehouse: 'T5', mode: 'order', orders: ['SO-1'] }, status: 409, field: 'body.orders' },
    { route: 'POST /api/waves', kind: 'domain', what: 'unknown zone', body: { warehouse: 'T5', mode: 'zone', zone: 'ZZ' },
      status: 400, field: 'body.zone' },

    { route: 'POST /api/outbound-orders/:id/pack', kind: 'wrong-type', what: 'cartons is an object', url: pack,
      body: { cartons: {} }, status: 400, field: 'body.cartons' },
    { route: 'POST /api/outbound-orders/:id/pack', kind: 'missing-field', what: 'no cartons', url: pack, body: {},
      status: 400, field: 'body.cartons' },
    { route: 'POST /api/outbound-orders/:id/pack', kind: 'unknown-field', what: 'a carton with colour', url: pack,
      body: { cartons: [{ ...carton, colour: 'red' }] }, status: 400, field: 'body.cartons[0].colour' },
    { route: 'POST /api/outbound-orders/:id/pack', kind: 'domain', what: 'not picked yet', url: pack,
      body: { cartons: [carton] }, status: 409, field: 'params.id' },
    { route: 'POST /api/outbound-orders/:id/pack', kind: 'bad-param', what: 'id is zero',
      url: '/api/outbound-orders/0/pack', body: { cartons: [carton] }, status: 400, field: 'params.id' },

    { route: 'POST /api/outbound-orders/:id/ship', kind: 'wrong-type', what: 'trackingNo is a number', url: ship,
      body: { trackingNo: 5 }, status: 400, field: 'body.trackingNo' },
    { route: 'POST /api/outbound-orders/:id/ship', kind: 'missing-field', what: 'no tracking number', url: ship,
      body: {}, status: 400, field: 'body.trackingNo' },
    { route: 'POST /api/outbound-orders/:id/ship', kind: 'unknown-field', what: 'a price', url: ship,
      body: { trackingNo: 'X1', price: 3 }, status: 400, field: 'body.price' },
    { route: 'POST /api/outbound-orders/:id/ship', kind: 'domain', what: 'not packed', url: ship,
      body: { trackingNo: 'X1' }, status: 409, field: 'params.id' },
    { route: 'POST /api/outbound-orders/:id/ship', kind: 'bad-param', what: 'unknown order',
      url: '/api/outbound-orders/999999/ship', body: { trackingNo: 'X1' }, status: 404, field: 'params.id' },

    { route: 'POST /api/counts', kind: 'wrong-type', what: 'kind is unknown', body: { warehouse: 'T5', kind: 'yearly' },
      status: 400, field: 'body.kind' },
    { route: 'POST /api/counts', kind: 'wrong-type', what: 'tolerance above 100',
      body: { warehouse: 'T5', kind: 'periodic', zone: 'S', tolerancePct: 150 }, status: 400, field: 'body.tolerancePct' },
    { route: 'POST /api/counts', kind: 'missing-field', what: 'no kind', body: { warehouse: 'T5', zone: 'S' },
      status: 400, field: 'body.kind' },
    { route: 'POST /api/counts', kind: 'unknown-field', what: 'an aisle', body: { warehouse: 'T5', kind: 'periodic',
      zone: 'S', aisle: 1 }, status: 400, field: 'body.aisle' },
    { route: 'POST /api/counts', kind: 'domain', what: 'unknown warehouse', body: { warehouse: 'NOWH', kind: 'periodic',
      zone: 'S' }, status: 404, field: 'body.warehouse' },
    { route: 'POST /api/counts', kind: 'domain', what: 'periodic without zone', body: { warehouse: 'T5', kind: 'periodic' },
      status: 400, field: 'body.zone' },
    { route: 'POST /api/counts', kind: 'domain', what: 'unknown zone', body: { warehouse: 'T5', kind: 'periodic', zone: 'ZZ' },
      status: 404, field: 'body.zone' },
    { route: 'POST /api/counts', kind: 'domain', what: 'a zone with a bin being counted',
      body: { warehouse: 'T5', kind: 'periodic', zone: 'S' }, status: 409, field: 'body.zone' },
    { route: 'POST /api/counts', kind: 'domain', what: 'dynamic without bins', body: { warehouse: 'T5', kind: 'dynamic' },
      status: 400, field: 'body.bins' },
    { route: 'POST /api/counts', kind: 'domain', what: 'a bin of another warehouse',
      body: { warehouse: 'T5', kind: 'dynamic', bins: ['T1-A01-R01-L1-B01'] }, status: 400, field: 'body.bins[0]' },
    { route: 'POST /api/counts', kind: 'domain', what: 'a bin already being counted',
      body: (w: W) => ({ warehouse: 'T5', kind: 'dynamic', bins: [w.wf.storeBins[0], w.wf.countBin] }), status: 409,
      field: 'body.bins[1]' },

    { route: 'POST /api/counts/cycle/schedule', kind: 'wrong-type', what: 'warehouse is a number', body: { warehouse: 5 },
      status: 400, field: 'body.warehouse' },
    { route: 'POST /api/counts/cycle/schedule', kind: 'missing-field', what: 'no warehouse', body: {}, status: 400,
      field: 'body.warehouse' },
    { route: 'POST /api/counts/cycle/schedule', kind: 'unknown-field', what: 'a class', body: { warehouse: 'T5',
      abcClass: 'A' }, status: 400, field: 'body.abcClass' },
    { route: 'POST /api/counts/cycle/schedule', kind: 'domain', what: 'unknown warehouse', body: { warehouse: 'NOWH' },
      status: 404, field: 'body.warehouse' },

    { route: 'POST /api/counts/:id/approve', kind: 'domain', what: 'a count still open',
      url: (w) => `/api/counts/${w.wf.count}/approve`, status: 409, field: 'params.id' },
    { route: 'POST /api/counts/:id/approve', kind: 'domain', what: 'a cancelled count',
      url: (w) => `/api/counts/${w.wf.cancelledCount}/approve`, status: 409, field: 'params.id' },
    { route: 'POST /api/counts/:id/approve', kind: 'domain', what: 'unknown count', url: '/api/counts/999999/approve',
      status: 404, field: 'params.id' },
    { route: 'POST /api/counts/:id/approve', kind: 'bad-param', what: 'id is text', url: '/api/counts/abc/approve',
      status: 400, field: 'params.id' },

    { route: 'POST /api/counts/:id/cancel', kind: 'wrong-type', what: 'reason is a number',
      url: (w) => `/api/counts/${w.wf.count}/cancel`, body: { reason: 5 }, status: 400, field: 'body.reason' },
    { route: 'POST /api/counts/:id/cancel', kind: 'unknown-field', what: 'a status',
      url: (w) => `/api/counts/${w.wf.count}/cancel`, body: { status: 'cancelled' }, status: 400, field: 'body.status' },
    { route: 'POST /api/counts/:id/cancel', kind: 'domain', what: 'a cancelled count',
      url: (w) => `/api/counts/${w.wf.cancelledCount}/cancel`, body: {}, status: 409, field: 'params.id' },
    { route: 'POST /api/counts/:id/cancel', kind: 'bad-param', what: 'id is zero', url: '/api/counts/0/cancel', body: {},
      status: 400, field: 'params.id' },

    { route: 'POST /api/tasks/:id/count', kind: 'wrong-type', what: 'qty is text', url: (w) => `/api/tasks/${w.wf.countTask}/count`,
      body: (w: W) => ({ bin: w.wf.countBin, qty: 'none' }), status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/count', kind: 'wrong-type', what: 'negative qty', url: (w) => `/api/tasks/${w.wf.countTask}/count`,
      body: (w: W) => ({ bin: w.wf.countBin, qty: -1 }), status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/count', kind: 'missing-field', what: 'no qty', url: (w) => `/api/tasks/${w.wf.countTask}/count`,
      body: (w: W) => ({ bin: w.wf.countBin }), status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/count', kind: 'unknown-field', what: 'an expected qty',
      url: (w) => `/api/tasks/${w.wf.countTask}/count`, body: (w: W) => ({ bin: w.wf.countBin, qty: 0, expected: 0 }),
      status: 400, field: 'body.expected' },
    { route: 'POST /api/tasks/:id/count', kind: 'domain', what: 'wrong bin', url: (w) => `/api/tasks/${w.wf.countTask}/count`,
      body: (w: W) => ({ bin: w.wf.storeBins[0], qty: 0 }), status: 422, field: 'body.bin' },
    { route: 'POST /api/tasks/:id/count', kind: 'domain', what: 'a quantity without an item',
      url: (w) => `/api/tasks/${w.wf.countTask}/count`, body: (w: W) => ({ bin: w.wf.countBin, qty: 3 }), status: 400,
      field: 'body.item' },
    { route: 'POST /api/tasks/:id/count', kind: 'domain', what: 'unknown item', url: (w) => `/api/tasks/${w.wf.countTask}/count`,
      body: (w: W) => ({ bin: w.wf.countBin, item: 'NOPE', qty: 3 }), status: 404, field: 'body.item' },
    { route: 'POST /api/tasks/:id/count', kind: 'domain', what: 'a lot-tracked item without lot',
      url: (w) => `/api/tasks/${w.wf.countTask}/count`, body: (w: W) => ({ bin: w.wf.countBin, item: 'MILK', qty: 3 }),
      status: 400, field: 'body.lot' },
    { route: 'POST /api/tasks/:id/count', kind: 'domain', what: 'count on a pick task',
      url: (w) => `/api/tasks/${w.wf.pickTask}/count`,
      body: (w: W) => ({ bin: w.wf.pickBin, qty: 0 }), status: 409, field: 'params.id' },
    { route: 'POST /api/tasks/:id/count', kind: 'bad-param', what: 'unknown task', url: '/api/tasks/999999/count',
      body: (w: W) => ({ bin: w.wf.countBin, qty: 0 }), status: 404, field: 'params.id' },

    { route: 'PUT /api/pick-faces', kind: 'wrong-type', what: 'min is text',
      body: (w: W) => ({ bin: w.wf.faceBin, sku: 'SKU-1', min: 'low', max: 10 }), status: 400, field: 'body.min' },
    { route: 'PUT /api/pick-faces', kind: 'wrong-type', what: 'max is zero',
      body: (w: W) => ({ bin: w.wf.faceBin, sku: 'SKU-1', min: 0, max: 0 }), status: 400, field: 'body.max' },
    { route: 'PUT /api/pick-faces', kind: 'missing-field', what: 'no max',
      body: (w: W) => ({ bin: w.wf.faceBin, sku: 'SKU-1', min: 1 }), status: 400, field: 'body.max' },
    { route: 'PUT /api/pick-faces', kind: 'unknown-field', what: 'an owner',
      body: (w: W) => ({ bin: w.wf.faceBin, sku: 'SKU-1', min: 1, max: 5, owner: 'OWN1' }), status: 400, field: 'body.owner' },
    { route: 'PUT /api/pick-faces', kind: 'domain', what: 'min above max',
      body: (w: W) => ({ bin: w.wf.faceBin, sku: 'SKU-1', min: 20, max: 10 }), status: 400, field: 'body.min' },
    { route: 'PUT /api/pick-faces', kind: 'domain', what: 'a storage bin',
      body: (w: W) => ({ bin: w.wf.storeBins[0], sku: 'SKU-1', min: 1, max: 10 }), status: 400, field: 'body.bin' },
    { route: 'PUT /api/pick-faces', kind: 'domain', what: 'unknown SKU',
      body: (w: W) => ({ bin: w.wf.faceBin, sku: 'NOPE', min: 1, max: 10 }), status: 404, field: 'body.sku' },
    { route: 'PUT /api/pick-faces', kind: 'domain', what: 'unknown bin',
      body: { bin: 'T5-NOPE', sku: 'SKU-1', min: 1, max: 10 }, status: 404, field: 'body.bin' },

    { route: 'POST /api/replenishment/run', kind: 'wrong-type', what: 'warehouse is an array', body: { warehouse: ['T5'] },
      status: 400, field: 'body.warehouse' },
    { route: 'POST /api/replenishment/run', kind: 'missing-field', what: 'no warehouse', body: {}, status: 400,
      field: 'body.warehouse' },
    { route: 'POST /api/replenishment/run', kind: 'unknown-field', what: 'a SKU', body: { warehouse: 'T5', sku: 'SKU-1' },
      status: 400, field: 'body.sku' },
    { route: 'POST /api/replenishment/run', kind: 'domain', what: 'unknown warehouse', body: { warehouse: 'NOWH' },
      status: 404, field: 'body.warehouse' },

    { route: 'POST /api/tasks/:id/replenish', kind: 'wrong-type', what: 'qty is text',
      url: (w) => `/api/tasks/${w.wf.replenishTask}/replenish`, body: (w: W) => ({ bin: w.wf.faceBin, qty: 'all' }),
      status: 400, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/replenish', kind: 'missing-field', what: 'no bin',
      url: (w) => `/api/tasks/${w.wf.replenishTask}/replenish`, body: {}, status: 400, field: 'body.bin' },
    { route: 'POST /api/tasks/:id/replenish', kind: 'unknown-field', what: 'a source bin',
      url: (w) => `/api/tasks/${w.wf.replenishTask}/replenish`,
      body: (w: W) => ({ bin: w.wf.faceBin, fromBin: w.wf.storeBins[0] }), status: 400, field: 'body.fromBin' },
    { route: 'POST /api/tasks/:id/replenish', kind: 'domain', what: 'wrong bin',
      url: (w) => `/api/tasks/${w.wf.replenishTask}/replenish`, body: (w: W) => ({ bin: w.wf.storeBins[1] }), status: 422,
      field: 'body.bin' },
    { route: 'POST /api/tasks/:id/replenish', kind: 'domain', what: 'more than the task',
      url: (w) => `/api/tasks/${w.wf.replenishTask}/replenish`, body: (w: W) => ({ bin: w.wf.faceBin, qty: 11 }),
      status: 422, field: 'body.qty' },
    { route: 'POST /api/tasks/:id/replenish', kind: 'domain', what: 'replenish on a count task',
      url: (w) => `/api/tasks/${w.wf.countTask}/replenish`, body: (w: W) => ({ bin: w.wf.faceBin }), status: 409,
      field: 'params.id' },
    { route: 'POST /api/tasks/:id/replenish', kind: 'bad-param', what: 'id is text', url: '/api/tasks/x/replenish',
      body: { bin: 'T5-A04-R01-L1-B01' }, status: 400, field: 'params.id' },

    { route: 'POST /api/fleet/:warehouse/commands', kind: 'wrong-type', what: 'value is text', url: '/api/fleet/T5/commands',
      body: { action: 'speed', value: 'fast' }, status: 400, field: 'body.value' },
    { route: 'POST /api/fleet/:warehouse/commands', kind: 'missing-field', what: 'no action', url: '/api/fleet/T5/commands',
      body: {}, status: 400, field: 'body.action' },
    { route: 'POST /api/fleet/:warehouse/commands', kind: 'unknown-field', what: 'a colour', url: '/api/fleet/T5/commands',
      body: { action: 'pause', colour: 'red' }, status: 400, field: 'body.colour' },
    { route: 'POST /api/fleet/:warehouse/commands', kind: 'domain', what: 'speed without a factor',
      url: '/api/fleet/T5/commands', body: { action: 'speed' }, status: 400, field: 'body.value' },
    { route: 'POST /api/fleet/:warehouse/commands', kind: 'domain', what: 'a fault without the AGV',
      url: '/api/fleet/T5/commands', body: { action: 'fault' }, status: 400, field: 'body.agv' },
    { route: 'POST /api/fleet/:warehouse/commands', kind: 'domain', what: 'the fleet is not running here',
      url: '/api/fleet/T5/commands', body: { action: 'pause' }, status: 409, field: 'params.warehouse' },
    { route: 'POST /api/fleet/:warehouse/commands', kind: 'bad-param', what: 'unknown warehouse',
      url: '/api/fleet/NOPE/commands', body: { action: 'pause' }, status: 404, field: 'params.warehouse' },
  ];
}
