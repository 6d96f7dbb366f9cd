import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  closeInboundOrder, createInboundOrder, getInboundOrder, listInboundOrders, type InboundOrderInput,
} from '../../domain/inbound/orders.ts';
import { getQcInspection, recordQcResult, type QcResultInput } from '../../domain/inbound/qc.ts';
import { receive, type ReceiveInput } from '../../domain/inbound/receive.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, withParamExamples } from '../examples.ts';
import { InboundOrder, InboundRow, Page, QcInspection, QcResult, ReceiptAnswer } from '../responses.ts';
import { actorOf } from '../auth.ts';
import { pageFrom } from '../pagination.ts';
import { Code, errors, IdParam, idempotencyHeader, IsoDate, Pagination } from '../schemas.ts';

const Qty = Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'base units' });
const id = (request: { params: unknown }) => (request.params as { id: number }).id;
/** The example's id: the order (or inspection) the examples before it created; the OpenAPI test uses that one. */
const IdExample = withParamExamples(IdParam, { id: 7 });

/** Inbound: ASNs, receiving by scan, QC inspections. */
export async function inboundRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['inbound'];

  app.post('/inbound-orders', {
    config: { permission: 'inbound:write' },
    schema: {
      tags, summary: 'Create an inbound order (ASN) with its expected lines', headers: idempotencyHeader,
      body: Type.Object({
        warehouse: Code('warehouse code'), code: Code('order number, unique per warehouse'),
        type: Type.Enum(['purchase', 'return', 'transfer_in', 'production']), owner: Code('owner code'),
        supplier: Type.Optional(Code('supplier code (purchase orders)')),
        customer: Type.Optional(Code('customer code (returns)')),
        blind: Type.Optional(Type.Boolean({ description: 'receive whatever arrives without expected lines' })),
        overReceiptPct: Type.Optional(Type.Integer({ minimum: 0, maximum: 100,
          description: 'over-receipt tolerance, percent (default: the supplier\'s)' })),
        expectedAt: Type.Optional(Type.String({ format: 'date-time' })),
        dockBin: Type.Optional(Code('dock or staging bin to receive into (default the first dock/staging bin)')),
        lines: Type.Array(Type.Object({ sku: Code('SKU code'), qty: Qty, lot: Type.Optional(Code('expected lot')),
          expiry: Type.Optional(IsoDate) }, { additionalProperties: false }), { maxItems: 5000 }),
      }, { additionalProperties: false, examples: [examples.inbound] }),
      response: { 201: InboundOrder, ...errors(400, 403, 404, 409) },
    },
  }, async (request, reply) => reply.code(201)
    .send(await createInboundOrder(db, actorOf(request), request.body as InboundOrderInput)));

  app.get('/inbound-orders', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Inbound orders, newest first',
      querystring: withParamExamples(Type.Object({ warehouse: Type.Optional(Code('warehouse code')),
        status: Type.Optional(Type.Enum(['open', 'receiving', 'closed', 'cancelled'])), ...Pagination },
      { additionalProperties: false }), { warehouse: DEMO.warehouse }),
      response: { 200: Page(InboundRow) } },
  }, async (request) => pageFrom(request, (window) =>
    listInboundOrders(db, actorOf(request), { ...request.query as object, ...window })));

  app.get('/inbound-orders/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'An inbound order with its lines, progress and discrepancies', params: IdExample,
      response: { 200: InboundOrder, ...errors(403, 404) } },
  }, async (request) => getInboundOrder(db, actorOf(request), id(request)));

  app.post('/inbound-orders/:id/receipts', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags, summary: 'Receive by scan: SKU code, GTIN or GS1-128 / DataMatrix string (lot, expiry and count read from it)',
      headers: idempotencyHeader, params: IdExample,
      body: Type.Object({
        scan: Type.String({ minLength: 1, maxLength: 200, description: 'what the scanner read' }),
        qty: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'in scanned units (default: the GS1 count, else 1)' })),
        lot: Type.Optional(Code('lot number, when the scan does not carry it')),
        expiry: Type.Optional(IsoDate), mfgDate: Type.Optional(IsoDate),
        serial: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        bin: Type.Optional(Code('dock, staging or QC bin (default the order\'s dock bin)')),
        disposition: Type.Optional(Type.Enum(['restock', 'qc', 'scrap'],
          { description: 'customer returns: restock (put away), qc (inspect) or scrap (write off)' })),
      }, { additionalProperties: false, examples: [examples.receive] }),
      response: { 200: ReceiptAnswer, ...errors(400, 403, 404, 409, 422) },
    },
  }, async (request) => receive(db, actorOf(request), id(request), request.body as ReceiveInput));

  app.post('/inbound-orders/:id/close', {
    config: { permission: 'inbound:write' },
    schema: { tags, summary: 'Close receiving; lines received short or over get a discrepancy record',
      headers: idempotencyHeader, params: IdExample,
      body: Type.Object({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
        { additionalProperties: false, examples: [examples.closeInbound] }),
      response: { 200: InboundOrder, ...errors(400, 403, 404, 409) } },
  }, async (request) => closeInboundOrder(db, actorOf(request), id(request), (request.body as { note?: string })?.note));

  app.get('/qc-inspections/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'A QC inspection', params: withParamExamples(IdParam, { id: 1 }),
      response: { 200: QcInspection, ...errors(404) } },
  }, async (request) => getQcInspection(db, id(request)));

  app.post('/qc-inspections/:id/result', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags, summary: 'Record a QC result: pass releases the stock for putaway; fail quarantines it or marks it damaged',
      headers: idempotencyHeader, params: withParamExamples(IdParam, { id: 1 }),
      body: Type.Object({
        result: Type.Enum(['pass', 'fail', 'partial']),
        passedQty: Type.Optional(Type.Integer({ minimum: 1, description: 'for partial: how many passed' })),
        disposition: Type.Optional(Type.Enum(['quarantine', 'damaged'], { description: 'where failed stock goes' })),
        note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      }, { additionalProperties: false, examples: [examples.qcResult] }),
      response: { 200: QcResult, ...errors(400, 403, 404, 409) },
    },
  }, async (request) => recordQcResult(db, actorOf(request), id(request), request.body as QcResultInput));
}
