import { sql, type Kysely } from 'kysely';

/**
 * Bearer tokens carry the user's token_version; changing a user's role, scopes, password or
 * active flag bumps it, so tokens issued before the change stop working.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column token_version int not null default 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column token_version`.execute(db);
}
