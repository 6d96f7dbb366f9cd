import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { confirmPick, type PickInput } from '../../domain/outbound/pick.ts';
import { confirmPutaway, suggestForTask, type ConfirmPutawayInput } from '../../domain/putaway/putaway.ts';
import { assignTask, getTask, listTasks, type TaskFilter } from '../../domain/tasks/tasks.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, withParamExamples } from '../examples.ts';
import { Page, PickDone, PutawayDone, PutawaySuggestions, Task } from '../responses.ts';
import { actorOf } from '../auth.ts';
import { pageFrom } from '../pagination.ts';
import { Code, errors, IdParam, idempotencyHeader, Pagination, Reason } from '../schemas.ts';

const id = (request: { params: unknown }) => (request.params as { id: number }).id;
/** Example ids: the OpenAPI test runs them with the ids of the tasks the examples before it created. */
const IdExample = withParamExamples(IdParam, { id: 1 });
const TaskType = Type.Enum(['putaway', 'pick', 'replenish', 'count', 'move', 'qc']);

/** Tasks: the work queue of operators, PDAs and AGVs, and the scans that complete them. */
export async function taskRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['tasks'];

  app.get('/tasks', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Tasks in your warehouses and zones, highest priority first (default: active ones)',
      querystring: withParamExamples(Type.Object({ warehouse: Type.Optional(Code('warehouse code')),
        type: Type.Optional(TaskType),
        status: Type.Optional(Type.Enum(['active', 'open', 'assigned', 'in_progress', 'done', 'cancelled'])),
        assignee: Type.Optional(Code('username')), ...Pagination }, { additionalProperties: false }),
      { warehouse: DEMO.warehouse }),
      response: { 200: Page(Task) } },
  }, async (request) => pageFrom(request, (window) =>
    listTasks(db, actorOf(request), { ...request.query as object, ...window } as TaskFilter)));

  app.get('/tasks/:id', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'A task with its bins, item and explanation', params: IdExample,
      response: { 200: Task, ...errors(403, 404) } },
  }, async (request) => getTask(db, actorOf(request), id(request)));

  app.post('/tasks/:id/assign', {
    config: { permission: 'tasks:manage' },
    schema: { tags, summary: 'Assign a task to an operator or an AGV', headers: idempotencyHeader, params: IdExample,
      body: Type.Object({ user: Type.Optional(Code('username')), agv: Type.Optional(Code('AGV id')) },
        { additionalProperties: false, examples: [examples.assign, examples.assignAgv] }),
      response: { 200: Task, ...errors(400, 403, 404, 409) } },
  }, async (request) => assignTask(db, actorOf(request), id(request), request.body as { user?: string; agv?: string }));

  app.get('/tasks/:id/putaway-suggestions', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'Ranked bins for a putaway task, with the rules that chose them', params: IdExample,
      response: { 200: PutawaySuggestions, ...errors(403, 404, 409) } },
  }, async (request) => suggestForTask(db, actorOf(request), id(request)));

  app.post('/tasks/:id/putaway', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags, summary: 'Confirm a putaway by scanning the bin; another bin than the suggested one needs a reason and must fit',
      headers: idempotencyHeader, params: IdExample,
      body: Type.Object({ bin: Code('scanned bin code'),
        qty: Type.Optional(Type.Integer({ minimum: 1, description: 'default: all that is left on the task' })),
        reason: Type.Optional(Reason) }, { additionalProperties: false,
        examples: [examples.putaway, examples.putawayElsewhere] }),
      response: { 200: PutawayDone, ...errors(400, 403, 404, 409) },
    },
  }, async (request) => confirmPutaway(db, actorOf(request), id(request), request.body as ConfirmPutawayInput));

  app.post('/tasks/:id/pick', {
    config: { permission: 'tasks:execute' },
    schema: {
      tags, summary: 'Confirm a pick by scan: bin, item (and lot), quantity. short: true records what is missing',
      headers: idempotencyHeader, params: IdExample,
      body: Type.Object({ bin: Code('scanned bin code'),
        item: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'scanned item: SKU code, GTIN or GS1 string' })),
        lot: Type.Optional(Code('lot, when the item scan does not carry it')),
        qty: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'base units taken' }),
        short: Type.Optional(Type.Boolean({ description: 'this is all there is: the rest is short' })) },
      { additionalProperties: false, examples: [examples.pick] }),
      response: { 200: PickDone, ...errors(400, 403, 404, 409, 422) },
    },
  }, async (request) => confirmPick(db, actorOf(request), id(request), request.body as PickInput));
}
