import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balancedActivity, DemoActivity, MEASURED_FLEET_TASKS_PER_HOUR } from '../demo/activity.ts';
import { seedDemoIfEmpty } from '../demo/seed.ts';
import { LiveFleet } from '../fleet/live-fleet.ts';
import { backends, startTestApp, type TestApp } from './harness.ts';

/**
 * The demo's live fleets (WH1 with 12 AGVs, WH2 with 4, over a real database, confirming through the services)
 * with the demo's order and delivery generator at the rates `npm start` uses, driven in simulated time: a fake
 * clock both read, the kernel stepped and the generator ticked by hand, every confirmation awaited.
 */
const MINUTE = 60_000;
/**
 * A 'moving' AGV makes progress (drives, turns, or changes state) at least this often: it waits no longer, for
 * its way or its goal. Waits of up to ~3 minutes happen on WH1: AGVs coming the other way along its single-lane
 * cross aisle each drive their whole leg first (a new route may go first for 60 s after an older one, by ETA).
 */
const PROGRESS_BOUND_MS = 4 * MINUTE;
/** No AGV sits in one state longer (charging and idle without a task excepted: they wait for a reason). */
const STATE_BOUND_MS = 3 * MINUTE;
/**
 * One leg of driving, a guard against AGVs driving about without arriving: the longest across WH1 is ~200 m,
 * 2.5 minutes at full speed with its turns, and AGVs take turns on the single-lane cross aisle or detour
 * through another aisle around someone's stop (legs of 5-6 minutes seen).
 */
const LEG_BOUND_MS = 8 * MINUTE;

interface Watch { /** Longest a 'moving' AGV went without progress. */ worstWaitMs: number; worstStateMs: Record<string, number>; violations: string[] }

async function drive(db: TestApp['db'], opts: { warehouse: string; hours: number; stepMs: number; pollMs: number;
  activityMs: number; startAt: number; every?: (minute: number) => Promise<void> }) {
  const rates = balancedActivity(opts.warehouse)!;
  const wh = await db.selectFrom('warehouses').select('id').where('code', '=', opts.warehouse).executeTakeFirstOrThrow();
  let now = opts.startAt;
  const clock = () => now;
  const agvs = MEASURED_FLEET_TASKS_PER_HOUR[opts.warehouse]!.agvs;
  const fleet = await LiveFleet.create(db, wh.id, () => {}, { agvs, seed: 7, tickMs: opts.stepMs,
    pollTasksMs: opts.pollMs, clock });
  const activity = new DemoActivity(db, { ...rates, seed: 4242, tickMs: opts.activityMs, clock });
  const watch: Watch = { worstWaitMs: 0, worstStateMs: {}, violations: [] };
  const reported = new Set<string>();
  const violation = (key: string, text: string) => {
    if (!reported.has(key)) watch.violations.push(text);
    reported.add(key);
  };
  const end = opts.startAt + opts.hours * 60 * MINUTE;
  let lastActivity = -Infinity;
  let lastMinute = -1;
  while (now < end) {
    now += opts.stepMs;
    await fleet.step();
    await fleet.settle();
    if (now - lastActivity >= opts.activityMs) {
      lastActivity = now;
      await activity.tick();
    }
    const sim = fleet.fleet.simMs;
    for (const s of fleet.fleet.state()) {
      const inState = sim - s.stateSinceMs;
      const stalled = sim - s.progressAtMs;
      const resting = s.state === 'charging' || (s.state === 'idle' && !s.taskId);
      if (!resting) watch.worstStateMs[s.state] = Math.max(watch.worstStateMs[s.state] ?? 0, inState);
      if (s.state === 'moving') watch.worstWaitMs = Math.max(watch.worstWaitMs, stalled);
      const at = `${((now - opts.startAt) / MINUTE).toFixed(1)} min`;
      const key = `${s.id}@${s.stateSinceMs}`;
      if (s.state === 'moving' && !s.waiting && fleet.fleet.route(s.id).length < 2) {
        violation(`${key}/route`, `${at}: ${s.id} moving without a route`);
      }
      if (s.state === 'moving' && stalled > PROGRESS_BOUND_MS) {
        violation(`${key}/progress`, `${at}: ${s.id} moving without progress for ${PROGRESS_BOUND_MS / 1000} s`);
      }
      if (!resting && inState > (s.state === 'moving' ? LEG_BOUND_MS : STATE_BOUND_MS)) {
        violation(`${key}/state`, `${at}: ${s.id} ${s.state} (${s.loaded ? 'loaded' : 'empty'}, task ${s.taskId}) since ${
          ((s.stateSinceMs - (sim - (now - opts.startAt))) / MINUTE).toFixed(1)} min`);
      }
    }
    if (watch.violations.length > 20) break;
    const minute = Math.floor((now - opts.startAt) / MINUTE);
    if (minute !== lastMinute) {
      lastMinute = minute;
      await opts.every?.(minute);
    }
  }
  fleet.stop();
  return { fleet, activity, watch };
}

