import { balanceKey, type StockDelta, type StreamRecord } from '../../model/protocol/stream.ts';
import type { OutboxEvent } from './relay.ts';

interface Leg { binId: number; skuId: number; lotId: number | null; ownerId: number; status: string; delta: number;
  qtyAfter: number; reserved: number }

/** Outbox events as stream records: one per stock balance touched, other events as they are. */
export function toRecords(events: readonly OutboxEvent[]): StreamRecord[] {
  const out: StreamRecord[] = [];
  for (const e of events) {
    const p = e.payload as Record<string, any>;
    if (e.type === 'stock.changed') {
      for (const leg of (p.legs ?? []) as Leg[]) {
        out.push({ kind: 'stock', pos: e.pos, seq: e.seq, seqs: [e.seq], movementType: String(p.type), binId: leg.binId,
          skuId: leg.skuId, lotId: leg.lotId, ownerId: leg.ownerId, status: leg.status, delta: leg.delta,
          qty: leg.qtyAfter, reserved: leg.reserved, at: e.at });
      }
    } else if (e.type === 'stock.reserved') {
      // A reservation changes the balance's reserved quantity: the same state, versioned by seq.
      out.push({ kind: 'stock', pos: e.pos, seq: e.seq, seqs: [e.seq], movementType: 'reserve', binId: p.binId,
        skuId: p.skuId, lotId: p.lotId ?? null, ownerId: p.ownerId, status: p.status ?? 'available', delta: 0,
        qty: p.qty, reserved: p.reserved, at: e.at });
    } else {
      out.push({ kind: 'event', pos: e.pos, seq: e.seq, type: e.type, at: e.at, payload: p });
    }
  }
  return out;
}

/**
 * Many changes to one balance within a tick reach clients once: the newest state, the summed delta,
 * and every seq it covers. Other records pass unchanged, in order.
 */
export function coalesce(records: readonly StreamRecord[]): StreamRecord[] {
  const byKey = new Map<string, StockDelta>();
  const out: StreamRecord[] = [];
  for (const r of records) {
    if (r.kind !== 'stock') {
      out.push(r);
      continue;
    }
    const key = balanceKey(r);
    const prev = byKey.get(key);
    if (!prev) {
      const copy = { ...r, seqs: [...r.seqs] };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    const newer = r.seq > prev.seq;
    prev.seqs.push(...r.seqs);
    prev.delta += r.delta;
    prev.pos = Math.max(prev.pos, r.pos);
    if (newer) Object.assign(prev, { seq: r.seq, qty: r.qty, reserved: r.reserved, at: r.at, movementType: r.movementType });
  }
  return out;
}

/** Bins a record refers to (for zone filtering); empty when it names none. */
export function binsOf(r: StreamRecord): number[] {
  if (r.kind === 'stock') return [r.binId];
  const p = r.payload;
  const ids = [p.binId, p.sourceBinId, p.targetBinId].filter((x): x is number => typeof x === 'number');
  if (Array.isArray(p.legs)) for (const leg of p.legs as { binId?: unknown }[]) if (typeof leg.binId === 'number') ids.push(leg.binId);
  return ids;
}
