import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { recordCount, type CountScanInput } from '../../domain/counting/count-scan.ts';
import {
  approveCount, cancelCount, countAccuracy, createCount, getCount, listCounts, scheduleCycleCount, type CountInput,
} from '../../domain/counting/counts.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, withParamExamples } from '../examples.ts';
import {
  Count, CountAccuracy, CountApproved, CountCancelled, CountRow, CountScan, CycleSchedule, Page,
} from '../responses.ts';
import { actorOf } from '../auth.ts';
import { pageFrom } from '../pagination.ts';
import { Code, errors, IdParam, idempotencyHeader, Pagination, Reason, StockStatus } from '../schemas.ts';

const id = (request: { params: unknown }) => (request.params as { id: number }).id;
/** Example ids: the OpenAPI test runs them with the ids of the count and tasks the examples before it created. */
const IdExample = withParamExamples(IdParam, { id: 1 });
const CountStatus = Type.Enum(['open', 'counting', 'review', 'approved', 'cancelled']);

/** Stock counts: periodic (zone, frozen), cycle (ABC schedule), dynamic; counting by scan; approval; accuracy. */
export async function countRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['counts'];

  app.post('/counts', {
    config: { permission: 'tasks:manage' },
    schema: {
      tags, summary: 'Start a periodic count of a zone (frozen while it runs) or a dynamic count of given bins',
      headers: idempotencyHeader,
      body: Type.Object({
        warehouse: Code('warehouse code'), kind: Type.Enum(['periodic', 'dynamic']),
        zone: Type.Optional(Code('zone code (periodic)')),
        bins: Type.Optional(Type.Array(Code('bin code'), { minItems: 1, maxItems: 1000, description: 'bins (dynamic)' })),
        code: Type.Optional(Code('count code, unique per warehouse (default PC-00001, DC-00001 ...)')),
        blind: Type.Optional(Type.Boolean({ description: 'hide the book quantity from counters (default true)' })),
        tolerancePct: Type.Optional(Type.Number({ minimum: 0, maximum: 100,
          description: 'a variance above this percentage of the book asks for a recount (default 0: any variance)' })),
        freeze: Type.Optional(Type.Boolean({ description: 'block the bins while the count runs (default: periodic only)' })),
      }, { additionalProperties: false, examples: [examples.count,
        { warehouse: DEMO.warehouse, kind: 'periodic', zone: 'STAGE' }] }),
      response: { 201: Count, ...errors(400, 403, 404, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await createCount(db, actorOf(request), request.body as CountInput)));

  app.post('/counts/cycle/schedule', {
    config: { permission: 'tasks:manage' },
    schema: {
      tags, summary: 'Create a cycle count of the bins due by ABC class (A 30 days, B 90, C 365); for a cron job',
      headers: idempotencyHeader,
      body: Type.Object({ warehouse: Code('warehouse code') }, { additionalProperties: false,
        examples: [examples.cycleSchedule] }),
      response: { 200: CycleSchedule, ...errors(400, 403, 404, 409) },
    },
  }, async (request) => scheduleCycleCount(db, actorOf(request), request.body as { warehouse: string }));

  app.get('/counts', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Counts, newest first',
      querystring: withParamExamples(Type.Object({ warehouse: Type.Optional(Code('warehouse code')),
        status: Type.Optional(CountStatus), kind: Type.Optional(Type.Enum(['periodic', 'cycle', 'dynamic'])),
        ...Pagination }, { additionalProperties: false }), { warehouse: DEMO.warehouse }),
      response: { 200: Page(CountRow) } },
  }, async (request) => pageFrom(request, (window) =>
    listCounts(db, actorOf(request), { ...request.query as object, ...window })));

  app.get('/counts/accuracy', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Inventory record accuracy per zone over approved counts',
      querystring: withParamExamples(Type.Object({ warehouse: Code('warehouse code') }, { additionalProperties: false }),
        { warehouse: DEMO.warehouse }),
      response: { 200: CountAccuracy, ...errors(400, 403, 404) } },
  }, async (request) => countAccuracy(db, actorOf(request), request.query as { warehouse: string }));

  app.get('/counts/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'A count with its lines (book quantities only to managers, or once counting is over)',
      params: IdExample, response: { 200: Count, ...errors(403, 404) } },
  }, async (request) => getCount(db, actorOf(request), id(request)));

  app.post('/counts/:id/approve', {
    config: { permission: 'tasks:manage' },
    schema: {
      tags, summary: 'Approve a count in review: post the variances (count_variance), raise alerts, close tasks, unfreeze',
      headers: idempotencyHeader, params: IdExample, response: { 200: CountApproved, ...errors(403, 404, 409) },
    },
  }, async (request) => approveCount(db, actorOf(request), id(request)));

  app.post('/counts/:id/cancel', {
    config: { permission: 'tasks:manage' },
    schema: {
      tags, summary: 'Cancel an open count: its tasks are cancelled and its bins unfrozen; nothing is posted',
      headers: idempotencyHeader, params: IdExample,
      body: Type.Optional(Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false,
        examples: [examples.countCancel] })),
      response: { 200: CountCancelled, ...errors(400, 403, 404, 409) },
    },
  }, async (request) => cancelCount(db, actorOf(request), id(request), (request.body as { reason?: string } | undefined)?.reason));

  app.post('/tasks/:id/count', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags: ['tasks', ...tags],
      summary: 'Count a bin by scan (blind): bin, item (and lot), quantity; no item and qty 0 = the rest of the bin is empty',
      headers: idempotencyHeader, params: IdExample,
      body: Type.Object({ bin: Code('scanned bin code'),
        item: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'scanned item: SKU code, GTIN or GS1 string' })),
        lot: Type.Optional(Code('lot, when the item scan does not carry it')),
        owner: Type.Optional(Code('owner, when the bin holds the item for several owners')),
        status: Type.Optional(StockStatus),
        qty: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'base units counted' }) },
      { additionalProperties: false, examples: [examples.countScan] }),
      response: { 200: CountScan, ...errors(400, 403, 404, 409, 422) },
    },
  }, async (request) => recordCount(db, actorOf(request), id(request), request.body as CountScanInput));
}
