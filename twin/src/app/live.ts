/**
 * The live connection to one warehouse: load the Arrow snapshot (the scene draws it; its schema metadata
 * holds the stream position `pos` and the `skip` list) and the layout, then follow the live stream from
 * there with StreamClient.
 * State is exposed as a tiny external store for React's useSyncExternalStore; raw record batches
 * can be followed with onRecords (the 3D scene applies them to its own buffers).
 */
import { tableFromIPC } from 'apache-arrow';
import type { LayoutJson } from '../scene/floor.ts';
import { StreamClient, type StreamStatus } from '../stream/client.ts';
import { AlertFeed } from './alerts.ts';
import { tableOccupancy, type Occupancy } from './occupancy.ts';
import { api, ApiError, session, type StreamRecord, type Warehouse } from './api.ts';

/** What the app keeps of a snapshot: the Arrow bytes for the scene, and the figures the shell shows. */
export interface SnapshotSummary { pos: number; skip: number[]; bins: number; units: number;
  /** Location occupancy: usable storage locations holding stock (./occupancy.ts). */
  occupancy: Occupancy;
  /** Highest bin level (for the level filter). */
  levels: number;
  arrow: Uint8Array }

export type LiveStatus = 'idle' | 'loading' | 'error' | StreamStatus;

export interface LiveState {
  status: LiveStatus;
  warehouse: Warehouse | null;
  snapshot: SnapshotSummary | null;
  layout: LayoutJson | null;
  /** Units on hand: the snapshot's sum, moved by every live stock delta since. */
  units: number;
  /** Location occupancy of the snapshot: occupied / usable storage locations. */
  occupancy: Occupancy | null;
  /** Stream position applied so far. */
  pos: number;
  /** Records applied since the snapshot. */
  applied: number;
  error: string | null;
}

const initial: LiveState = { status: 'idle', warehouse: null, snapshot: null, layout: null, units: 0, occupancy: null, pos: -1,
  applied: 0, error: null };

type Listener = () => void;

export class LiveStore {
  private state: LiveState = initial;
  private readonly listeners = new Set<Listener>();
  private readonly recordListeners = new Set<(records: StreamRecord[]) => void>();
  private readonly agvListeners = new Set<(bytes: ArrayBuffer) => void>();
  private client: StreamClient | null = null;
  /** Alerts of the followed warehouse since it was opened, newest first, with an unread count. */
  readonly alerts = new AlertFeed();
  /** Bumped on every open/close: answers for an older warehouse are dropped. */
  private generation = 0;

  subscribe = (listener: Listener) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };
  getSnapshot = () => this.state;

  onRecords(listener: (records: StreamRecord[]) => void) {
    this.recordListeners.add(listener);
    return () => { this.recordListeners.delete(listener); };
  }

  /** Binary AGV frames (10 Hz) of the followed warehouse. */
  onAgvFrames(listener: (bytes: ArrayBuffer) => void) {
    this.agvListeners.add(listener);
    return () => { this.agvListeners.delete(listener); };
  }

  /** Follow a warehouse (closing the previous one). */
  async open(warehouse: Warehouse) {
    this.close();
    this.alerts.clear();
    const generation = ++this.generation;
    this.set({ ...initial, status: 'loading', warehouse });
    let snapshot: SnapshotSummary;
    let layout: LayoutJson;
    try {
      [snapshot, layout] = await Promise.all([loadSnapshot(warehouse.code), api.layout(warehouse.code)]);
    } catch (error) {
      if (generation === this.generation) this.set({ status: 'error', error: describe(error) });
      return;
    }
    if (generation !== this.generation) return;
    this.set({ layout });
    this.takeSnapshot(snapshot);
    // The alerts feed starts with what happened shortly before (the server's replay window), then follows the stream.
    api.alerts(warehouse.code).then((r) => { if (generation === this.generation) this.alerts.addHistory(r.alerts, snapshot.pos); },
      () => { /* the feed then starts empty */ });
    const client = new StreamClient({ url: location.origin, token: () => session.token ?? '', warehouse: warehouse.id,
      since: snapshot.pos, skip: snapshot.skip });
    this.client = client;
    // Debug hook for end-to-end tests: drop the socket as a network failure would (it reconnects and resyncs).
    if (typeof window !== 'undefined') {
      (window as unknown as { __wetmsLive?: unknown }).__wetmsLive = { dropConnection: () => client.socket.io.engine?.close() };
    }
    client.socket.on('agv', (bytes: ArrayBuffer) => {
      if (generation === this.generation) for (const l of this.agvListeners) l(bytes);
    });
    client.onStatus((status) => {
      if (generation !== this.generation) return;
      this.set({ status, pos: client.lastPos });
      if (status === 'reload') void this.reload(generation);
    });
    client.onError((message) => {
      if (generation === this.generation) this.set({ error: message });
    });
    client.onRecords((records) => {
      if (generation !== this.generation) return;
      let units = this.state.units;
      for (const r of records) if (r.kind === 'stock') units += r.delta;
      this.set({ units, pos: client.lastPos, applied: this.state.applied + records.length });
      this.alerts.add(records);
      for (const l of this.recordListeners) l(records);
    });
  }

  /** The server no longer has what we missed: a fresh snapshot, then the stream from its position. */
  private async reload(generation: number) {
    try {
      const snapshot = await loadSnapshot(this.state.warehouse!.code);
      if (generation !== this.generation || !this.client) return;
      this.takeSnapshot(snapshot);
      this.client.resetFrom(snapshot.pos, snapshot.skip);
    } catch (error) {
      if (generation === this.generation) this.set({ status: 'error', error: describe(error) });
    }
  }

  /** Try again after an error (same warehouse). */
  retry() {
    if (this.state.warehouse) void this.open(this.state.warehouse);
  }

  close() {
    this.generation++;
    this.client?.close();
    this.client = null;
    this.set(initial);
  }

  private takeSnapshot(snapshot: SnapshotSummary) {
    this.set({ snapshot, units: snapshot.units, occupancy: snapshot.occupancy, pos: snapshot.pos, applied: 0, error: null });
  }

  private set(patch: Partial<LiveState>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}

/** Fetch the Arrow snapshot and read its stamp (pos, skip) and totals from the table itself. */
async function loadSnapshot(warehouse: string): Promise<SnapshotSummary> {
  const arrow = await api.snapshotArrow(warehouse);
  const table = tableFromIPC(arrow);
  const meta = table.schema.metadata;
  const units = table.getChild('units')?.toArray() as Int32Array | undefined;
  const level = table.getChild('level')?.toArray() as Uint8Array | undefined;
  let u = 0;
  let levels = 0;
  for (let i = 0; i < table.numRows; i++) {
    u += units?.[i] ?? 0;
    levels = Math.max(levels, level?.[i] ?? 0);
  }
  return { pos: Number(meta.get('wetms.pos') ?? 0), skip: JSON.parse(meta.get('wetms.skip') ?? '[]') as number[],
    bins: table.numRows, units: u, occupancy: tableOccupancy(table), levels: Math.max(1, levels), arrow };
}

function describe(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

/** The app's one live connection. */
export const live = new LiveStore();
