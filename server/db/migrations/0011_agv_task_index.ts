import { sql, type Kysely } from 'kysely';

/**
 * The AGV inspector lists an AGV's latest tasks (tasks.assignee_agv, newest first): without an index that is a
 * scan of the warehouse's whole task history, which grows by hundreds of tasks an hour in a busy fleet.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index tasks_assignee_agv on tasks (warehouse_id, assignee_agv, updated_at desc, id desc)
    where assignee_agv is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_assignee_agv`.execute(db);
}
