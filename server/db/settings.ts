import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';

/** A setting generated once and shared by every process on the same database (e.g. the token secret). */
export async function generatedSetting(db: Kysely<DB>, key: string, make = () => randomBytes(32).toString('base64url')) {
  await db.insertInto('app_settings').values({ key, value: make() }).onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
