import { sql, type Kysely } from 'kysely';

/**
 * One NOTIFY in flight at a time, not one per transaction. A transaction that has queued a NOTIFY takes a
 * cluster-wide lock at commit and keeps it until its commit record is flushed, so writers that all notify
 * commit one after the other: no group commit, and on shared CPUs a lock convoy (bench:core: 8 writers spent
 * ~85 % of their time waiting on `Lock:object`). NOTIFY is only a wake-up for the relay (it polls every
 * pollMs anyway, and reads the outbox itself), so one pending wake-up is enough: the outbox trigger notifies
 * only if no other transaction of this database is notifying right now (a transaction-scoped advisory
 * lock, tried without waiting). A writer that skips commits next to the notifier; the relay's round after
 * that notify, a later one, or its next poll (at most pollMs later) publishes its rows.
 * Key 7_466_013: next to the seed (7_466_011) and relay (7_466_012) locks.
 */
export const gatedNotify = `create or replace function wms_outbox_notify() returns trigger language plpgsql as $fn$
   begin
     if pg_try_advisory_xact_lock(7466013) then
       perform pg_notify('wms_outbox', '');
     end if;
     return null;
   end $fn$`;

/** As 0009_stream created it. */
export const everyNotify = `create or replace function wms_outbox_notify() returns trigger language plpgsql as $fn$
   begin
     perform pg_notify('wms_outbox', '');
     return null;
   end $fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(gatedNotify).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(everyNotify).execute(db);
}
