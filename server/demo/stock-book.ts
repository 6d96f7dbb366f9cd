/**
 * In-memory mirror of wms_post_movement (migration 0002) for the demo history: balances per key,
 * movements and ledger legs with qty_before/qty_after, and first_receipt_at carried the same way.
 * Everything is kept column-wise so that it can be bulk-loaded as it is.
 */
import type { MovementType, StockStatus } from '../db/schema.ts';
import type { Leg } from '../domain/inventory/post-movement.ts';

export interface Balance {
  binId: number;
  skuId: number;
  lotId: number | null;
  ownerId: number;
  status: StockStatus;
  qty: number;
  /** epoch ms; null when qty is 0 */
  firstReceiptAt: number | null;
  updatedAt: number;
}

/** A leg of the simulated history: the same shape wms_post_movement takes. */
export type BookLeg = Leg;

export interface MovementHeader {
  type: MovementType;
  /** epoch ms; moved forward to the latest posted time if earlier, so the ledger is in time order */
  at: number;
  warehouseId: number;
  userId: number | null;
  device?: string | null;
  docRef?: string | null;
  reason?: string | null;
  /** When stock enters with no source leg (receipt, gain): its receipt time; default `at`. */
  receivedAt?: number;
}

export class StockBook {
  /** Keys with qty > 0 only: a key that drops to 0 is forgotten (the ledger keeps its history). */
  readonly balances = new Map<string, Balance>();
  readonly bySku = new Map<number, Set<Balance>>();
  readonly binQty = new Map<number, number>();
  readonly movements = {
    id: [] as number[], type: [] as MovementType[], at: [] as number[], warehouseId: [] as number[],
    userId: [] as (number | null)[], device: [] as (string | null)[], docRef: [] as (string | null)[],
    reason: [] as (string | null)[],
  };
  readonly ledger = {
    id: [] as number[], movementId: [] as number[], at: [] as number[], type: [] as MovementType[],
    binId: [] as number[], skuId: [] as number[], lotId: [] as (number | null)[], ownerId: [] as number[],
    status: [] as StockStatus[], delta: [] as number[], before: [] as number[], after: [] as number[],
    counterBinId: [] as (number | null)[],
  };
  readonly countByType = new Map<MovementType, number>();
  /** Called when the last stock leaves a bin. */
  onBinEmptied: (binId: number) => void = () => {};
  lastAt = 0;
  private nextMovementId: number;
  private nextLedgerId: number;

  constructor(movementIdBase: number, ledgerIdBase: number) {
    this.nextMovementId = movementIdBase;
    this.nextLedgerId = ledgerIdBase;
  }

  static key(binId: number, skuId: number, lotId: number | null, ownerId: number, status: StockStatus): string {
    return `${binId}:${skuId}:${lotId ?? 0}:${ownerId}:${status}`;
  }

  get(binId: number, skuId: number, lotId: number | null, ownerId: number, status: StockStatus): Balance | undefined {
    return this.balances.get(StockBook.key(binId, skuId, lotId, ownerId, status));
  }

  stockOf(skuId: number): Iterable<Balance> {
    return this.bySku.get(skuId) ?? [];
  }

  /** Post one movement; throws (a bug in the simulation) if a leg would go below zero. Returns its time. */
  post(h: MovementHeader, legs: BookLeg[]): number {
    if (legs.length === 0) throw new Error('a movement needs at least one leg');
    const at = Math.max(h.at, this.lastAt);
    this.lastAt = at;
    // Stock keeps the receipt date of where it came from (as wms_post_movement does).
    let received: number | null = null;
    for (const leg of legs) {
      if (leg.delta >= 0) continue;
      const fra = this.get(leg.binId, leg.skuId, leg.lotId, leg.ownerId, leg.status)?.firstReceiptAt ?? null;
      if (fra !== null) received = received === null ? fra : Math.min(received, fra);
    }
    const newReceipt = received ?? h.receivedAt ?? at;
    const movementId = this.nextMovementId++;
    const m = this.movements;
    m.id.push(movementId); m.type.push(h.type); m.at.push(at); m.warehouseId.push(h.warehouseId);
    m.userId.push(h.userId); m.device.push(h.device ?? null); m.docRef.push(h.docRef ?? null);
    m.reason.push(h.reason ?? null);
    this.countByType.set(h.type, (this.countByType.get(h.type) ?? 0) + 1);

    for (const leg of legs) {
      if (!Number.isInteger(leg.delta) || leg.delta === 0) throw new Error(`bad delta ${leg.delta} in ${h.type}`);
      const key = StockBook.key(leg.binId, leg.skuId, leg.lotId, leg.ownerId, leg.status);
      let bal = this.balances.get(key);
      if (!bal) {
        if (leg.delta < 0) throw new Error(`${h.type}: no stock for key ${key}`);
        bal = { binId: leg.binId, skuId: leg.skuId, lotId: leg.lotId, ownerId: leg.ownerId, status: leg.status,
          qty: 0, firstReceiptAt: null, updatedAt: at };
        this.balances.set(key, bal);
        let set = this.bySku.get(leg.skuId);
        if (!set) this.bySku.set(leg.skuId, (set = new Set()));
        set.add(bal);
      }
      const before = bal.qty;
      const after = before + leg.delta;
      if (after < 0) throw new Error(`${h.type}: ${key} would go to ${after}`);
      bal.firstReceiptAt = after === 0 ? null
        : leg.delta > 0 ? (before > 0 && bal.firstReceiptAt !== null ? Math.min(bal.firstReceiptAt, newReceipt) : newReceipt)
        : bal.firstReceiptAt;
      bal.qty = after;
      bal.updatedAt = at;
      const l = this.ledger;
      l.id.push(this.nextLedgerId++); l.movementId.push(movementId); l.at.push(at); l.type.push(h.type);
      l.binId.push(leg.binId); l.skuId.push(leg.skuId); l.lotId.push(leg.lotId); l.ownerId.push(leg.ownerId);
      l.status.push(leg.status); l.delta.push(leg.delta); l.before.push(before); l.after.push(after);
      l.counterBinId.push(leg.counterBinId ?? null);
      if (after === 0) {
        this.balances.delete(key);
        this.bySku.get(leg.skuId)!.delete(bal);
      }
      const inBin = (this.binQty.get(leg.binId) ?? 0) + leg.delta;
      if (inBin === 0) {
        this.binQty.delete(leg.binId);
        this.onBinEmptied(leg.binId);
      } else {
        this.binQty.set(leg.binId, inBin);
      }
    }
    return at;
  }
}
