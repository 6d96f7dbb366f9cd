import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { allocateOrder } from '../../domain/outbound/allocate.ts';
import {
  createOutboundOrder, getOutboundOrder, listOutboundOrders, type OutboundOrderInput,
} from '../../domain/outbound/orders.ts';
import { packOrder, shipOrder, type CartonInput } from '../../domain/outbound/ship.ts';
import { getPickList, getWave, releaseWave, type WaveInput } from '../../domain/outbound/waves.ts';
import { getTransfer, listTransfers } from '../../domain/transfers/transfers.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, withParamExamples } from '../examples.ts';
import {
  Allocation, OutboundOrder, OutboundRow, Packed, Page, PickList, Shipped, Transfer, TransferRow, Wave, WaveReleased,
} from '../responses.ts';
import { actorOf } from '../auth.ts';
import { pageFrom } from '../pagination.ts';
import { Code, errors, IdParam, idempotencyHeader, Pagination } from '../schemas.ts';

const id = (request: { params: unknown }) => (request.params as { id: number }).id;
/** Example ids: the OpenAPI test runs them with the ids the examples before it created. */
const IdExample = withParamExamples(IdParam, { id: 1 });
const Strategy = Type.Enum(['fifo', 'lifo', 'fefo'], { description: 'allocation strategy' });
const Qty = Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'base units' });
const Metres = Type.Number({ exclusiveMinimum: 0, maximum: 20 });

