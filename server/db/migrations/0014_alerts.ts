import { sql, type Kysely } from 'kysely';

/**
 * What the alert monitor has raised and is still open: one row per condition (expiry, below min, overdue,
 * AGV) and subject (a lot in a bin, a pick face, a task, an AGV) at the level it was last raised at. A
 * condition is raised once, again only when its level rises (expiring -> expired), and the row goes when the
 * condition clears, so it can be raised again if it comes back. Kept in the database so a restart, or a new
 * process taking over the relay lease, does not raise everything again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table alert_states (
    warehouse_id int not null references warehouses (id) on delete cascade,
    condition text not null,
    subject text not null,
    level int not null check (level > 0),
    raised_at timestamptz not null default now(),
    primary key (warehouse_id, condition, subject))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists alert_states`.execute(db);
}
