import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  confirmReplenish, listPickFaces, runReplenishment, setPickFace, type PickFaceInput,
} from '../../domain/replenishment/replenish.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, withParamExamples } from '../examples.ts';
import { Page, PickFace, PickFaceRow, Replenished, ReplenishmentRun } from '../responses.ts';
import { actorOf } from '../auth.ts';
import { pageOfAll } from '../pagination.ts';
import { Code, errors, IdParam, idempotencyHeader, Pagination } from '../schemas.ts';

const id = (request: { params: unknown }) => (request.params as { id: number }).id;
const Units = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000, description });

/** Pick-face min/max and replenishment from storage. */
export async function replenishmentRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['replenishment'];

  app.put('/pick-faces', {
    config: { permission: 'masterdata:write' },
    schema: {
      tags, summary: 'Set the min/max of a SKU in a pick-face bin', headers: idempotencyHeader,
      body: Type.Object({ bin: Code('pick-face bin code'), sku: Code('SKU code'),
        min: Units('replenish when the free stock falls below this'),
        max: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'replenish up to this much free stock' }) },
      { additionalProperties: false, examples: [examples.pickFace] }),
      response: { 200: PickFace, ...errors(400, 403, 404) },
    },
  }, async (request) => setPickFace(db, actorOf(request), request.body as PickFaceInput));

  app.get('/pick-faces', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Pick faces of a warehouse with their stock, min/max and open replenishment',
      querystring: withParamExamples(Type.Object({ warehouse: Code('warehouse code'), ...Pagination },
        { additionalProperties: false }), { warehouse: DEMO.warehouse }),
      response: { 200: Page(PickFaceRow), ...errors(400, 403, 404) } },
  }, async (request) => pageOfAll(request,
    await listPickFaces(db, actorOf(request), request.query as { warehouse: string })));

  app.post('/replenishment/run', {
    config: { permission: 'outbound:write' },
    schema: {
      tags, summary: 'Create replenish tasks for every pick face below min (or short of its allocations); alert when no source',
      headers: idempotencyHeader,
      body: Type.Object({ warehouse: Code('warehouse code') }, { additionalProperties: false,
        examples: [examples.replenishmentRun] }),
      response: { 200: ReplenishmentRun, ...errors(400, 403, 404) },
    },
  }, async (request) => runReplenishment(db, actorOf(request), request.body as { warehouse: string }));

  app.post('/tasks/:id/replenish', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags: ['tasks', ...tags], summary: 'Confirm a replenishment by scanning the pick face: the stock moves from storage',
      headers: idempotencyHeader, params: withParamExamples(IdParam, { id: 1 }),
      body: Type.Object({ bin: Code('scanned target (pick-face) bin code'),
        qty: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'default: all that is left' })) },
      { additionalProperties: false, examples: [examples.replenish] }),
      response: { 200: Replenished, ...errors(400, 403, 404, 409, 422) },
    },
  }, async (request) => confirmReplenish(db, actorOf(request), id(request), request.body as { bin: string; qty?: number }));
}
