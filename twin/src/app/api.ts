import type { LayoutJson } from '../scene/floor.ts';
/**
 * The twin's HTTP data layer: typed fetch helpers that send the bearer token and turn
 * problem+json answers into ApiError carrying the server's `detail`.
 */
import type { StreamRecord } from '../../../model/protocol/stream.ts';

const TOKEN_KEY = 'wetms.token';
const USER_KEY = 'wetms.user';

export interface SessionUser { id: number; username: string; role: string }
export interface Warehouse { id: number; code: string; name: string; timezone: string; bins: number; zones: number }
export interface Task {
  id: number; type: string; status: string; priority: number; warehouse: string; doneAt: string | null;
  [field: string]: unknown;
}
export type AgvStateCode = 'idle' | 'moving' | 'loading' | 'unloading' | 'charging' | 'fault';
export interface FleetDescription {
  warehouseId: number; paused: boolean; speedFactor: number;
  stats: { agvs: number; byState: Record<AgvStateCode, number>; [field: string]: unknown };
  /** roster index → AGV id (the binary frames carry the index) */
  roster: string[];
  rosterVersion: number;
  [field: string]: unknown;
}
export type { StreamRecord };

/** Every list the API answers is one page of this envelope; `next` is the following page's URL (null: last). */
export interface Page<T> { items: T[]; total: number; limit: number; offset: number; next: string | null }

/** GET /api/control-room/bins/:id — the bin inspector. */
export interface BinInspection {
  bin: { id: number; code: string; warehouseId: number; zone: string; zoneKind: string; aisle: number | null;
    level: number | null; blocked: boolean; frozen: boolean;
    /** Limits: base units, pallet positions, m³, kg; null = none. */
    capacity: { units: number | null; pallets: number | null; volume: number | null; weight: number | null };
    /** pallets: pallet positions in use; ratio: share of the binding limit, 0..1 (the snapshot's fill). */
    fill: { units: number; pallets: number; reserved: number; volume: number; weight: number; ratio: number } };
  contents: Array<{ skuId: number; sku: string; skuName: string; lot: string | null; lotId: number | null;
    expiry: string | null; owner: string; ownerId: number; status: string; qty: number; reserved: number;
    receivedAt: string | null }>;
  tasks: Array<{ id: number; type: string; status: string; priority: number; sku: string | null; qty: number | null;
    sourceBin: string | null; targetBin: string | null; assignee: string | null; createdAt: string }>;
  movements: Array<{ id: number; type: string; at: string; sku: string; lot: string | null; qty: number; status: string;
    otherBin: string | null; user: string | null; document: string | null; reason: string | null }>;
}

export type SearchKind = 'sku' | 'lot' | 'bin' | 'order';
/** GET /api/control-room/warehouses/:warehouse/search */
export interface SearchResult {
  query: string;
  matches: Array<{ kind: SearchKind; key: string; label: string; bins: Array<{ id: number; code: string; qty: number }> }>;
  binIds: number[];
  truncated: boolean;
}

/** GET /api/fleet/:warehouse/agvs/:agv — the AGV inspector. */
export interface AgvDetail {
  id: string; state: string; loaded: boolean; battery: number; speed: number; x: number; y: number; heading: number;
  task: { id: number | string; type: string | null; status: string | null; sku: string | null; sourceBin: string | null;
    targetBin: string | null } | null;
  route: Array<{ x: number; y: number }>;
  /** Headed for a stop but not yet granted a route by the fleet's reservations (state 'moving' at 0 m/s). */
  waiting?: boolean;
  /** Since when the AGV is in its state (ISO time). */
  stateSince?: string;
  recentTasks: Array<{ id: number; type: string; status: string; doneAt: string | null; sourceBin: string | null;
    targetBin: string | null }>;
}

/** A JSON snapshot row (the fields the scene patches dirty bins with). */
export type SnapshotRow = import('../scene/bins.ts').PatchRow;

