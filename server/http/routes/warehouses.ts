import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { LayoutSpecSchema, type LayoutSpec } from '../../../model/layout-spec.ts';
import {
  createWarehouseFromLayout, getBin, getWarehouse, getWarehouseGraph, listBins, listWarehouses, listZones,
  updateBin, updateWarehouse, updateZone, type BinPatch, type ZonePatch,
} from '../../domain/masterdata/warehouses.ts';
import type { RouteDeps } from '../app.ts';
import { DEMO, examples, withExample, withParamExamples } from '../examples.ts';
import {
  Bin, BinRow, Graph, Page, Warehouse, WarehouseCreated, WarehouseRow, Zone, ZoneRow,
} from '../responses.ts';
import { pageFrom, pageOfAll } from '../pagination.ts';
import { Code, CodeParam, errors, Pagination } from '../schemas.ts';
import { warehouseIdOf, WarehouseCode, WarehouseParam as WarehouseCodeParam } from '../warehouse-param.ts';

const WarehouseParam = withParamExamples(WarehouseCodeParam, { warehouse: DEMO.warehouse });

export async function warehouseRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const read = { permission: 'masterdata:read' as const };
  const write = { permission: 'masterdata:write' as const };

  app.get('/warehouses', { config: read, schema: { tags: ['warehouses'], summary: 'List warehouses',
    querystring: Type.Object({ ...Pagination }, { additionalProperties: false }),
    response: { 200: Page(WarehouseRow) } } },
  async (request) => pageOfAll(request, await listWarehouses(db)));
  app.post('/warehouses', {
    config: write,
    schema: {
      tags: ['warehouses'], summary: 'Create a warehouse with zones, bins and travel graph from a layout spec',
      body: withExample(LayoutSpecSchema, examples.createWarehouse),
      response: { 201: WarehouseCreated, ...errors(400, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await createWarehouseFromLayout(db, request.body as LayoutSpec)));
  app.get('/warehouses/:warehouse', {
    config: read, schema: { tags: ['warehouses'], params: WarehouseParam, response: { 200: Warehouse, ...errors(404) } },
  }, async (request) => getWarehouse(db, await warehouseIdOf(db, request)));
  app.patch('/warehouses/:warehouse', {
    config: write,
    schema: {
      tags: ['warehouses'], summary: 'Rename a warehouse or change its time zone', params: WarehouseParam,
      body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false,
        examples: [examples.updateWarehouse] }),
      response: { 200: Warehouse, ...errors(400, 404) },
    },
  }, async (request) => updateWarehouse(db, await warehouseIdOf(db, request), request.body as object));
  app.get('/warehouses/:warehouse/zones', { config: read, schema: { tags: ['warehouses'], params: WarehouseParam,
    querystring: Type.Object({ ...Pagination }, { additionalProperties: false }),
    response: { 200: Page(ZoneRow), ...errors(404) } } },
  async (request) => pageOfAll(request, await listZones(db, await warehouseIdOf(db, request))));
  app.patch('/warehouses/:warehouse/zones/:code', {
    config: write,
    schema: {
      tags: ['warehouses'], summary: 'Rename a zone or change its kind or temperature class',
      params: withParamExamples(Type.Object({ warehouse: WarehouseCode, code: Code('zone code') }),
        { warehouse: DEMO.warehouse, code: DEMO.pickZone }),
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        kind: Type.Optional(Type.Enum(['storage', 'pick_face', 'bulk', 'staging', 'dock', 'qc', 'quarantine'])),
        temperature: Type.Optional(Type.Enum(['ambient', 'chilled', 'frozen'])),
      }, { additionalProperties: false, examples: [examples.updateZone] }),
      response: { 200: Zone, ...errors(400, 404) },
    },
  }, async (request) => {
    const { code } = request.params as { code: string };
    return updateZone(db, await warehouseIdOf(db, request), code, request.body as ZonePatch);
  });
  app.get('/warehouses/:warehouse/graph', {
    config: read,
    schema: { tags: ['warehouses'], summary: 'Travel graph: aisle and cross-aisle nodes with distances',
      params: WarehouseParam, response: { 200: Graph, ...errors(404) } },
  }, async (request) => getWarehouseGraph(db, await warehouseIdOf(db, request)));
  app.get('/warehouses/:warehouse/bins', {
    config: read,
    schema: {
      tags: ['warehouses'], summary: 'Bins of a warehouse in pick sequence', params: WarehouseParam,
      querystring: withParamExamples(Type.Object({ zone: Type.Optional(Code('zone code')),
        aisle: Type.Optional(Type.Integer({ minimum: 1 })), level: Type.Optional(Type.Integer({ minimum: 1 })),
        ...Pagination }, { additionalProperties: false }), { zone: DEMO.pickZone, aisle: 20, limit: 5 }),
      response: { 200: Page(BinRow), ...errors(404) },
    },
  }, async (request) => pageFrom(request, async (window) =>
    listBins(db, await warehouseIdOf(db, request), { ...request.query as object, ...window })));
  app.get('/bins/:code', { config: read, schema: { tags: ['warehouses'],
    params: withParamExamples(CodeParam, { code: DEMO.pickBin }), response: { 200: Bin, ...errors(404) } } },
    async (request) => getBin(db, (request.params as { code: string }).code));
  app.patch('/bins/:code', {
    config: write,
    schema: {
      tags: ['warehouses'], summary: 'Block a bin, or change its capacity or pick sequence',
      params: withParamExamples(CodeParam, { code: DEMO.pickBin }),
      body: Type.Object({
        blocked: Type.Optional(Type.Boolean()),
        maxWeightKg: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        maxUnits: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()],
          { description: 'most base units (items) the bin holds; null = no unit limit' })),
        maxPallets: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()],
          { description: 'pallet positions of the bin; null = not a pallet location' })),
        pickSeq: Type.Optional(Type.Integer({ minimum: 1 })),
      }, { additionalProperties: false, examples: [examples.updateBin] }),
      response: { 200: Bin, ...errors(400, 404) },
    },
  }, async (request) => updateBin(db, (request.params as { code: string }).code, request.body as BinPatch));
}
