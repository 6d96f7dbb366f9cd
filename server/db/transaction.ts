import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Run fn in a transaction: the caller's, when db already is one (Kysely cannot nest them), else a new one. */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}
