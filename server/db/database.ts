import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export type Backend = 'postgres' | 'pglite';

export interface Database {
  db: Kysely<DB>;
  backend: Backend;
  /** Human-readable location: the server URL without password, or the data folder. */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server URL; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Folder for PGlite's files; absent means in memory (tests). */
  dataDir?: string;
  /** Pool size for the PostgreSQL server. */
  poolSize?: number;
}

const INT8 = 20;
const INT8_ARRAY = 1016;
const DATE = 1082;

/** Same value shapes on both backends: bigints as numbers (ids and quantities stay below 2^53), dates as 'YYYY-MM-DD'. */
const parseInt8 = (value: string) => Number(value);
const parseDate = (value: string) => value;
/** A one-dimensional bigint[] ('{1,2,NULL}': no quoting for numbers) as numbers. */
const parseInt8Array = (value: string) => value.slice(1, -1).split(',').filter((v) => v !== '')
  .map((v) => (v === 'NULL' ? null : Number(v)));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 16,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8) return parseInt8;
          // bigint[] columns (a pick list's orders) as numbers too, as PGlite gives them.
          if (oid === INT8_ARRAY) return parseInt8Array;
          if (oid === DATE) return parseDate;
          return pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection can fail (server restart, admin kill); the pool replaces it. Without a
    // listener that error would crash the process.
    pool.on('error', (error) => console.error(`database connection lost: ${error.message}`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(options.databaseUrl);
    url.password = '';
    return { db, backend: 'postgres', location: url.toString(), close: () => db.destroy() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const lite = await PGlite.create({
    dataDir: options.dataDir,
    parsers: { [INT8]: parseInt8, [DATE]: parseDate },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(lite) });
  embedded.add(db);
  return {
    db,
    backend: 'pglite',
    location: options.dataDir ?? 'memory',
    close: async () => {
      await db.destroy();
      await lite.close();
    },
  };
}

const embedded = new WeakSet<Kysely<DB>>();

/**
 * Whether a handle opened by openDatabase is the embedded PGlite: one connection, one statement at a time,
 * so work that would go to the server side by side goes in one piece instead.
 */
export const isEmbedded = (db: Kysely<DB>) => embedded.has(db);

/** Server version string, for /api/health. */
export async function serverVersion(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
  return rows[0]!.v;
}
