// One casing at the boundary: every JSON response leaves the API with camelCase keys. Database rows are
// snake_case (Kysely returns columns as named); converting here, once, means no route and no domain
// function has to remember to, and response schemas are written in camelCase only.
import type { FastifyInstance } from 'fastify';

const SNAKE = /_([a-z0-9])/g;
/** A column-like name: lower case words joined by underscores (`max_units`, `qty_before`, `sku_name`). */
const SNAKE_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/**
 * Objects under these keys are keyed by data, not by field names: SKU codes (`classes`), movement types
 * (`totals`: count_variance), putaway rule names (`rejected`: zone_kind), or they are the live stream's own
 * event payloads (`payload`), which reach a client the same way over HTTP and the socket. Their keys stay as
 * they are; their values' keys are not touched either.
 */
const DATA_KEYED = new Set(['classes', 'totals', 'rejected', 'payload']);

/** `max_units` -> `maxUnits`; anything that is not a lower-case snake name (codes, camelCase) is left alone. */
export function camelKey(key: string): string {
  if (!SNAKE_NAME.test(key)) return key;
  return key.replace(SNAKE, (_, c: string) => c.toUpperCase());
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Deep copy with camelCase keys; Dates, Buffers, typed arrays and class instances pass through untouched. */
export function camelize<T>(value: T): T {
  if (Array.isArray(value)) return value.map(camelize) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[camelKey(k)] = DATA_KEYED.has(k) ? v : camelize(v);
  return out as T;
}

/**
 * Registers the conversion for every /api response (before the response schema serializes it). Bodies sent
 * as ready text or bytes (the Arrow snapshot, the cached layout JSON) do not pass through preSerialization.
 */
export function camelCaseResponses(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, _reply, payload) =>
    (request.url.startsWith('/api/') ? camelize(payload) : payload));
}
