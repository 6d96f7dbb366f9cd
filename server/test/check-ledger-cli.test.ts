import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../bootstrap.ts';
import { SYSTEM_ACTOR } from '../domain/auth/actor.ts';
import { adjustStock } from '../domain/inventory/operations.ts';
import { createParty } from '../domain/masterdata/parties.ts';
import { createSku } from '../domain/masterdata/skus.ts';
import { createWarehouseFromLayout } from '../domain/masterdata/warehouses.ts';
import { smallLayout } from './fixtures.ts';
import { backends, freshDatabaseUrl } from './harness.ts';

const run = promisify(execFile);

/** npm run check:ledger against a real database: exit 0 when the ledger matches, 1 after tampering. */
describe.each(backends)('check:ledger CLI on $name', (backend) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    let dataDir: string | undefined;
    let fresh: Awaited<ReturnType<typeof freshDatabaseUrl>> | undefined;
    if (backend.url) fresh = await freshDatabaseUrl(backend.url);
    else dataDir = mkdtempSync(join(tmpdir(), 'wetms-ledger-'));
    const { database } = await bootstrap({ databaseUrl: fresh?.url, dataDir, adminPassword: 'x'.repeat(12) });
    await createWarehouseFromLayout(database.db, smallLayout);
    await createParty(database.db, 'owners', { code: 'O', name: 'Owner' });
    await createSku(database.db, { code: 'S', name: 'SKU', lengthM: 1, widthM: 1, heightM: 1, weightKg: 1 });
    await adjustStock(database.db, SYSTEM_ACTOR, { bin: 'T1-A01-R01-L1-B01', sku: 'S', owner: 'O', qty: 5,
      reason: 'count' });
    await database.close();
    env = { ...process.env, DATABASE_URL: fresh?.url ?? '', WETMS_DATA_DIR: dataDir ?? '' };
    cleanup = async () => {
      await fresh?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    };
  });
  afterAll(async () => cleanup?.());

  const checkLedger = () => run('npx', ['tsx', 'server/cli/check-ledger.ts'], { env })
    .then((r) => ({ code: 0, out: r.stdout + r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }));

  it('passes on a consistent database and fails after a balance is tampered with', async () => {
    const ok = await checkLedger();
    expect(ok.out).toContain('ledger OK');
    expect(ok.code).toBe(0);

    const { database } = await bootstrap({ databaseUrl: env.DATABASE_URL || undefined,
      dataDir: env.WETMS_DATA_DIR || undefined, adminPassword: 'x'.repeat(12) });
    await sql`update stock_balances set qty = qty + 1`.execute(database.db);
    await database.close();

    const bad = await checkLedger();
    expect(bad.out).toContain('ledger MISMATCH');
    expect(bad.code).toBe(1);
  });
});