const openAgvTasks = async (db: TestApp['db'], warehouseId: number) => Number((await db.selectFrom('tasks')
  .select((eb) => eb.fn.countAll().as('n')).where('warehouse_id', '=', warehouseId)
  .where('type', 'in', ['putaway', 'pick', 'replenish']).where('status', 'in', ['open', 'assigned', 'in_progress'])
  .executeTakeFirstOrThrow()).n);

describe.each(backends)('the live demo fleet in simulated time on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    // The demo's state at the end of its history depends on the hour it ends; the bounds below are measured on
    // one, so pin it (the evening before the simulated morning peak).
    await seedDemoIfEmpty(t.db, { scale: 0.25, seed: 7, now: Date.UTC(2026, 11, 6, 20, 0) });
  }, 600_000);
  afterAll(async () => { await t?.close(); });

  it('an hour of WH1 at the demo rates: a moving AGV has a route and makes progress, none stays in a state for minutes',
    async () => {
      const { fleet, activity, watch } = await drive(t.db, { warehouse: 'WH1', hours: 1, stepMs: 100, pollMs: 1000, activityMs: 1000,
        startAt: Date.UTC(2026, 11, 7, 9, 30) }); // the morning peak
      expect(watch.violations).toEqual([]);
      expect(watch.worstStateMs.moving ?? 0).toBeGreaterThan(0);
      expect(activity.counts.orders).toBeGreaterThan(3);
      expect(fleet.fleet.stats().tasksCompleted).toBeGreaterThan(20);
      expect(fleet.errors).toEqual([]);
      // The times the live view reports for stall watches: an ISO time per AGV, progress never before the state.
      for (const a of fleet.describe().agvs) expect(Date.parse(a.stateSince)).toBeLessThanOrEqual(Date.parse(a.lastProgressAt));
      console.info(`hour: ${fleet.fleet.stats().tasksCompleted} tasks done, worst wait ${watch.worstWaitMs / 1000} s, `
        + `longest in a state (s): ${JSON.stringify(Object.fromEntries(Object.entries(watch.worstStateMs)
          .map(([k, v]) => [k, v / 1000])))}`);
    }, 900_000);

  it.each(['WH1', 'WH2'])('a day of %s at the demo rates: the open tasks stay bounded and the fleet keeps up', async (code) => {
    const rates = balancedActivity(code)!;
    const samples: number[] = [];
    const warehouseId = (await t.db.selectFrom('warehouses').select('id').where('code', '=', code)
      .executeTakeFirstOrThrow()).id;
    const createdBefore = await createdTasks(t.db, warehouseId);
    const { fleet, activity, watch } = await drive(t.db, { warehouse: code, hours: 24, stepMs: 1000, pollMs: 5000,
      activityMs: 10_000, startAt: Date.UTC(2026, 11, 8, 0, 0),
      every: async (minute) => {
        if (minute % 10 === 0) samples.push(await openAgvTasks(t.db, warehouseId));
      } });
    const created = await createdTasks(t.db, warehouseId) - createdBefore;
    const open = await openAgvTasks(t.db, warehouseId);
    console.info(`${code} day: ${activity.counts.orders} orders, ${activity.counts.deliveries} deliveries, ${activity.counts.deferred} `
      + `deferred, ${fleet.fleet.stats().tasksCompleted} AGV tasks done of ${created} created; open AGV tasks every 10 min: `
      + `max ${Math.max(...samples)}, last ${open}`);
    expect(watch.violations).toEqual([]);
    // Bounded: never beyond twice the intake's pause level (the seeded open work counts too), and no drift upwards.
    expect(Math.max(...samples)).toBeLessThanOrEqual(2 * rates.maxOpenTasks!);
    expect(open).toBeLessThanOrEqual(rates.maxOpenTasks!);
    // Balanced, not throttled: the pause is a safety net the rates seldom need.
    expect(activity.counts.orders).toBeGreaterThan(5 * rates.ordersPerHour!);
    expect(activity.counts.deferred).toBeLessThanOrEqual(0.1 * (activity.counts.orders + activity.counts.deliveries));
    expect(fleet.fleet.stats().tasksCompleted).toBeGreaterThanOrEqual(0.9 * created);
  }, 1_800_000);
});

async function createdTasks(db: TestApp['db'], warehouseId: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from tasks where warehouse_id = ${warehouseId}
    and type in ('putaway', 'pick', 'replenish')`.execute(db);
  return Number(rows[0]!.n);
}
