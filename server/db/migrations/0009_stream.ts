import { sql, type Kysely } from 'kysely';

/**
 * The live stream. The relay (one process at a time) stamps outbox rows with a gap-free stream
 * position `pos` in the order it may safely publish them: only rows of transactions below the oldest
 * one still running (`xid < pg_snapshot_xmin(pg_current_snapshot())`), in (xid, seq) order. A row's
 * `seq` (assigned at insert, after the writer's guarded balance updates) is the per-balance version:
 * two movements of one balance row get seqs in their commit order, so a client that keeps the highest
 * seq per key applies stock state correctly whatever order positions come in.
 * Each consumer has a durable cursor (a pos). A statement trigger wakes listening relays.
 */
const statements = [
  `alter table outbox add column pos bigint`,
  `create unique index outbox_pos on outbox (pos) where pos is not null`,
  `create index outbox_unstamped on outbox (xid, seq) where pos is null`,
  `create table stream_consumers (
     name text primary key,
     pos bigint not null default 0,
     updated_at timestamptz not null default now())`,
  `create or replace function wms_outbox_notify() returns trigger language plpgsql as $fn$
   begin
     perform pg_notify('wms_outbox', '');
     return null;
   end $fn$`,
  `create trigger outbox_notify after insert on outbox for each statement execute function wms_outbox_notify()`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop trigger if exists outbox_notify on outbox').execute(db);
  await sql.raw('drop function if exists wms_outbox_notify()').execute(db);
  await sql.raw('drop table if exists stream_consumers').execute(db);
  await sql.raw('drop index if exists outbox_unstamped').execute(db);
  await sql.raw('drop index if exists outbox_pos').execute(db);
  await sql.raw('alter table outbox drop column if exists pos').execute(db);
}
