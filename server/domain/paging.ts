// One page of a list query and how many rows the whole query matches, so every list in the API can say
// "items 200-299 of 1 234" (the HTTP layer wraps this in its envelope with the next page's link).
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';

export interface PageWindow { limit: number; offset: number }
export interface Rows<T> { items: T[]; total: number }

/** The window's rows of `query` (in its order) and the count of all rows it matches. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table set: the count reads the query as a subquery
export async function pageRows<O>(db: Kysely<any>, query: SelectQueryBuilder<any, any, O>,
  { limit, offset }: PageWindow): Promise<Rows<O>> {
  const items = await query.limit(limit).offset(offset).execute();
  // A short first page is the whole result: no second query.
  if (offset === 0 && items.length < limit) return { items, total: items.length };
  const matching = query.clearOrderBy().clearLimit().clearOffset();
  const { rows } = await sql<{ n: string | number }>`select count(*) as n from (${matching}) as matching`.execute(db);
  return { items, total: Number(rows[0]?.n ?? 0) };
}
