/**
 * What the control room is looking at: the selected bin or AGV, the bins highlighted by a search, the zone
 * filter, and the scene's camera handle (so panels can fly to things). A tiny external store for
 * useSyncExternalStore, like `live`; reset when the warehouse changes.
 */
import type { RoutePoint, SceneHandle } from '../scene/Scene.tsx';

export type Selection =
  | { kind: 'bin'; id: number; code?: string }
  | { kind: 'agv'; id: string; index?: number }
  | null;

export interface ViewState {
  selected: Selection;
  /** Bin ids to emphasise (search results); empty = no highlight. */
  highlight: ReadonlySet<number>;
  /** Zone codes shown; undefined = all. */
  zones: ReadonlySet<string> | undefined;
  /** The selected AGV's remaining route, drawn in the scene. */
  route: readonly RoutePoint[] | null;
}

const EMPTY = new Set<number>();
const initial: ViewState = { selected: null, highlight: EMPTY, zones: undefined, route: null };

export class ViewStore {
  private state: ViewState = initial;
  private readonly listeners = new Set<() => void>();
  private scene: SceneHandle | null = null;
  /** Fly-to asked before the scene could answer (still loading): done when it attaches. */
  private pendingFly: (() => boolean) | null = null;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };
  getSnapshot = () => this.state;

  select(selected: Selection) {
    this.set({ selected, route: selected?.kind === 'agv' ? this.state.route : null });
  }
  setRoute(route: readonly RoutePoint[] | null) {
    this.set({ route });
  }
  setHighlight(ids: Iterable<number>) {
    const next = new Set(ids);
    this.set({ highlight: next.size ? next : EMPTY });
  }
  setZones(zones: ReadonlySet<string> | undefined) {
    this.set({ zones });
  }

  /** The scene registers its handle when it mounts (null when it unmounts). */
  attachScene(handle: SceneHandle | null) {
    this.scene = handle;
    if (handle && this.pendingFly && this.pendingFly()) this.pendingFly = null;
  }

  /** Select a bin and fly the camera to it. */
  focusBin(id: number, code?: string) {
    this.select({ kind: 'bin', id, code });
    this.fly(() => this.scene?.flyToBin?.(id) ?? false);
  }

  /** Select an AGV (id; index = its place in the frames' roster, when known) and fly to it. */
  focusAgv(id: string, index?: number) {
    this.select({ kind: 'agv', id, index });
    if (index !== undefined) this.fly(() => this.scene?.flyToAgv?.(index) ?? false);
  }

  reset() {
    this.pendingFly = null;
    this.set(initial);
  }

  private fly(attempt: () => boolean) {
    this.pendingFly = attempt() ? null : attempt;
  }

  private set(patch: Partial<ViewState>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}

/** The control room's one view. */
export const view = new ViewStore();
