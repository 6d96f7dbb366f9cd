import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  adjustStock, changeStatus, moveStock, scrapStock, type AdjustInput, type MoveInput, type ScrapInput,
  type StatusChangeInput,
} from '../../domain/inventory/operations.ts';
import { checkLedger } from '../../domain/inventory/ledger-check.ts';
import {
  availableToPromise, binContentsAt, documentTrail, queryStock, traceLot, type StockFilter,
} from '../../domain/inventory/queries.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, DOC_REF, examples, NEW_LOT, withParamExamples } from '../examples.ts';
import {
  AtpAnswer, BinHistory, LedgerCheck, LotTrace, MovementAnswer, StockPage,
} from '../responses.ts';
import { actorOf } from '../auth.ts';
import { movementPage, MovementPage, MovementQuery } from '../movements.ts';
import { pageFrom } from '../pagination.ts';
import { Code, DocRef, errors, idempotencyHeader, IsoDate, Pagination, Reason, StockStatus } from '../schemas.ts';

const selector = {
  sku: Code('SKU code'),
  lot: Type.Optional(Code('lot number; may be left out when the bin holds one lot of the SKU')),
  owner: Type.Optional(Code('owner code; may be left out when the bin holds stock of one owner')),
};
const Qty = Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'base units' });
const stockErrors = errors(400, 401, 403, 404, 409, 422);
const posted = { 200: MovementAnswer, ...stockErrors };
const idem = (request: FastifyRequest) => request.idempotency;

export async function inventoryRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['inventory'];

  app.post('/inventory/moves', {
    config: { permission: 'inventory:move', idempotency: 'inline' },
    schema: {
      tags, summary: 'Move stock between two bins (partial, or the whole unreserved quantity when qty is left out)',
      headers: idempotencyHeader,
      body: Type.Object({
        fromBin: Code('source bin code'), toBin: Code('target bin code'), ...selector,
        status: Type.Optional(StockStatus), qty: Type.Optional(Qty),
        reason: Type.Optional(Reason), docRef: Type.Optional(DocRef),
      }, { additionalProperties: false, examples: [examples.move] }),
      response: posted,
    },
  }, async (request) => moveStock(db, actorOf(request), request.body as MoveInput, idem(request)));

  app.post('/inventory/adjustments', {
    config: { permission: 'inventory:adjust', idempotency: 'inline' },
    schema: {
      tags, summary: 'Adjust stock with a reason: positive qty is a gain (owner required), negative a loss',
      headers: idempotencyHeader,
      body: Type.Object({
        bin: Code('bin code'), ...selector, status: Type.Optional(StockStatus),
        qty: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, not: { const: 0 },
          description: 'signed base units, not zero' }),
        reason: Reason, docRef: Type.Optional(DocRef),
        lotExpiry: Type.Optional(IsoDate), lotMfgDate: Type.Optional(IsoDate),
      }, { additionalProperties: false, examples: [examples.adjust] }),
      response: posted,
    },
  }, async (request) => adjustStock(db, actorOf(request), request.body as AdjustInput, idem(request)));

  app.post('/inventory/scrap', {
    config: { permission: 'inventory:adjust', idempotency: 'inline' },
    schema: {
      tags, summary: 'Scrap stock (write it off) with a reason', headers: idempotencyHeader,
      body: Type.Object({ bin: Code('bin code'), ...selector, status: Type.Optional(StockStatus), qty: Qty,
        reason: Reason, docRef: Type.Optional(DocRef) }, { additionalProperties: false, examples: [examples.scrap] }),
      response: posted,
    },
  }, async (request) => scrapStock(db, actorOf(request), request.body as ScrapInput, idem(request)));

  app.post('/inventory/status-changes', {
    config: { permission: 'inventory:status', idempotency: 'inline' },
    schema: {
      tags, summary: 'Freeze, unfreeze, put on QC hold, release or mark damaged', headers: idempotencyHeader,
      body: Type.Object({ bin: Code('bin code'), ...selector, from: Type.Optional(StockStatus), to: StockStatus,
        qty: Type.Optional(Qty), reason: Reason, docRef: Type.Optional(DocRef) }, { additionalProperties: false,
        examples: [examples.statusChange] }),
      response: posted,
    },
  }, async (request) => changeStatus(db, actorOf(request), request.body as StatusChangeInput, idem(request)));

  app.get('/stock', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, summary: 'Stock lines by SKU, bin, lot, owner, zone, warehouse or status, with available-to-promise',
      querystring: withParamExamples(Type.Object({ sku: Type.Optional(Code('SKU code')),
        bin: Type.Optional(Code('bin code')), lot: Type.Optional(Code('lot number')),
        owner: Type.Optional(Code('owner code')), zone: Type.Optional(Code('zone code')),
        warehouse: Type.Optional(Code('warehouse code')), status: Type.Optional(StockStatus), ...Pagination },
      { additionalProperties: false }), { sku: DEMO.sku, warehouse: DEMO.warehouse }),
      response: { 200: StockPage },
    },
  }, async (request) => pageFrom(request, (window) =>
    queryStock(db, actorOf(request), { ...request.query as StockFilter, ...window })));

  app.get('/stock/atp', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, summary: 'On hand by status, reserved and available-to-promise of a SKU per warehouse and owner',
      querystring: withParamExamples(Type.Object({ sku: Code('SKU code'), warehouse: Type.Optional(Code('warehouse code')),
        owner: Type.Optional(Code('owner code')) }, { additionalProperties: false }),
      { sku: DEMO.sku, warehouse: DEMO.warehouse }),
      response: { 200: AtpAnswer, ...errors(404) },
    },
  }, async (request) => availableToPromise(db, actorOf(request), request.query as { sku: string }));

  app.get('/lots/trace', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, summary: 'Where did a lot go: every movement of it and where it is now',
      querystring: withParamExamples(Type.Object({ sku: Code('SKU code'), lot: Code('lot number') },
        { additionalProperties: false }), { sku: DEMO.lotSku, lot: NEW_LOT }),
      response: { 200: LotTrace, ...errors(404) },
    },
  }, async (request) => {
    const q = request.query as { sku: string; lot: string };
    return traceLot(db, actorOf(request), q.sku, q.lot);
  });

  app.get('/bins/:code/history', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, summary: 'What was in a bin at a time (rebuilt from the ledger), and its movements up to then',
      params: withParamExamples(Type.Object({ code: Code('bin code') }), { code: DEMO.storageBin }),
      querystring: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time', description: 'default now' })) },
        { additionalProperties: false }),
      response: { 200: BinHistory, ...errors(404) },
    },
  }, async (request) => {
    const at = (request.query as { at?: string }).at;
    return binContentsAt(db, actorOf(request), (request.params as { code: string }).code, at ? new Date(at) : new Date());
  });

  app.get('/movements', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, summary: 'Movements by SKU, bin, lot, owner, warehouse, type, user, document and time, oldest first',
      description: 'Each movement with its ledger legs (those in your zones; a movement matches when one of its '
        + 'legs does, and shows all its legs you may see). Ordered by movement id, which only grows: follow '
        + '`next` (the cursor `after`) to page, and later to read what happened since. from/to filter by time.',
      querystring: withParamExamples(MovementQuery, { docRef: DOC_REF }),
      response: { 200: MovementPage, ...errors(400) },
    },
  }, async (request) => movementPage(db, request));

  app.get('/ledger/check', {
    config: { permission: 'audit:read' },
    schema: { tags, summary: 'Verify the invariant: every balance equals the sum of its ledger rows, none negative',
      response: { 200: LedgerCheck } },
  }, async () => checkLedger(db));
}