/** Outbound: orders, allocation, waves and pick lists, packing and shipping. */
export async function outboundRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['outbound'];

  app.post('/outbound-orders', {
    config: { permission: 'outbound:write' },
    schema: {
      tags, summary: 'Create an outbound order (sales, material issue, transfer-out)', headers: idempotencyHeader,
      body: Type.Object({
        warehouse: Code('warehouse code'), code: Code('order number, unique per warehouse'),
        type: Type.Enum(['sales', 'issue', 'transfer_out']), owner: Code('owner code'),
        customer: Type.Optional(Code('customer code (sales orders)')), strategy: Type.Optional(Strategy),
        carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        cutoffAt: Type.Optional(Type.String({ format: 'date-time', description: 'carrier cut-off' })),
        priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
        toWarehouse: Type.Optional(Code('transfer-out: the receiving warehouse')),
        lines: Type.Array(Type.Object({ sku: Code('SKU code'), qty: Qty, lot: Type.Optional(Code('specified lot')),
          strategy: Type.Optional(Strategy) }, { additionalProperties: false }), { minItems: 1, maxItems: 5000 }),
      }, { additionalProperties: false, examples: [examples.outbound] }),
      response: { 201: OutboundOrder, ...errors(400, 403, 404, 409) },
    },
  }, async (request, reply) => reply.code(201)
    .send(await createOutboundOrder(db, actorOf(request), request.body as OutboundOrderInput)));

  app.get('/outbound-orders', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Outbound orders, newest first',
      querystring: withParamExamples(Type.Object({ warehouse: Type.Optional(Code('warehouse code')),
        status: Type.Optional(Type.Enum(['open', 'allocated', 'backordered', 'released', 'picked', 'packed', 'shipped',
          'cancelled'])), ...Pagination }, { additionalProperties: false }), { warehouse: DEMO.warehouse }),
      response: { 200: Page(OutboundRow) } },
  }, async (request) => pageFrom(request, (window) =>
    listOutboundOrders(db, actorOf(request), { ...request.query as object, ...window })));

  app.get('/outbound-orders/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'An outbound order with lines, allocations, cartons and shipment', params: IdExample,
      response: { 200: OutboundOrder, ...errors(403, 404) } },
  }, async (request) => getOutboundOrder(db, actorOf(request), id(request)));

  app.post('/outbound-orders/:id/allocate', {
    config: { permission: 'outbound:write' },
    schema: { tags, summary: 'Allocate (reserve) stock by FIFO, LIFO, FEFO or specified lot; what is missing stays backordered',
      headers: idempotencyHeader, params: IdExample, response: { 200: Allocation, ...errors(403, 404, 409) } },
  }, async (request) => allocateOrder(db, actorOf(request), id(request)));

  app.post('/waves', {
    config: { permission: 'outbound:write' },
    schema: {
      tags, summary: 'Release allocated orders into a wave with routed pick lists (order, batch or zone picking)',
      headers: idempotencyHeader,
      body: Type.Object({
        warehouse: Code('warehouse code'), mode: Type.Enum(['order', 'batch', 'zone']),
        code: Type.Optional(Code('wave code (default W00001 ...)')),
        orders: Type.Optional(Type.Array(Code('order code'), { minItems: 1, maxItems: 1000 })),
        carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        cutoffBefore: Type.Optional(Type.String({ format: 'date-time' })),
        zone: Type.Optional(Code('zone code')),
        maxOrders: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        maxLines: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        maxVolumeM3: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        ordersPerList: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
      }, { additionalProperties: false, examples: [examples.wave] }),
      response: { 201: WaveReleased, ...errors(400, 403, 404, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await releaseWave(db, actorOf(request), request.body as WaveInput)));

  app.get('/transfers', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Transfers between warehouses, newest first',
      querystring: Type.Object({ status: Type.Optional(Type.Enum(['open', 'in_transit', 'received', 'cancelled'])),
        ...Pagination }, { additionalProperties: false }),
      response: { 200: Page(TransferRow) } },
  }, async (request) => pageFrom(request, (window) =>
    listTransfers(db, { ...request.query as object, ...window })));

  app.get('/transfers/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'A transfer: what was shipped, what is still in transit, what arrived', params: IdExample,
      response: { 200: Transfer, ...errors(403, 404) } },
  }, async (request) => getTransfer(db, actorOf(request), id(request)));

  app.get('/waves/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'A wave with its orders and pick lists', params: IdExample,
      response: { 200: Wave, ...errors(403, 404) } },
  }, async (request) => getWave(db, actorOf(request), id(request)));

  app.get('/pick-lists/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'A pick list: stops in route order and the expected travel distance', params: IdExample,
      response: { 200: PickList, ...errors(403, 404) } },
  }, async (request) => getPickList(db, actorOf(request), id(request)));

  app.post('/outbound-orders/:id/pack', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags, summary: 'Pack a picked order into cartons (contents must match what was picked)', headers: idempotencyHeader,
      params: IdExample,
      body: Type.Object({ cartons: Type.Array(Type.Object({
        code: Type.Optional(Code('carton code (default <order>-C1 ...)')),
        weightKg: Type.Number({ exclusiveMinimum: 0, maximum: 2000 }),
        lengthM: Type.Optional(Metres), widthM: Type.Optional(Metres), heightM: Type.Optional(Metres),
        contents: Type.Array(Type.Object({ sku: Code('SKU code'), lot: Type.Optional(Code('lot')), qty: Qty },
          { additionalProperties: false }), { minItems: 1 }),
      }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }) }, { additionalProperties: false,
        examples: [examples.pack] }),
      response: { 200: Packed, ...errors(400, 403, 404, 409) },
    },
  }, async (request) => packOrder(db, actorOf(request), id(request), (request.body as { cartons: CartonInput[] }).cartons));

  app.post('/outbound-orders/:id/ship', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags, summary: 'Ship a packed order: stock leaves, a shipment is recorded and handed to the TMS (event)',
      headers: idempotencyHeader, params: IdExample,
      body: Type.Object({ carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        trackingNo: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false,
        examples: [examples.ship] }),
      response: { 200: Shipped, ...errors(400, 403, 404, 409) },
    },
  }, async (request) => shipOrder(db, actorOf(request), id(request), request.body as { carrier?: string; trackingNo: string }));
}
