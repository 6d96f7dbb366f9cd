import type { AppConfig } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { generatedSetting } from './db/settings.ts';
import { ensureAdmin } from './domain/auth/users.ts';

export interface Bootstrapped {
  database: Database;
  migration: string;
  jwtSecret: string;
  /** Set only on the first start without WETMS_ADMIN_PASSWORD: print it once. */
  generatedAdminPassword?: string;
}

/** Open the database, bring the schema up to date, and make sure there is an admin and a token secret. */
export async function bootstrap(config: Pick<AppConfig, 'databaseUrl' | 'adminPassword' | 'jwtSecret'> & {
  /** PGlite data folder; absent = in memory (tests). */
  dataDir?: string;
}):
  Promise<Bootstrapped> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const migration = await migrateToLatest(database.db);
  const admin = await ensureAdmin(database.db, config.adminPassword);
  const jwtSecret = config.jwtSecret ?? await generatedSetting(database.db, 'jwt_secret');
  return { database, migration, jwtSecret, generatedAdminPassword: admin.generatedPassword };
}
