import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALERTS_DEFAULT_LIMIT, ALERTS_MAX_LIMIT, recentAlerts } from '../../domain/control-room/alerts.ts';
import { inspectBin } from '../../domain/control-room/bin-inspector.ts';
import {
  SEARCH_DEFAULT_LIMIT, SEARCH_MATCH_CAP, SEARCH_MAX_LIMIT, SEARCH_MAX_QUERY, searchWarehouse,
} from '../../domain/control-room/search.ts';
import { skuClasses } from '../../domain/control-room/sku-classes.ts';
import type { RouteDeps } from '../app.ts';
import { actorOf } from '../auth.ts';
import { DEMO, withParamExamples } from '../examples.ts';
import { Alerts, BinInspection, SearchResult, SkuClasses } from '../responses.ts';
import { errors, IdParam } from '../schemas.ts';
import { warehouseIdOf, WarehouseParam as WarehouseCodeParam } from '../warehouse-param.ts';

const WarehouseParam = withParamExamples(WarehouseCodeParam, { warehouse: DEMO.warehouse });

/** Read API of the 3D control room's panels: the bin inspector, search, ABC classes (the AGV inspector is in fleet). */
export async function controlRoomRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['control-room'];
  const id = (request: { params: unknown }) => (request.params as { id: number }).id;
  const warehouse = (request: { params: unknown }) => warehouseIdOf(db, request);

  app.get('/control-room/bins/:id', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, params: withParamExamples(IdParam, { id: 10632 }),
      summary: 'Bin inspector: a bin with its capacity and fill, its stock by SKU, lot, owner and status, the open '
        + 'tasks that touch it and its last 20 ledger entries',
      description: 'contents are the balances with units on hand, sorted by SKU, expiry, lot; receivedAt is when '
        + 'their oldest units reached the warehouse (kept through moves). tasks: open, assigned or in progress, '
        + 'with this bin as source or target, newest first (at most 50). movements: newest first, qty signed for '
        + 'this bin. capacity counts base units (shelves) and pallet positions (pallet locations); fill.pallets are '
        + 'the pallet positions in use (one lot of one owner per pallet); fill.ratio is the share of the binding '
        + 'limit, 0..1, the same as the snapshot fill. A bin outside your zones is 403.',
      response: { 200: BinInspection, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => inspectBin(db, actorOf(request), id(request)));

  app.get('/control-room/warehouses/:warehouse/search', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, params: WarehouseParam,
      summary: 'Find SKUs (code, name, barcode), lots, bins (code) and orders (number) in a warehouse, with the bins '
        + 'they are in, for highlighting in the twin',
      description: `Case-insensitive substring match, exact matches first. SKUs and lots count only where they have `
        + `stock; an outbound order's bins hold its open allocations (and its staging bin once picked); an inbound `
        + `order's bins are its receiving and putaway bins that still hold what it brought. At most `
        + `${SEARCH_MATCH_CAP} SKUs, lots and orders and \`limit\` bin-code matches; binIds is the union of the `
        + `matches' bins, at most \`limit\`. truncated says when anything was cut. Only bins you may see.`,
      querystring: withParamExamples(Type.Object({
        q: Type.String({ minLength: 1, maxLength: 200,
          description: `what to look for: 1 to ${SEARCH_MAX_QUERY} characters besides leading and trailing spaces` }),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT,
          description: 'most bins in binIds (and per match)' })),
      }, { additionalProperties: false }), { q: DEMO.sku }),
      response: { 200: SearchResult, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { q, limit } = request.query as { q: string; limit?: number };
    return searchWarehouse(db, actorOf(request), await warehouse(request), q, limit ?? SEARCH_DEFAULT_LIMIT);
  });

  app.get('/control-room/warehouses/:warehouse/alerts', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, params: WarehouseParam,
      summary: 'Latest alerts of a warehouse (short picks, QC holds, count variances, AGV faults, stock below min), '
        + 'newest first, as stream records',
      description: 'What the outbox still holds (the live stream\'s replay window, WETMS_REPLAY_MINUTES) and the relay '
        + 'has published (each has its stream position `pos`): the alerts feed starts from these and follows the '
        + 'stream, dropping positions it already has. Zone-scoped users get the alerts about their zones\' bins and '
        + 'those about no bin.',
      querystring: withParamExamples(Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ALERTS_MAX_LIMIT, default: ALERTS_DEFAULT_LIMIT })),
      }, { additionalProperties: false }), { limit: 20 }),
      response: { 200: Alerts, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => recentAlerts(db, actorOf(request), await warehouse(request),
    (request.query as { limit?: number }).limit ?? ALERTS_DEFAULT_LIMIT));

  app.get('/control-room/warehouses/:warehouse/sku-classes', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, params: WarehouseParam,
      summary: 'ABC class of every SKU with stock in the warehouse (in the bins you may see), by SKU code',
      response: { 200: SkuClasses, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => skuClasses(db, actorOf(request), await warehouse(request)));
}
