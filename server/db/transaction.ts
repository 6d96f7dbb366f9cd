import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Run fn in a transaction: the caller's, when db already is one (Kysely cannot nest them), else a new one. */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * A workflow step in its own transaction, retried when PostgreSQL aborts it for a deadlock or a
 * serialization failure (several rows locked in data-dependent order, e.g. an allocation reserving
 * from several bins). Inside a caller's transaction it just runs: the caller owns the retry.
 */
export async function inRetriedTransaction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>,
  attempts = 5): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
