import { Migrator, type Kysely, type Migration } from 'kysely';
import * as core from './migrations/0001_core.ts';
import * as postMovement from './migrations/0002_post_movement.ts';
import * as tokenVersion from './migrations/0003_token_version.ts';
import * as fastMove from './migrations/0004_fast_move.ts';
import * as workflows from './migrations/0005_workflows.ts';
import * as counts from './migrations/0006_counts.ts';
import * as transfers from './migrations/0007_transfers.ts';
import * as binFreeze from './migrations/0008_bin_freeze.ts';
import * as stream from './migrations/0009_stream.ts';
import * as notifyGate from './migrations/0010_notify_gate.ts';
import * as agvTaskIndex from './migrations/0011_agv_task_index.ts';
import * as moveBatch from './migrations/0012_move_batch.ts';
import * as capacity from './migrations/0013_capacity.ts';
import * as alerts from './migrations/0014_alerts.ts';

/** Migrations are listed statically (no directory scan), so they work the same under tsx, tests and bundles. */
const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_post_movement': postMovement,
  '0003_token_version': tokenVersion,
  '0004_fast_move': fastMove,
  '0005_workflows': workflows,
  '0006_counts': counts,
  '0007_transfers': transfers,
  '0008_bin_freeze': binFreeze,
  '0009_stream': stream,
  '0010_notify_gate': notifyGate,
  '0011_agv_task_index': agvTaskIndex,
  '0012_move_batch': moveBatch,
  '0013_capacity': capacity,
  '0014_alerts': alerts,
};

export const latestMigration = Object.keys(migrations).sort().at(-1)!;

export async function migrateToLatest(db: Kysely<any>): Promise<string> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`);
  }
  return currentMigration(db);
}

export async function currentMigration(db: Kysely<any>): Promise<string> {
  const row = await db.selectFrom('kysely_migration').select('name').orderBy('name', 'desc').limit(1)
    .executeTakeFirst();
  return row?.name ?? 'none';
}
