/**
 * Bulk insert through `insert ... select ... from unnest($1::int8[], $2::text[], ...)`: one array
 * parameter per column, a few thousand rows per statement. Works the same on PGlite and on a
 * PostgreSQL server (both take JS arrays as array parameters), with no COPY support needed.
 */
import { sql, type Kysely } from 'kysely';

export interface BulkColumn {
  /** Column name in the target table (also the name of the unnested column). */
  name: string;
  /** PostgreSQL element type of the array parameter, e.g. 'int8', 'text', 'float8', 'bool', 'date'. */
  type: string;
  values: readonly unknown[];
  /** SQL over `u.<name>` computing the stored value; default the unnested value itself. */
  expr?: string;
}

export interface BulkOptions {
  /** Rows per statement. */
  chunk?: number;
  /** Insert given ids into `generated always as identity` columns. */
  overridingSystemValue?: boolean;
  /** Called after every statement with the number of rows it inserted. */
  onRows?: (rows: number) => void;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
const TYPE = /^[a-z0-9_ ]+$/;

/** An epoch-milliseconds column stored as timestamptz (exact: integer milliseconds). */
export function msTimestamp(name: string, values: readonly (number | null)[]): BulkColumn {
  return { name, type: 'int8', values, expr: `'epoch'::timestamptz + u.${name} * interval '1 millisecond'` };
}

export async function bulkInsert(db: Kysely<any>, table: string, columns: BulkColumn[],
  options: BulkOptions = {}): Promise<number> {
  if (!IDENT.test(table)) throw new Error(`bad table name ${table}`);
  if (columns.length === 0) throw new Error('bulkInsert needs columns');
  const rows = columns[0]!.values.length;
  for (const c of columns) {
    if (!IDENT.test(c.name) || !TYPE.test(c.type)) throw new Error(`bad column ${c.name} ${c.type}`);
    if (c.values.length !== rows) throw new Error(`column ${c.name} has ${c.values.length} values, expected ${rows}`);
  }
  const chunk = options.chunk ?? 5000;
  const names = sql.raw(columns.map((c) => c.name).join(', '));
  const selected = sql.raw(columns.map((c) => c.expr ?? `u.${c.name}`).join(', '));
  const overriding = sql.raw(options.overridingSystemValue ? 'overriding system value' : '');
  for (let from = 0; from < rows; from += chunk) {
    const to = Math.min(rows, from + chunk);
    const arrays = columns.map((c) => sql`${c.values.slice(from, to)}::${sql.raw(c.type)}[]`);
    await sql`insert into ${sql.raw(table)} (${names}) ${overriding}
      select ${selected} from unnest(${sql.join(arrays)}) as u(${names})`.execute(db);
    options.onRows?.(to - from);
  }
  return rows;
}
