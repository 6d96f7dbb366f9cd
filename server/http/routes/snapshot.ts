import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { assertWarehouseVisible } from '../../domain/auth/scope.ts';
import { badInput } from '../../domain/errors.ts';
import { readSnapshot, snapshotJson, snapshotToIPC, warehouseLayout } from '../../stream/snapshot.ts';
import type { RouteDeps } from '../app.ts';
import { actorOf } from '../auth.ts';
import { DEMO, withParamExamples } from '../examples.ts';
import { Layout, SnapshotJson } from '../responses.ts';
import { errors } from '../schemas.ts';
import { warehouseIdOf, WarehouseParam as WarehouseCodeParam } from '../warehouse-param.ts';

const WarehouseParam = withParamExamples(WarehouseCodeParam, { warehouse: DEMO.warehouse });

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** Most bin ids one `bins=` refetch may name. */
export const SNAPSHOT_MAX_BINS = 1000;

/** `bins=3,1,2` as distinct positive ids; a 400 naming `bins` for anything else or more than SNAPSHOT_MAX_BINS. */
export function parseBinList(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.every((p) => /^[1-9][0-9]{0,15}$/.test(p))) {
    throw badInput('bins', 'give bin ids as positive whole numbers separated by commas, e.g. bins=12,15,40');
  }
  const ids = [...new Set(parts.map(Number))];
  if (ids.length > SNAPSHOT_MAX_BINS) throw badInput('bins', `at most ${SNAPSHOT_MAX_BINS} bin ids per request`);
  return ids;
}

/** Longest x-wetms-skip header sent; the Arrow schema metadata (or the JSON body) always has the whole list. */
export const SKIP_HEADER_LIMIT = 4096;

const gzipAsync = promisify(gzip);
/** Arrow columns of 100k bins: 8.8 MB raw, 0.9 MB at gzip level 1 in ~25 ms (off the event loop). */
const GZIP = { level: 1, strategy: constants.Z_DEFAULT_STRATEGY };
/** Whether an Accept-Encoding header allows gzip (listed, or *, with a q above 0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** The digital twin's starting state: the static floor plan, and bins with their occupancy. */
export async function snapshotRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['twin'];

  app.get('/warehouses/:warehouse/snapshot', {
    config: { permission: 'inventory:read' },
    schema: {
      tags, params: WarehouseParam,
      summary: 'Bins of a warehouse with their occupancy, as Apache Arrow IPC (or JSON with ?format=json), '
        + 'stamped with the live-stream position it is consistent with',
      description: 'One row per bin (zone-scoped users: the bins of their zones). Read in one REPEATABLE READ '
        + 'transaction. `pos` (schema metadata wetms.pos, header x-wetms-pos) is the stream position the rows '
        + 'reflect; `skip` (wetms.skip, x-wetms-skip) lists outbox seqs already reflected but not yet given a '
        + 'position: apply stream events after pos, dropping those seqs. The header is left out when the list '
        + 'is long (x-wetms-skip-count tells its length); the metadata is authoritative. Flags bits: qc 1, '
        + 'hold 2, damaged 4, blocked 8, frozen 16, empty 32. Fill is by volume, clamped to 0..1. The Arrow '
        + 'body is gzip-encoded when the request accepts gzip. With `bins=1,2,3` only those bins come back (the '
        + 'twin\'s refetch of dirty bins): same row shape, values and stamp as the full snapshot; ids of other '
        + 'warehouses or outside your zones are left out.',
      querystring: withParamExamples(Type.Object({
        format: Type.Optional(Type.Enum(['arrow', 'json'], { description: 'arrow (default) or json for debugging' })),
        bins: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000,
          description: `only these bin ids, comma-separated (at most ${SNAPSHOT_MAX_BINS})` })),
      }, { additionalProperties: false }), { format: 'json' }),
      response: {
        200: { description: 'bins with their occupancy: Arrow IPC, or JSON with ?format=json', content: {
          [ARROW_STREAM]: { schema: { type: 'string', format: 'binary' } },
          'application/json': { schema: SnapshotJson },
        } },
        ...errors(400, 401, 403, 404),
      },
    },
  }, async (request, reply) => {
    const id = await warehouseIdOf(db, request);
    const { format, bins } = request.query as { format?: 'arrow' | 'json'; bins?: string };
    const only = bins === undefined ? undefined : parseBinList(bins);
    const snapshot = await readSnapshot(db, id, { actor: actorOf(request), ...(only ? { bins: only } : {}) });
    const skip = JSON.stringify(snapshot.skip);
    reply.header('cache-control', 'no-store');
    reply.header('x-wetms-pos', String(snapshot.pos));
    reply.header('x-wetms-skip-count', String(snapshot.skip.length));
    if (skip.length <= SKIP_HEADER_LIMIT) reply.header('x-wetms-skip', skip);
    if (format === 'json') return snapshotJson(snapshot);
    const bytes = snapshotToIPC(snapshot);
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    reply.type(ARROW_STREAM).header('vary', 'accept-encoding');
    if (raw.byteLength > 1024 && acceptsGzip(request.headers['accept-encoding'])) {
      return reply.header('content-encoding', 'gzip').send(await gzipAsync(raw, GZIP));
    }
    return reply.send(raw);
  });

  app.get('/warehouses/:warehouse/layout', {
    config: { permission: 'masterdata:read' },
    schema: {
      tags, params: WarehouseParam,
      summary: 'Static floor plan for drawing: zone rack blocks, travel graph nodes and edges, docks, chargers, bounds',
      description: 'Never changes once the warehouse exists: cache it (ETag, If-None-Match gives 304).',
      response: { 200: Layout, 304: Type.Null({ description: 'not modified (If-None-Match)' }), ...errors(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const id = await warehouseIdOf(db, request);
    const { body, etag } = await warehouseLayout(db, id); // 404 first, then scope (403)
    await assertWarehouseVisible(db, actorOf(request), id, 'warehouse');
    reply.header('etag', etag);
    reply.header('cache-control', 'private, max-age=86400');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