/** An error from the API (status > 0) or from the network (status 0); `message` is the problem's detail. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly problem?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** The token lives in sessionStorage: one browser tab, gone when the tab closes. */
export const session = {
  get token(): string | null {
    try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
  },
  get user(): SessionUser | null {
    try { return JSON.parse(sessionStorage.getItem(USER_KEY) ?? 'null') as SessionUser | null; } catch { return null; }
  },
  save(token: string, user: SessionUser) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
  /** Called when an authenticated request answers 401 (token expired or revoked). */
  onUnauthorized(listener: Listener) {
    unauthorizedListeners.add(listener);
    return () => { unauthorizedListeners.delete(listener); };
  },
};

export async function request<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  const token = session.token;
  if (token) headers.set('authorization', `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, body });
  } catch (error) {
    throw new ApiError((error as Error).message || 'network error', 0);
  }
  const type = res.headers.get('content-type') ?? '';
  const parsed: unknown = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const problem = parsed && typeof parsed === 'object' ? parsed as Record<string, unknown> : undefined;
    const detail = typeof problem?.detail === 'string' ? problem.detail
      : typeof problem?.title === 'string' ? problem.title : `HTTP ${res.status}`;
    if (res.status === 401 && token) for (const l of unauthorizedListeners) l();
    throw new ApiError(detail, res.status, problem);
  }
  return parsed as T;
}

export const api = {
  login: (username: string, password: string) =>
    request<{ token: string; user: SessionUser }>('/api/auth/login', { method: 'POST', json: { username, password } }),
  warehouses: () => request<Page<Warehouse>>('/api/warehouses?limit=1000').then((p) => p.items),
  /** The Arrow IPC snapshot (what the 3D scene draws from): bytes, with pos/skip in its schema metadata. */
  snapshotArrow: async (warehouse: string): Promise<Uint8Array> => {
    const res = await fetch(`/api/warehouses/${encodeURIComponent(warehouse)}/snapshot`, { headers: {
      accept: 'application/vnd.apache.arrow.stream', ...(session.token ? { authorization: `Bearer ${session.token}` } : {}) } });
    if (!res.ok) {
      const problem = await res.json().catch(() => null) as { detail?: string } | null;
      if (res.status === 401) for (const l of unauthorizedListeners) l();
      throw new ApiError(problem?.detail ?? `HTTP ${res.status}`, res.status);
    }
    return new Uint8Array(await res.arrayBuffer());
  },
  layout: (warehouse: string) => request<LayoutJson>(`/api/warehouses/${encodeURIComponent(warehouse)}/layout`),
  activeTasks: (code: string) =>
    request<Page<Task>>(`/api/tasks?status=active&warehouse=${encodeURIComponent(code)}&limit=1000`).then((p) => p.items),
  donePicks: (code: string) =>
    request<Page<Task>>(`/api/tasks?status=done&type=pick&warehouse=${encodeURIComponent(code)}&limit=1000`)
      .then((p) => p.items),
  fleet: (code: string) => request<FleetDescription>(`/api/fleet/${encodeURIComponent(code)}`),
  agv: (code: string, agv: string) =>
    request<AgvDetail>(`/api/fleet/${encodeURIComponent(code)}/agvs/${encodeURIComponent(agv)}`),
  inspectBin: (binId: number) => request<BinInspection>(`/api/control-room/bins/${binId}`),
  search: (warehouse: string, q: string, signal?: AbortSignal) => request<SearchResult>(
    `/api/control-room/warehouses/${encodeURIComponent(warehouse)}/search?q=${encodeURIComponent(q)}`, { signal }),
  alerts: (warehouse: string) =>
    request<{ alerts: StreamRecord[] }>(`/api/control-room/warehouses/${encodeURIComponent(warehouse)}/alerts?limit=50`),
  skuClasses: (warehouse: string) => request<{ classes: Record<string, 'A' | 'B' | 'C'> }>(
    `/api/control-room/warehouses/${encodeURIComponent(warehouse)}/sku-classes`),
  /** Current rows of some bins (JSON snapshot rows), for bins the stream left dirty. */
  snapshotBins: async (warehouse: string, ids: number[]): Promise<SnapshotRow[]> => {
    const body = await request<{ bins: SnapshotRow[] }>(
      `/api/warehouses/${encodeURIComponent(warehouse)}/snapshot?format=json&bins=${ids.join(',')}`);
    return body.bins;
  },
};
