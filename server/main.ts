/**
 * npm start — the whole system on embedded defaults: PGlite in .data/, a seeded demo on first start.
 * DATABASE_URL switches to a PostgreSQL server; see README for every setting.
 */
import { bootstrap } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { balancedActivity, MEASURED_FLEET_TASKS_PER_HOUR } from './demo/activity.ts';
import { seedDemoIfEmpty } from './demo/seed.ts';
import { buildApp } from './http/app.ts';
import { startLive } from './stream/live.ts';
import { buildTwinIfMissing } from './twin-build.ts';
import { readyBanner } from './ready-banner.ts';

const config = loadConfig();
const started = Date.now();
await buildTwinIfMissing();
const { database, migration, jwtSecret, generatedAdminPassword } = await bootstrap(config);
console.log(`database: ${database.backend} (${database.location}), schema ${migration}`);

if (generatedAdminPassword) {
  console.log('\n  First start: created user "admin" with password:\n');
  console.log(`      ${generatedAdminPassword}\n`);
  console.log('  It is shown only this once. Set WETMS_ADMIN_PASSWORD to choose it instead.\n');
}
if (config.demo) {
  const demo = await seedDemoIfEmpty(database.db, { progress: true });
  if (demo) {
    console.log('\n  Demo users (password from WETMS_DEMO_PASSWORD, default demo1234):');
    for (const u of demo.users) {
      console.log(`    ${u.username.padEnd(10)} ${u.role.padEnd(9)} ${u.scopes.length ? u.scopes.join(', ') : 'everywhere'}`);
    }
    console.log('');
  }
}

const app = await buildApp({ database, jwtSecret, tokenTtl: config.tokenTtl, logging: { level: config.logLevel, format: config.logFormat } });
const demoWarehouses = config.demo ? await database.db.selectFrom('warehouses').select('code')
  .where('code', 'in', ['WH1', 'WH2']).execute() : [];
const live = await startLive(app, database, { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl,
  relay: { retentionMs: config.replayWindowMs },
  alerts: {},
  fleet: { agvs: Object.fromEntries(Object.entries(MEASURED_FLEET_TASKS_PER_HOUR).map(([code, f]) => [code, f.agvs])) },
  // Orders and deliveries at the pace the fleet keeps up with (measured), the intake pausing on a backlog.
  activity: demoWarehouses.flatMap((w) => balancedActivity(w.code) ?? []),
  log: { info: (m) => app.log.info(m), error: (o, m) => app.log.error(o as object, m) } });
const shutdown = async (signal: string) => {
  console.log(`\n${signal}: shutting down`);
  await live.close();
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ port: config.port, host: config.host });
console.log(readyBanner({ seconds: (Date.now() - started) / 1000, port: config.port, host: config.host,
  demoLogin: config.demo ? `manager / ${process.env.WETMS_DEMO_PASSWORD ? '$WETMS_DEMO_PASSWORD' : 'demo1234'}` : undefined }));
