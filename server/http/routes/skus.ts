import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  createLot, createSku, deleteSku, getSku, listLots, listSkus, updateSku, type SkuInput,
} from '../../domain/masterdata/skus.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, NEW_SKU, withParamExamples } from '../examples.ts';
import { LotCreated, LotRow, Page, Sku, SkuRow } from '../responses.ts';
import { pageFrom, pageOfAll } from '../pagination.ts';
import { Code, CodeParam, errors, IsoDate, Pagination } from '../schemas.ts';

const Metres = (d: string) => Type.Number({ exclusiveMinimum: 0, maximum: 100, description: `${d}, metres` });
const Unit = Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Z0-9]+$', description: 'unit code, e.g. EA, CASE, PAL' });

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  spec: Type.Optional(Type.String({ maxLength: 500, description: 'specification, e.g. 500ml x 12' })),
  baseUnit: Type.Optional(Unit),
  lengthM: Metres('length'),
  widthM: Metres('width'),
  heightM: Metres('height'),
  weightKg: Type.Number({ exclusiveMinimum: 0, maximum: 100000, description: 'kg per base unit' }),
  unitsPerPallet: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()], {
    description: 'base units on one pallet, what a pallet location (maxPallets) takes; default the PAL unit\'s factor' })),
  shelfLifeDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  minRemainingShelfLifeDays: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'receipts with less shelf life left are refused' })),
  lotTracked: Type.Optional(Type.Boolean()),
  expiryTracked: Type.Optional(Type.Boolean()),
  abcClass: Type.Optional(Type.Enum(['A', 'B', 'C'])),
  temperature: Type.Optional(Type.Enum(['ambient', 'chilled', 'frozen'])),
  requiresQc: Type.Optional(Type.Boolean()),
  allocationStrategy: Type.Optional(Type.Union([Type.Enum(['fifo', 'lifo', 'fefo']), Type.Null()], {
    description: 'default allocation of this SKU (else FEFO when expiry-tracked, FIFO otherwise)' })),
  units: Type.Optional(Type.Array(Type.Object({
    unit: Unit, factor: Type.Integer({ minimum: 2, maximum: 1_000_000, description: 'base units per pack unit' }),
  }, { additionalProperties: false }), { maxItems: 10 })),
  barcodes: Type.Optional(Type.Array(Type.Object({
    barcode: Type.String({ minLength: 4, maxLength: 64, pattern: '^[0-9A-Za-z-]+$' }),
    kind: Type.Optional(Type.Enum(['gtin', 'ean', 'upc', 'internal'])),
    unit: Type.Optional(Unit),
  }, { additionalProperties: false }), { maxItems: 20 })),
};

export async function skuRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const read = { permission: 'masterdata:read' as const };
  const write = { permission: 'masterdata:write' as const };
  const tags = ['skus'];
  app.get('/skus', {
    config: read,
    schema: { tags, summary: 'Search SKUs by code, name or exact barcode',
      querystring: withParamExamples(Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })),
        abcClass: Type.Optional(Type.Enum(['A', 'B', 'C'])), ...Pagination }, { additionalProperties: false }),
      { q: 'NBC-HOM', limit: 5 }),
      response: { 200: Page(SkuRow) } },
  }, async (request) => pageFrom(request, (window) =>
    listSkus(db, { ...request.query as { q?: string; abcClass?: string }, ...window })));
  app.post('/skus', {
    config: write,
    schema: { tags, summary: 'Create a SKU with pack units and barcodes',
      body: Type.Object({ code: Code('unique SKU code'), ...fields }, { additionalProperties: false,
        examples: [examples.createSku] }),
      response: { 201: Sku, ...errors(400, 409) } },
  }, async (request, reply) => reply.code(201).send(await createSku(db, request.body as SkuInput)));
  app.get('/skus/:code', { config: read, schema: { tags, params: withParamExamples(CodeParam, { code: DEMO.sku }),
    response: { 200: Sku, ...errors(404) } } },
    async (request) => getSku(db, (request.params as { code: string }).code));
  app.patch('/skus/:code', {
    config: write,
    schema: { tags, summary: 'Change a SKU (units and barcodes, when given, replace the old lists)',
      params: withParamExamples(CodeParam, { code: NEW_SKU }),
      body: Type.Object(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])),
        { additionalProperties: false, examples: [examples.updateSku] }),
      response: { 200: Sku, ...errors(400, 404, 409) } },
  }, async (request) => updateSku(db, (request.params as { code: string }).code, request.body as Partial<SkuInput>));
  app.delete('/skus/:code', {
    config: write, schema: { tags, summary: 'Delete a SKU that never had stock', params: withParamExamples(CodeParam, { code: NEW_SKU }),
      response: { 204: Type.Null({ description: 'deleted' }), ...errors(404, 409) } },
  }, async (request, reply) => {
    await deleteSku(db, (request.params as { code: string }).code);
    return reply.code(204).send();
  });
  app.get('/skus/:code/lots', { config: read, schema: { tags, summary: 'Lots of a SKU by expiry',
    params: withParamExamples(CodeParam, { code: DEMO.lotSku }),
    querystring: Type.Object({ ...Pagination }, { additionalProperties: false }),
    response: { 200: Page(LotRow), ...errors(404) } } },
  async (request) => pageOfAll(request, await listLots(db, (request.params as { code: string }).code)));
  app.post('/skus/:code/lots', {
    config: write,
    schema: { tags, summary: 'Register a lot (expiry derived from shelf life when only a manufacture date is given)',
      params: withParamExamples(CodeParam, { code: DEMO.lotSku }),
      body: Type.Object({ lotNo: Code('lot number'), expiryDate: Type.Optional(IsoDate), mfgDate: Type.Optional(IsoDate) },
        { additionalProperties: false, examples: [examples.createLot] }),
      response: { 201: LotCreated, ...errors(400, 404, 409) } },
  }, async (request, reply) => reply.code(201).send(await createLot(db, (request.params as { code: string }).code,
    request.body as { lotNo: string })));
}
