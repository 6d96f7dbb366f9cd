/**
 * npm run check:ledger — verify on any database (DATABASE_URL, or the embedded data folder) that
 * every balance equals the sum of its ledger rows and none is negative. Exits 1 on a mismatch.
 */
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(database.db);
  const result = await checkLedger(database.db);
  console.log(`${database.backend} ${database.location}: ${result.keys} balance keys, ${result.ledgerRows} ledger rows`);
  if (result.ok) {
    console.log('ledger OK: every balance equals the sum of its ledger rows; no negative stock');
  } else {
    console.error(`ledger MISMATCH: ${result.mismatches.length} keys differ, ${result.negative} negative balances`);
    for (const m of result.mismatches.slice(0, 20)) console.error(JSON.stringify(m));
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
