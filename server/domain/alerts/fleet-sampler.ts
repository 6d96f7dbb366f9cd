import type { LiveFleet } from '../../fleet/live-fleet.ts';
import type { AgvSample, FleetSampler } from './agv-stalls.ts';

/**
 * A time the fleet may give per AGV (ms since the epoch, or an ISO string), as a number; else undefined. Small
 * numbers are the kernel's simulated clock, not wall time: not comparable with the monitor's, ignored.
 */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e12 ? value : undefined;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return undefined;
}

/**
 * Reads the live fleets of this process (FleetManager.fleets) through their public describe() and
 * describeAgv(): state, position, task, and whether a "moving" AGV has a route. Per-AGV `stateSince` and
 * `lastProgressAt`, when the fleet's description carries them, are passed on.
 */
export function liveFleetSampler(fleets: () => ReadonlyMap<number, LiveFleet> | undefined): FleetSampler {
  return (warehouseId) => {
    const fleet = fleets()?.get(warehouseId);
    if (!fleet) return null;
    const view = fleet.describe();
    const agvs = view.agvs.map((a): AgvSample => {
      const extra = a as unknown as Record<string, unknown>;
      return {
        id: a.id, state: a.state, x: a.x, y: a.y, taskId: a.taskId, loaded: a.loaded,
        hasRoute: a.state !== 'moving' || fleet.describeAgv(a.id).route.length > 0,
        stateSince: timeOf(extra.stateSince), lastProgressAt: timeOf(extra.lastProgressAt),
      };
    });
    return { paused: view.paused, agvs };
  };
}
