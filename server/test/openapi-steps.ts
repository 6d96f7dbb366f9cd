/**
 * The order in which server/test/openapi.test.ts runs every operation's documented example on one seeded demo:
 * create before update, receive before putaway, delete last. `params`, `query` and `body` are what the document's
 * examples must show (the test compares); `bind` and `bindBody` fill in what only exists at run time (the id of
 * the order just created, the bin a task names), never anything else.
 */
import type { Kysely, sql as Sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { DEMO, DOC_REF, examples as ex, NEW_LOT, NEW_PARTY, NEW_SKU } from '../http/examples.ts';

export interface Ctx {
  db: Kysely<DB>;
  ids: Record<string, number>;
  sql: typeof Sql;
  /** The API as admin, for the rest of a job an example starts (the other picks of a pick list). */
  api: (method: string, url: string, body?: object) => Promise<{ status: number; body: any }>;
}
type Values = Record<string, string | number>;
export interface Step {
  op: string;
  as?: 'admin' | 'manager' | 'operator1';
  params?: Values;
  query?: Values;
  body?: unknown;
  bind?: (c: Ctx) => Values | Promise<Values>;
  bindBody?: (c: Ctx) => object | Promise<object>;
  after?: (answer: any, c: Ctx) => void | Promise<void>;
}

/** A field of an answer by its camelCase name (or the snake_case one it had before one casing). */
const f = (o: any, name: string): any => o?.[name] ?? o?.[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
const items = (o: any): any[] => (Array.isArray(o) ? o : o.items);
const id = (name: string) => (c: Ctx) => ({ id: c.ids[name]! });
const taskOf = async (c: Ctx, type: string, where: (t: any) => boolean = () => true) => {
  const rows = await c.db.selectFrom('tasks').selectAll().where('type', '=', type as never)
    .where('status', 'in', ['open', 'assigned', 'in_progress']).orderBy('id', 'desc').execute();
  const task = rows.find(where);
  if (!task) throw new Error(`no open ${type} task`);
  return task;
};
/** A pick task of the pick list the example wave made. */
const ours = (c: Ctx) => (t: { pick_list_id: number | null }) => t.pick_list_id === c.ids.pickList;
const binCode = async (c: Ctx, binId: number | null) =>
  (await c.db.selectFrom('bins').select('code').where('id', '=', binId!).executeTakeFirstOrThrow()).code;

const party = (table: 'owners' | 'suppliers' | 'customers', existing: string): Step[] => [
  { op: `GET /api/${table}` },
  { op: `POST /api/${table}`, body: ex.party[table].create },
  { op: `GET /api/${table}/{code}`, params: { code: existing } },
  { op: `PATCH /api/${table}/{code}`, params: { code: NEW_PARTY[table] }, body: ex.party[table].update },
];

export const EXAMPLE_RUN: Step[] = [
  { op: 'GET /api/health' },
  { op: 'POST /api/auth/login', body: ex.login },
  { op: 'GET /api/auth/me' },

  // users
  { op: 'GET /api/users' },
  { op: 'POST /api/users', body: ex.createUser, after: (u, c) => { c.ids.user = u.id; } },
  { op: 'GET /api/users/{id}', bind: id('user') },
  { op: 'PATCH /api/users/{id}', bind: id('user'), body: ex.updateUser },
  { op: 'PUT /api/users/{id}/scopes', bind: id('user'), body: ex.setScopes },

  // warehouses and bins
  { op: 'GET /api/warehouses' },
  { op: 'POST /api/warehouses', body: ex.createWarehouse },
  { op: 'GET /api/warehouses/{warehouse}', params: { warehouse: DEMO.warehouse } },
  { op: 'PATCH /api/warehouses/{warehouse}', params: { warehouse: DEMO.warehouse }, body: ex.updateWarehouse },
  { op: 'GET /api/warehouses/{warehouse}/zones', params: { warehouse: DEMO.warehouse } },
  { op: 'PATCH /api/warehouses/{warehouse}/zones/{code}', params: { warehouse: DEMO.warehouse, code: DEMO.pickZone }, body: ex.updateZone },
  { op: 'GET /api/warehouses/{warehouse}/graph', params: { warehouse: DEMO.warehouse } },
  { op: 'GET /api/warehouses/{warehouse}/bins', params: { warehouse: DEMO.warehouse }, query: { zone: DEMO.pickZone, aisle: 20, limit: 5 } },
  { op: 'GET /api/bins/{code}', params: { code: DEMO.pickBin } },
  { op: 'PATCH /api/bins/{code}', params: { code: DEMO.pickBin }, body: ex.updateBin },
  { op: 'GET /api/warehouses/{warehouse}/layout', params: { warehouse: DEMO.warehouse } },
  { op: 'GET /api/warehouses/{warehouse}/snapshot', params: { warehouse: DEMO.warehouse }, query: { format: 'json' } },

  // master data
  { op: 'GET /api/skus', query: { q: 'NBC-HOM', limit: 5 } },
  { op: 'POST /api/skus', body: ex.createSku },
  { op: 'GET /api/skus/{code}', params: { code: DEMO.sku } },
  { op: 'PATCH /api/skus/{code}', params: { code: NEW_SKU }, body: ex.updateSku },
  { op: 'GET /api/skus/{code}/lots', params: { code: DEMO.lotSku } },
  { op: 'POST /api/skus/{code}/lots', params: { code: DEMO.lotSku }, body: ex.createLot },
  ...party('owners', DEMO.owner),
  ...party('suppliers', DEMO.qcSupplier),
  ...party('customers', DEMO.customer),

  // stock
  { op: 'POST /api/inventory/adjustments', body: ex.adjust },
  { op: 'POST /api/inventory/moves', body: ex.move },
  { op: 'POST /api/inventory/status-changes', body: ex.statusChange },
  { op: 'POST /api/inventory/scrap', body: ex.scrap },
  { op: 'GET /api/stock', query: { sku: DEMO.sku, warehouse: DEMO.warehouse } },
  { op: 'GET /api/stock/atp', query: { sku: DEMO.sku, warehouse: DEMO.warehouse } },
  { op: 'GET /api/lots/trace', query: { sku: DEMO.lotSku, lot: NEW_LOT } },
  { op: 'GET /api/bins/{code}/history', params: { code: DEMO.storageBin } },
  { op: 'GET /api/movements', query: { docRef: DOC_REF } },
  { op: 'GET /api/events', query: { after: 0, limit: 20 } },
  { op: 'GET /api/ledger/check' },
  { op: 'GET /api/audit', query: { limit: 5 } },

  // replenishment of the pick face the move stocked
  { op: 'PUT /api/pick-faces', body: ex.pickFace },
  { op: 'GET /api/pick-faces', query: { warehouse: DEMO.warehouse } },
  { op: 'POST /api/replenishment/run', body: ex.replenishmentRun },
  { op: 'POST /api/tasks/{id}/replenish', body: ex.replenish,
    bind: async (c) => ({ id: (await taskOf(c, 'replenish', (t) => t.details?.face === DEMO.pickBin)).id }) },

  // inbound: an ASN from a supplier whose goods are inspected, QC, putaway
  { op: 'POST /api/inbound-orders', body: ex.inbound, after: (o, c) => { c.ids.inbound = o.id; } },
  { op: 'GET /api/inbound-orders', query: { warehouse: DEMO.warehouse } },
  { op: 'GET /api/inbound-orders/{id}', bind: id('inbound') },
  { op: 'POST /api/inbound-orders/{id}/receipts', bind: id('inbound'), body: ex.receive,
    after: (r, c) => { c.ids.qc = f(f(r, 'next'), 'inspectionId'); } },
  { op: 'GET /api/qc-inspections/{id}', bind: id('qc') },
  { op: 'POST /api/qc-inspections/{id}/result', bind: id('qc'), body: ex.qcResult,
    after: (r, c) => { c.ids.putaway = f(f(r, 'putaway'), 'taskId'); } },
  { op: 'GET /api/tasks', query: { warehouse: DEMO.warehouse } },
  { op: 'GET /api/tasks/{id}', bind: id('putaway') },
  { op: 'POST /api/tasks/{id}/assign', bind: id('putaway'), body: ex.assign },
  { op: 'GET /api/tasks/{id}/putaway-suggestions', bind: id('putaway') },
  { op: 'POST /api/tasks/{id}/putaway', bind: id('putaway'),
    bindBody: async (c) => {
      const t = await c.db.selectFrom('tasks').select('target_bin_id').where('id', '=', c.ids.putaway!)
        .executeTakeFirstOrThrow();
      return { bin: await binCode(c, t.target_bin_id) };
    } },
  { op: 'POST /api/inbound-orders/{id}/close', bind: id('inbound'), body: ex.closeInbound },

  // outbound: a transfer to the cold store, picked, packed and shipped
  { op: 'POST /api/outbound-orders', body: ex.outbound, after: (o, c) => { c.ids.outbound = o.id; } },
  { op: 'GET /api/outbound-orders', query: { warehouse: DEMO.warehouse } },
  { op: 'POST /api/outbound-orders/{id}/allocate', bind: id('outbound') },
  { op: 'POST /api/waves', body: ex.wave,
    after: (w, c) => { c.ids.wave = f(w, 'waveId'); c.ids.pickList = f(f(w, 'pickLists')[0], 'id'); } },
  { op: 'GET /api/waves/{id}', bind: id('wave') },
  { op: 'GET /api/pick-lists/{id}', bind: id('pickList') },
  { op: 'POST /api/tasks/{id}/pick', body: { item: DEMO.sku },
    bind: async (c) => ({ id: (await taskOf(c, 'pick', ours(c))).id }),
    bindBody: async (c) => {
      const t = await taskOf(c, 'pick', ours(c));
      return { bin: await binCode(c, t.source_bin_id), qty: t.qty };
    },
    after: async (_r, c) => { // the order's other picks, so that it can be packed and shipped
      for (;;) {
        const t = await taskOf(c, 'pick', ours(c)).catch(() => null);
        if (!t) break;
        const res = await c.api('POST', `/api/tasks/${t.id}/pick`, { bin: await binCode(c, t.source_bin_id),
          item: DEMO.sku, qty: t.qty });
        if (res.status !== 200) throw new Error(`pick ${t.id}: ${JSON.stringify(res.body)}`);
      }
    } },
  { op: 'GET /api/outbound-orders/{id}', bind: id('outbound') },
  { op: 'POST /api/outbound-orders/{id}/pack', bind: id('outbound'), body: ex.pack },
  { op: 'POST /api/outbound-orders/{id}/ship', bind: id('outbound'), body: ex.ship },
  { op: 'GET /api/transfers', after: (l, c) => { c.ids.transfer = items(l)[0].id; } },
  { op: 'GET /api/transfers/{id}', bind: id('transfer') },

  // counting the pick face
  { op: 'POST /api/counts', body: ex.count, after: (r, c) => { c.ids.count = r.id; } },
  { op: 'GET /api/counts', query: { warehouse: DEMO.warehouse } },
  { op: 'GET /api/counts/{id}', bind: id('count') },
  { op: 'POST /api/tasks/{id}/count', as: 'operator1', body: ex.countScan,
    bind: async (c) => ({ id: (await taskOf(c, 'count', (t) => t.ref_id === c.ids.count)).id }),
    bindBody: async (c) => {
      const rows = await c.db.selectFrom('stock_balances as sb').innerJoin('bins as b', 'b.id', 'sb.bin_id')
        .innerJoin('skus as s', 's.id', 'sb.sku_id').select('sb.qty')
        .where('b.code', '=', DEMO.pickBin).where('s.code', '=', DEMO.sku).execute();
      return { qty: rows.reduce((s, r) => s + Number(r.qty), 0) };
    },
    after: async (r, c) => { // the bin's other lines (the demo's stock), so that the count can be approved
      const count = (await c.api('GET', `/api/counts/${c.ids.count}`)).body;
      for (const line of count.lines.filter((l: any) => l.status === 'pending')) {
        const res = await c.api('POST', `/api/tasks/${r.taskId}/count`, { bin: line.bin, item: line.sku,
          ...(line.lot ? { lot: line.lot } : {}), owner: line.owner, status: line.stockStatus, qty: line.expectedQty });
        if (res.status !== 200) throw new Error(`count line ${line.id}: ${JSON.stringify(res.body)}`);
      }
    } },
  { op: 'POST /api/counts/{id}/approve', bind: id('count') },
  { op: 'POST /api/counts/cycle/schedule', body: ex.cycleSchedule,
    after: (r, c) => { c.ids.cycle = f(r, 'count')?.id; } },
  { op: 'POST /api/counts/{id}/cancel', bind: id('cycle'), body: ex.countCancel },
  { op: 'GET /api/counts/accuracy', query: { warehouse: DEMO.warehouse } },

  // control room and fleet
  { op: 'GET /api/control-room/bins/{id}',
    bind: async (c) => ({ id: (await c.db.selectFrom('bins').select('id').where('code', '=', DEMO.pickBin)
      .executeTakeFirstOrThrow()).id }) },
  { op: 'GET /api/control-room/warehouses/{warehouse}/search', params: { warehouse: DEMO.warehouse }, query: { q: DEMO.sku } },
  { op: 'GET /api/control-room/warehouses/{warehouse}/alerts', params: { warehouse: DEMO.warehouse }, query: { limit: 20 } },
  { op: 'GET /api/control-room/warehouses/{warehouse}/sku-classes', params: { warehouse: DEMO.warehouse } },
  { op: 'GET /api/fleet/{warehouse}', params: { warehouse: DEMO.warehouse } },
  { op: 'GET /api/fleet/{warehouse}/agvs/{agv}', params: { warehouse: DEMO.warehouse, agv: DEMO.agv } },
  { op: 'POST /api/fleet/{warehouse}/commands', params: { warehouse: DEMO.warehouse }, body: ex.fleetCommand },

  // deletes last
  { op: 'DELETE /api/skus/{code}', params: { code: NEW_SKU } },
  { op: 'DELETE /api/owners/{code}', params: { code: NEW_PARTY.owners } },
  { op: 'DELETE /api/suppliers/{code}', params: { code: NEW_PARTY.suppliers } },
  { op: 'DELETE /api/customers/{code}', params: { code: NEW_PARTY.customers } },
];
