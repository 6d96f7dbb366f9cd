/**
 * The live stream protocol between the server's Socket.IO gateway and its clients (the twin, tests,
 * integrators). Positions (`pos`) are the relay's gap-free stream positions; `seq` is the outbox row's
 * sequence number, which orders the changes of one stock balance (see server/db/migrations/0009_stream.ts).
 */

/** One balance after a change: absolute quantities, so applying it twice is harmless. */
export interface StockDelta {
  kind: 'stock';
  pos: number;
  /** Highest outbox seq folded into this record (the balance's version). */
  seq: number;
  /** Every outbox seq coalesced into it (several changes to one balance within a tick). */
  seqs: number[];
  movementType: string;
  binId: number;
  skuId: number;
  lotId: number | null;
  ownerId: number;
  status: string;
  /** Sum of the coalesced deltas. */
  delta: number;
  /** Quantity and reservation after the newest change. */
  qty: number;
  reserved: number;
  at: string;
}

/** Anything else from the outbox: task, order, wave, alert, shipment, reservation events. */
export interface OtherEvent {
  kind: 'event';
  pos: number;
  seq: number;
  type: string;
  at: string;
  payload: Record<string, unknown>;
}

export type StreamRecord = StockDelta | OtherEvent;

/** What the gateway sends each tick to each room: every position in [from, to] was processed. */
export interface StreamFrame {
  warehouseId: number;
  from: number;
  to: number;
  records: StreamRecord[];
}

export interface SubscribeRequest {
  /** Warehouse id or code. */
  warehouse: number | string;
  /** The last position the client applied; omitted on a fresh subscription. */
  since?: number;
}

export type SubscribeReply =
  | { ok: true; warehouseId: number; pos: number; replay: StreamFrame | null }
  | { ok: true; warehouseId: number; pos: number; reload: true; reason: string }
  | { ok: false; status: number; error: string };

export const STREAM_EVENTS = { frame: 'frame', subscribe: 'subscribe', agv: 'agv' } as const;

/** Composite key of a stock balance. */
export const balanceKey = (r: Pick<StockDelta, 'binId' | 'skuId' | 'lotId' | 'ownerId' | 'status'>) =>
  `${r.binId}/${r.skuId}/${r.lotId ?? 0}/${r.ownerId}/${r.status}`;
