// Public types of the AGV fleet kernel.
import type { GeneratedLayout } from '../../model/layout.ts';

export type FleetLayout = Pick<GeneratedLayout, 'nodes' | 'edges' | 'chargers' | 'docks' | 'zones'>;

export type FleetTaskKind = 'putaway' | 'replenish' | 'pick' | 'move';

export interface FleetTask {
  id: string;
  kind: FleetTaskKind;
  sourceNode: string;
  targetNode: string;
  /** Higher is more urgent. */
  priority: number;
}

export interface FleetConfig {
  seed: number;
  /** AGVs created at construction. */
  agvs: number;
  /** m/s; default 1.5. */
  maxSpeed?: number;
  /** m/s², used for both acceleration and braking; default 0.5. */
  accel?: number;
  /** Seconds to turn 90° in place at a node (proportional to the angle); default 2. */
  turnSecondsPer90?: number;
  /** Seconds to load and to unload; default 5. */
  loadSeconds?: number;
  /** Battery fraction used per metre driven; default 1/8000 (8 km per charge). */
  batteryPerMetre?: number;
  /** Battery fraction used per second while not charging; default 1/36000 (10 h idle). */
  idleBatteryPerSecond?: number;
  /** Battery fraction gained per second on a charger; default 1/1800 (30 min from empty). */
  chargeRatePerSecond?: number;
  /** An idle AGV below this goes charging, and no task is assigned below it; default 0.25. */
  lowBattery?: number;
  /** A charging AGV becomes available again at this level; default 0.9. */
  chargedBattery?: number;
  /** Random faults per AGV per hour of driving (seeded); default 0. */
  faultRatePerHour?: number;
  /** Random faults clear by themselves after this many seconds; default 60. */
  repairSeconds?: number;
  /** Multiplier applied to every step's dt; default 1. */
  speedFactor?: number;
}

export type AgvStateCode = 'idle' | 'moving' | 'loading' | 'unloading' | 'charging' | 'fault';

export interface AgvState {
  id: string;
  x: number;
  y: number;
  /** Radians, 0 = +x, counter-clockwise. */
  heading: number;
  /** m/s. */
  speed: number;
  state: AgvStateCode;
  /** 0..1. */
  battery: number;
  taskId: string | null;
  loaded: boolean;
  /** The node the AGV stands on or is leaving. */
  node: string;
  /** While driving along an edge: the node it is heading into; null when standing on `node`. */
  nextNode: string | null;
  /** Headed for a stop but holding no route yet (its way or its goal is someone else's): state 'moving', speed 0. */
  waiting: boolean;
  /** Simulated ms when `state` last changed. */
  stateSinceMs: number;
  /** Simulated ms when the AGV last made progress: drove, loaded, unloaded, charged or changed state. */
  progressAtMs: number;
}

interface EventBase {
  atMs: number;
  agvId: string;
}

export type FleetEvent =
  | (EventBase & { type: 'claimed' | 'arrivedAtSource' | 'loaded' | 'arrivedAtTarget' | 'delivered' | 'completed'; taskId: string })
  | (EventBase & { type: 'released'; taskId: string; reason: string })
  | (EventBase & { type: 'faulted'; reason: string })
  | (EventBase & { type: 'resumed' })
  | (EventBase & { type: 'chargingStarted'; charger: string })
  | (EventBase & { type: 'charged' })
  | (EventBase & { type: 'agvAdded' | 'agvRemoved' });

export interface FleetStats {
  simMs: number;
  agvs: number;
  byState: Record<AgvStateCode, number>;
  tasksOpen: number;
  tasksActive: number;
  tasksCompleted: number;
  tasksFailed: number;
  /** Metres driven by all AGVs. */
  distanceM: number;
  /** Mean seconds from claimed to delivered over delivered tasks. */
  meanCycleSeconds: number;
  /** Longest claimed -> delivered, seconds. */
  maxCycleSeconds: number;
  faults: number;
  charges: number;
  /** Times an AGV standing in someone's way was asked to step aside. */
  evasions: number;
}
