// Test helpers (not public API): demo layouts, random task streams and a driver that runs a fleet
// while checking the safety invariants after every step.
import { ambientDemoLayout, coldDemoLayout } from '../../model/demo-layouts.ts';
import { generateLayout, type GeneratedLayout } from '../../model/layout.ts';
import { Fleet } from './fleet.ts';
import { Random } from '../../model/random.ts';
import type { AgvState, FleetConfig, FleetEvent, FleetTask } from './types.ts';

let wh1: GeneratedLayout | undefined;
let wh2: GeneratedLayout | undefined;
export const wh1Layout = (): GeneratedLayout => (wh1 ??= generateLayout(ambientDemoLayout));
export const wh2Layout = (): GeneratedLayout => (wh2 ??= generateLayout(coldDemoLayout));

/**
 * Random tasks, priorities 0..2: putaway dock -> aisle node, pick aisle node -> dock, replenish and
 * move aisle node -> aisle node (each a quarter). With `aisleOnly` every task is aisle -> aisle.
 */
export function randomTasks(layout: GeneratedLayout, count: number, seed: number, prefix = 'T', aisleOnly = false): FleetTask[] {
  const rng = new Random(seed);
  const aisle = layout.nodes.filter((n) => n.kind === 'aisle').map((n) => n.id);
  const docks = layout.docks.map((d) => d.node);
  const kinds = ['putaway', 'replenish', 'pick', 'move'] as const;
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[rng.int(0, 3)];
    const a = aisle[rng.int(0, aisle.length - 1)];
    const b = aisle[rng.int(0, aisle.length - 1)];
    const dock = docks[rng.int(0, docks.length - 1)];
    const [sourceNode, targetNode] = aisleOnly ? [a, b] : kind === 'putaway' ? [dock, a] : kind === 'pick' ? [a, dock] : [a, b];
    return { id: `${prefix}${i + 1}`, kind, sourceNode, targetNode, priority: rng.int(0, 2) };
  });
}

/** Nodes each AGV occupies: the one it stands on, plus the one it drives into. */
export function occupied(states: readonly AgvState[]): Map<string, string> {
  const at = new Map<string, string>();
  for (const s of states) {
    for (const n of s.nextNode ? [s.node, s.nextNode] : [s.node]) {
      const other = at.get(n);
      if (other) throw new Error(`${s.id} and ${other} both occupy ${n}`);
      at.set(n, s.id);
    }
  }
  return at;
}

export interface RunOptions {
  layout: GeneratedLayout;
  config: FleetConfig;
  tasks: FleetTask[];
  /** Open tasks kept offered at a time (the rest wait in the host's backlog). */
  window?: number;
  dtMs?: number;
  maxSimMs: number;
  /** Check checkInvariants() every this many steps (occupancy is checked every step). */
  invariantEvery?: number;
  onStep?: (fleet: Fleet, events: FleetEvent[]) => void;
}

export interface RunResult {
  fleet: Fleet;
  simMs: number;
  claimed: Map<string, number>;
  delivered: Map<string, number>;
  events: number;
  minBattery: number;
  charges: number;
}

/** Drives a fleet like a host would: offers tasks from a backlog, completes every delivery at once. */
export function runTasks(opts: RunOptions): RunResult {
  const fleet = new Fleet(opts.layout, opts.config);
  const dt = opts.dtMs ?? 100;
  const window = opts.window ?? 30;
  const backlog = [...opts.tasks];
  const claimed = new Map<string, number>();
  const delivered = new Map<string, number>();
  let offered = 0;
  let events = 0;
  let minBattery = 1;
  let charges = 0;
  let steps = 0;
  while (fleet.simMs < opts.maxSimMs && delivered.size < opts.tasks.length) {
    while (backlog.length > 0 && offered - delivered.size < window) {
      fleet.offer(backlog.shift()!);
      offered++;
    }
    const out = fleet.step(dt);
    events += out.length;
    for (const e of out) {
      if (e.type === 'claimed') claimed.set(e.taskId, e.atMs);
      if (e.type === 'delivered') {
        delivered.set(e.taskId, e.atMs);
        if (!fleet.complete(e.taskId)) throw new Error(`complete(${e.taskId}) refused`);
      }
      if (e.type === 'chargingStarted') charges++;
    }
    const states = fleet.state();
    occupied(states);
    for (const s of states) minBattery = Math.min(minBattery, s.battery);
    if (opts.invariantEvery && ++steps % opts.invariantEvery === 0) {
      const errors = fleet.checkInvariants();
      if (errors.length > 0) throw new Error(`invariants at ${fleet.simMs} ms: ${errors.slice(0, 5).join('; ')}`);
    }
    opts.onStep?.(fleet, out);
  }
  return { fleet, simMs: fleet.simMs, claimed, delivered, events, minBattery, charges };
}
