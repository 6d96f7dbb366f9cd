import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  createParty, deleteParty, getParty, listParties, updateParty, type PartyInput, type PartyTable,
} from '../../domain/masterdata/parties.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, NEW_PARTY, withParamExamples } from '../examples.ts';
import { Page, PARTY } from '../responses.ts';
import { pageOfAll } from '../pagination.ts';
import { Code, CodeParam, errors, Pagination } from '../schemas.ts';

const extras: Record<PartyTable, Record<string, any>> = {
  owners: { allocationStrategy: Type.Optional(Type.Union([Type.Enum(['fifo', 'lifo', 'fefo']), Type.Null()], {
    description: 'how this owner\'s stock is allocated unless the order or line says otherwise' })) },
  suppliers: { requiresQc: Type.Optional(Type.Boolean({ description: 'receipts from this supplier go to QC' })),
    overReceiptPct: Type.Optional(Type.Integer({ minimum: 0, maximum: 100,
      description: 'how far above the expected quantity a line may be received, percent' })) },
  customers: { minRemainingShelfLifeDays: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'minimum days of shelf life left on shipped stock' })) },
};

/** Owners (3PL clients), suppliers and customers: the same five routes each. */
export async function partyRoutes(app: FastifyInstance, { db }: RouteDeps) {
  for (const table of ['owners', 'suppliers', 'customers'] as const) {
    const tags = [table];
    const read = { permission: 'masterdata:read' as const };
    const write = { permission: 'masterdata:write' as const };
    const fields = { name: Type.String({ minLength: 1, maxLength: 200 }), ...extras[table] };
    const Party = PARTY[table];
    const demoCode = { owners: DEMO.owner, suppliers: DEMO.qcSupplier, customers: DEMO.customer }[table];
    const existing = withParamExamples(CodeParam, { code: demoCode });
    const created = withParamExamples(CodeParam, { code: NEW_PARTY[table] });
    app.get(`/${table}`, { config: read, schema: { tags, summary: `List ${table}`,
      querystring: Type.Object({ ...Pagination }, { additionalProperties: false }), response: { 200: Page(Party) } } },
    async (request) => pageOfAll(request, await listParties(db, table)));
    app.get(`/${table}/:code`, { config: read, schema: { tags, params: existing,
      response: { 200: Party, ...errors(404) } } },
      async (request) => getParty(db, table, (request.params as { code: string }).code));
    app.post(`/${table}`, {
      config: write,
      schema: { tags, summary: `Create one of the ${table}`,
        body: Type.Object({ code: Code('unique code'), ...fields }, { additionalProperties: false,
          examples: [examples.party[table].create] }),
        response: { 201: Party, ...errors(400, 409) } },
    }, async (request, reply) => reply.code(201).send(await createParty(db, table, request.body as PartyInput)));
    app.patch(`/${table}/:code`, {
      config: write,
      schema: { tags, params: created,
        body: Type.Object(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])),
          { additionalProperties: false, examples: [examples.party[table].update] }),
        response: { 200: Party, ...errors(400, 404) } },
    }, async (request) => updateParty(db, table, (request.params as { code: string }).code, request.body as object));
    app.delete(`/${table}/:code`, {
      config: write, schema: { tags, params: created,
        response: { 204: Type.Null({ description: 'deleted' }), ...errors(404, 409) } },
    }, async (request, reply) => {
      await deleteParty(db, table, (request.params as { code: string }).code);
      return reply.code(204).send();
    });
  }
}
