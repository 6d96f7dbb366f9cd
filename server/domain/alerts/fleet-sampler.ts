import type { LiveFleet } from '../../fleet/live-fleet.ts';
import type { AgvSample, FleetSampler } from './agv-stalls.ts';

/**
 * Reads the live fleets of this process (FleetManager.fleets) through their public describe() and
 * describeAgv(): state, position, task, whether a "moving" AGV has a route, and since when it is in its state
 * and last made progress (the fleet's clock, ISO times).
 */
export function liveFleetSampler(fleets: () => ReadonlyMap<number, LiveFleet> | undefined): FleetSampler {
  return (warehouseId) => {
    const fleet = fleets()?.get(warehouseId);
    if (!fleet) return null;
    const view = fleet.describe();
    const agvs = view.agvs.map((a): AgvSample => ({
      id: a.id, state: a.state, x: a.x, y: a.y, taskId: a.taskId, loaded: a.loaded,
      hasRoute: a.state !== 'moving' || fleet.describeAgv(a.id).route.length > 0,
      stateSince: Date.parse(a.stateSince), lastProgressAt: Date.parse(a.lastProgressAt),
    }));
    return { paused: view.paused, agvs };
  };
}
