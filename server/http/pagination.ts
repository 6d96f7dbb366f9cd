// One list shape for the whole API: { items, total, limit, offset, next }. `next` is the path and query of
// the following page (null on the last one), so a client pages by following it and never builds URLs.
// Lists that read a log forward (movements, events) page by cursor instead: { items, next } (CursorPage).
import { Type, type TSchema } from 'typebox';
import type { FastifyRequest } from 'fastify';

export interface PageOf<T> { items: T[]; total: number; limit: number; offset: number; next: string | null }

/** Page size when a request names none, and the most one page may hold. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** The `limit` and `offset` query parameters of every offset-paged list. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT,
    description: `page size (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})` })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'rows to skip' })),
};

/** The window a request asks for (the schema's defaults apply, but a route may be called without them). */
export function windowOf(query: unknown): { limit: number; offset: number } {
  const q = (query ?? {}) as { limit?: number; offset?: number };
  return { limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 };
}

/** The next page's URL: the request's own path and query with `offset` moved on by `limit`. */
export function nextPageUrl(url: string, limit: number, offset: number, total: number): string | null {
  if (offset + limit >= total) return null;
  const u = new URL(url, 'http://x');
  u.searchParams.set('limit', String(limit));
  u.searchParams.set('offset', String(offset + limit));
  return `${u.pathname}?${u.searchParams.toString()}`;
}

/** Wraps one page of rows and the total matching count into the envelope. */
export function page<T>(request: Pick<FastifyRequest, 'url'>, items: T[], total: number,
  { limit, offset }: { limit: number; offset: number }): PageOf<T> {
  return { items, total, limit, offset, next: nextPageUrl(request.url, limit, offset, total) };
}

/** One page of a list the domain reads a window of (with `pageRows`): the request's window in, the envelope out. */
export async function pageFrom<T>(request: Pick<FastifyRequest, 'url' | 'query'>,
  list: (window: { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>): Promise<PageOf<T>> {
  const window = windowOf(request.query);
  const { items, total } = await list(window);
  return page(request, items, total, window);
}

/** The envelope over a list that is read whole (warehouses, zones, a SKU's lots: short by nature). */
export function pageOfAll<T>(request: Pick<FastifyRequest, 'url' | 'query'>, all: T[]): PageOf<T> {
  const window = windowOf(request.query);
  return page(request, all.slice(window.offset, window.offset + window.limit), all.length, window);
}

/** The envelope's response schema around an item schema (for OpenAPI and serialization). */
export const Page = (item: TSchema, description = 'one page of results') => Type.Object({
  items: Type.Array(item),
  total: Type.Integer({ minimum: 0, description: 'rows matching the filters, over all pages' }),
  limit: Type.Integer({ minimum: 1 }),
  offset: Type.Integer({ minimum: 0 }),
  next: Type.Union([Type.String(), Type.Null()], { description: 'URL of the next page; null on the last' }),
}, { description });

export interface CursorPageOf<T> { items: T[]; next: string | null }

/** The URL of the page after `cursor`: the request's own path and query with `param` set to it. */
export function nextCursorUrl(url: string, param: string, cursor: string | number): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set(param, String(cursor));
  return `${u.pathname}?${u.searchParams.toString()}`;
}

/** Schema of a cursor-paged list: `next` follows on from the last item (null when there is nothing more yet). */
export const CursorPage = (item: TSchema, description = 'one page of results, oldest first') => Type.Object({
  items: Type.Array(item),
  next: Type.Union([Type.String(), Type.Null()], { description: 'URL of the next page; null on the last' }),
}, { description });
