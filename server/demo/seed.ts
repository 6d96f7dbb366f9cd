import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** Placeholder until the demo seed lands: does nothing. */
export async function seedDemoIfEmpty(_db: Kysely<DB>, _options: { progress?: boolean } = {}): Promise<void> {}
