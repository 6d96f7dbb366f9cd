import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balancedActivity, DemoActivity, REPLENISH_EVERY_MS } from '../demo/activity.ts';
import { seedDemoIfEmpty } from '../demo/seed.ts';
import { backends, startTestApp, type TestApp } from './harness.ts';
import { eventsSince, lastSeq } from './flow-fixtures.ts';

/** The live demo's scheduled replenishment on the seeded demo, in simulated time (a fake clock, ticks by hand). */
describe.each(backends)('the demo generator replenishes pick faces on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await seedDemoIfEmpty(t.db, { scale: 0.05, seed: 7 });
  }, 300_000);
  afterAll(async () => { await t?.close(); });

  const openReplenishFaces = async () => (await t.db.selectFrom('tasks').select('ref_id').distinct()
    .where('type', '=', 'replenish').where('status', 'in', ['open', 'assigned', 'in_progress']).execute()).length;
  const tickAfter = async (hour: number) => {
    let now = Date.UTC(2026, 11, 8, hour, 0);
    const activity = new DemoActivity(t.db, { ...balancedActivity('WH1')!, seed: 1, clock: () => now,
      hourOfDay: () => hour });
    await activity.tick();
    now += REPLENISH_EVERY_MS;
    await activity.tick();
    return activity;
  };

  it('not at the peak; in a quiet hour one face at a time on WH1, raising no alert of its own', async () => {
    const peak = await tickAfter(10);
    expect(peak.counts.replenishRuns).toBe(0);
    expect(await openReplenishFaces()).toBe(0);

    const seq = await lastSeq(t);
    const quiet = await tickAfter(2);
    expect(quiet.counts.replenishRuns).toBe(1);
    // The seeded demo has faces below min with reserve (see seed.test.ts): the run plans one of them.
    expect(quiet.counts.replenishTasks).toBeGreaterThan(0);
    expect(await openReplenishFaces()).toBe(1);
    const alerts = (await eventsSince(t, seq, ['alert'])).map((e) => e.payload as { kind: string });
    expect(alerts.filter((a) => a.kind === 'stock_below_min')).toEqual([]);
    // The next run waits while that face is being replenished.
    const again = await tickAfter(3);
    expect(again.counts.replenishRuns).toBe(0);
    expect(await openReplenishFaces()).toBe(1);
  });
});
