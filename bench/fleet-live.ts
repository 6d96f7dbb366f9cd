/**
 * npm run bench:fleet-live [-- --minutes N] [--warmup N] [--scale X] [--json]
 *
 * What the demo's live fleets finish when they are never short of work: the figure behind
 * MEASURED_FLEET_TASKS_PER_HOUR (server/demo/activity.ts), from which the demo's order and delivery rates follow.
 * The demo seeded on an in-memory PGlite (history pinned to one evening, so runs compare), each warehouse's fleet
 * (the live adapter: claims and confirmations through the services) with the demo generator flooding it, driven in
 * simulated time: the kernel stepped at 100 ms, the generator ticked by the same fake clock, every confirmation
 * awaited. Prints AGV tasks per hour after a warm-up, against the constant the demo uses, and the AGV tasks one
 * order and one delivery make. Progress on stderr; --json prints the figures as one JSON object on the last line.
 */
import { sql } from 'kysely';
import { openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { DemoActivity, MEASURED_FLEET_TASKS_PER_HOUR, TASKS_PER_DELIVERY, TASKS_PER_ORDER } from '../server/demo/activity.ts';
import { seedDemoIfEmpty } from '../server/demo/seed.ts';
import { LiveFleet } from '../server/fleet/live-fleet.ts';
import { flagArg, machineInfo, numberArg, round, say } from './sys.ts';

const argv = process.argv.slice(2);
const opts = {
  json: flagArg(argv, 'json'),
  minutes: numberArg(argv, 'minutes', 60),
  warmup: numberArg(argv, 'warmup', 10),
  scale: numberArg(argv, 'scale', 0.25),
};
const MINUTE = 60_000;
const STEP_MS = 100;
/** The morning peak of the day after the seeded history ends. */
const START_AT = Date.UTC(2026, 11, 7, 9, 0);

const database = await openDatabase({});
await migrateToLatest(database.db);
say(`seeding the demo at scale ${opts.scale} …`);
await seedDemoIfEmpty(database.db, { scale: opts.scale, seed: 7, now: Date.UTC(2026, 11, 6, 20, 0) });

const agvTasks = async (warehouseId: number) => Number((await sql<{ n: number }>`
  select count(*)::int8 as n from tasks where warehouse_id = ${warehouseId} and type in ('putaway', 'pick', 'replenish')`
  .execute(database.db)).rows[0]!.n);

const results: Record<string, unknown> = {};
for (const [code, { agvs, tasksPerHour }] of Object.entries(MEASURED_FLEET_TASKS_PER_HOUR)) {
  const wh = await database.db.selectFrom('warehouses').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  let now = START_AT;
  const clock = () => now;
  const fleet = await LiveFleet.create(database.db, wh.id, () => {}, { agvs, seed: 7, tickMs: STEP_MS, clock });
  // Far above capacity and never paused: the fleet always has work waiting.
  const activity = new DemoActivity(database.db, { warehouse: code, ordersPerHour: 10 * tasksPerHour,
    deliveriesPerHour: 2 * tasksPerHour, seed: 4242, tickMs: 1000, clock });
  const tasksBefore = await agvTasks(wh.id);
  let done0 = 0;
  let lastTick = -Infinity;
  const end = START_AT + (opts.warmup + opts.minutes) * MINUTE;
  let shown = -1;
  while (now < end) {
    now += STEP_MS;
    await fleet.step();
    await fleet.settle();
    if (now - lastTick >= 1000) {
      lastTick = now;
      await activity.tick();
    }
    if (now === START_AT + opts.warmup * MINUTE) done0 = fleet.fleet.stats().tasksCompleted;
    const minute = Math.floor((now - START_AT) / MINUTE);
    if (minute % 10 === 0 && minute !== shown) {
      shown = minute;
      say(`${code}: ${minute} of ${opts.warmup + opts.minutes} simulated minutes, ${fleet.fleet.stats().tasksCompleted} tasks done`);
    }
  }
  fleet.stop();
  const stats = fleet.fleet.stats();
  const measured = ((stats.tasksCompleted - done0) / opts.minutes) * 60;
  const created = (await agvTasks(wh.id)) - tasksBefore;
  const { orders, deliveries } = activity.counts;
  results[code] = { agvs, tasksPerHour: round(measured), perAgv: round(measured / agvs, 2), constant: tasksPerHour,
    ratioToConstant: round(measured / tasksPerHour, 2), tasksCreated: created, orders, deliveries,
    // Tasks per order, with the deliveries' putaways taken at the constant's value.
    tasksPerOrder: orders ? round((created - deliveries * TASKS_PER_DELIVERY) / orders, 2) : null,
    tasksPerOrderConstant: TASKS_PER_ORDER };
  console.log(`${code}, ${agvs} AGVs: ${round(measured)} AGV tasks per hour (${round(measured / agvs, 2)} per AGV) over `
    + `${opts.minutes} simulated minutes after ${opts.warmup} of warm-up; the demo assumes ${tasksPerHour} `
    + `(${round(measured / tasksPerHour, 2)}x). ${orders} orders and ${deliveries} deliveries made ${created} AGV tasks.`);
}
await database.close();
if (opts.json) console.log(JSON.stringify({ bench: 'fleet-live', at: new Date().toISOString(), machine: machineInfo(), opts, results }));
