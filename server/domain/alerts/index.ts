import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { LiveFleet } from '../../fleet/live-fleet.ts';
import { agvCheck } from './agv-stalls.ts';
import { belowMinCheck } from './below-min.ts';
import type { AlertCheck } from './check.ts';
import { expiryCheck } from './expiry.ts';
import { liveFleetSampler } from './fleet-sampler.ts';
import { AlertMonitor, type AlertMonitorOptions } from './monitor.ts';
import { overdueTasksCheck } from './overdue-tasks.ts';

export { AlertMonitor, type AlertMonitorOptions } from './monitor.ts';

/** The checks the monitor runs: expiry, pick faces below min, overdue tasks, AGV stalls and faults. */
export function standardChecks(fleets: () => ReadonlyMap<number, LiveFleet> | undefined): AlertCheck[] {
  return [expiryCheck(), belowMinCheck(), overdueTasksCheck(), agvCheck(liveFleetSampler(fleets))];
}

/** The scheduled alert monitor over the standard checks, reading the live fleets of this process. */
export function createAlertMonitor(db: Kysely<DB>, fleets: () => ReadonlyMap<number, LiveFleet> | undefined,
  options: AlertMonitorOptions = {}) {
  return new AlertMonitor(db, standardChecks(fleets), options);
}
