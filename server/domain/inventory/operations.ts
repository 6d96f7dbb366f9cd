import type { Kysely } from 'kysely';
import type { DB, StockStatus } from '../../db/schema.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { badInput, conflict, notFound, unprocessable } from '../errors.ts';
import { postMovement, type IdempotencyInput, type PostedMovement } from './post-movement.ts';
import {
  loadStockContext, requireBin, requireSku, stockLabel, type BinRef, type StockContext, type StockRow,
} from './stock-context.ts';
import { assertLotUsable, ensureLot, todayUtc } from '../masterdata/lots.ts';
import { tryFastMove } from './fast-move.ts';
import { batchable, moveBatcher } from './move-batch.ts';

/** Which stock of a SKU in a bin: each part may be left out when the bin holds only one candidate. */
export interface StockSelector {
  sku: string;
  lot?: string;
  owner?: string;
  status?: StockStatus;
}

interface Paperwork { reason?: string; docRef?: string }

export interface MoveInput extends StockSelector, Paperwork {
  fromBin: string;
  toBin: string;
  /** Absent: move everything of the selected stock that is not reserved (whole-bin move). */
  qty?: number;
}

export interface AdjustInput extends StockSelector, Paperwork {
  bin: string;
  /** Signed: positive is a gain, negative a loss. */
  qty: number;
  reason: string;
  lotExpiry?: string;
  lotMfgDate?: string;
}

export interface ScrapInput extends StockSelector, Paperwork {
  bin: string;
  qty: number;
  reason: string;
}

export interface StatusChangeInput extends Omit<StockSelector, 'status'>, Paperwork {
  bin: string;
  from?: StockStatus;
  to: StockStatus;
  qty?: number;
}

const label = (bin: BinRef, sku: string) => stockLabel(sku, bin.code);
const codes = (bin: BinRef, sku: string, row: StockRow) =>
  ({ bin: bin.code, sku, lot: row.lot_no, owner: row.owner_code });

function noSuchStock(binCode: string, sel: StockSelector) {
  const what = [sel.lot && `lot ${sel.lot}`, sel.owner && `owner ${sel.owner}`, sel.status].filter(Boolean).join(', ');
  return conflict(`bin ${binCode} holds no ${sel.sku}${what ? ` (${what})` : ''}`, 'sku', { available: 0 });
}

/** Choose the one balance the selector means, or say clearly why there is none or several. */
export function selectStock(ctx: StockContext, sel: StockSelector, bin: BinRef): StockRow {
  if (sel.lot !== undefined && !ctx.lot) throw notFound('lot', `SKU ${sel.sku} has no lot ${sel.lot}`);
  if (sel.owner !== undefined && !ctx.owner) throw notFound('owner', `no owner with code ${sel.owner}`);
  const matches = ctx.stock.filter((row) =>
    row.bin_id === bin.id &&
    (sel.lot === undefined || row.lot_id === ctx.lot!.id) &&
    (sel.owner === undefined || row.owner_id === ctx.owner!.id) &&
    (sel.status === undefined || row.status === sel.status));
  if (matches.length === 0) throw noSuchStock(bin.code, sel);
  if (matches.length > 1) {
    const field = sel.lot === undefined && new Set(matches.map((m) => m.lot_id)).size > 1 ? 'lot'
      : sel.owner === undefined && new Set(matches.map((m) => m.owner_id)).size > 1 ? 'owner' : 'status';
    throw unprocessable(field, `bin ${bin.code} holds ${sel.sku} in several lots, owners or statuses; say which`, {
      candidates: matches.map((m) => ({ lot: m.lot_no, owner: m.owner_code, status: m.status, qty: m.qty,
        available: m.qty - m.reserved })),
    });
  }
  return matches[0]!;
}

function requireQty(qty: number | undefined, available: number, what: string): number {
  const q = qty ?? available;
  if (q <= 0) throw conflict(`nothing to move: all of ${what} is reserved`, 'qty');
  if (q > available) {
    throw conflict(`not enough stock of ${what}: ${q} requested, ${available} available`, 'qty',
      { requested: q, available });
  }
  return q;
}

export async function moveStock(db: Kysely<DB>, actor: Actor, input: MoveInput, idem?: IdempotencyInput):
  Promise<PostedMovement> {
  if (input.fromBin === input.toBin) throw badInput('toBin', 'must differ from fromBin');
  // A plain move goes in one round trip, grouped with concurrent ones (group commit; alone inside a
  // caller's transaction). Anything else takes the full path below, which explains every refusal.
  const fast = batchable(db, input)
    ? await moveBatcher(db).move(actor, input, idem)
    : await tryFastMove(db, actor, input, idem);
  if (fast && 'unmet' in fast) {
    // The batch found no such stock, or too little: the same refusal the full path gives, without reading again.
    const { balances, available } = fast.unmet;
    if (balances === 0) throw noSuchStock(input.fromBin, input);
    requireQty(input.qty, available ?? 0, stockLabel(input.sku, input.fromBin));
  } else if (fast) {
    return fast;
  }
  const ctx = await loadStockContext(db, {
    binCodes: [input.fromBin, input.toBin], sku: input.sku, lot: input.lot, owner: input.owner,
    stockBin: input.fromBin,
  });
  const from = requireBin(ctx, input.fromBin, 'fromBin');
  const to = requireBin(ctx, input.toBin, 'toBin');
  requireSku(ctx, input.sku);
  if (to.warehouse_id !== from.warehouse_id) {
    throw badInput('toBin', `${to.code} is in another warehouse than ${from.code}; use a transfer`);
  }
  if (to.blocked) throw conflict(`${to.code} is blocked`, 'toBin');
  assertMayActIn(actor, from, 'fromBin');
  assertMayActIn(actor, to, 'toBin');
  const row = selectStock(ctx, input, from);
  const qty = requireQty(input.qty, row.qty - row.reserved, label(from, input.sku));
  const common = { skuId: ctx.sku!.id, lotId: row.lot_id, ownerId: row.owner_id, status: row.status };
  return postMovement(db, actor, {
    type: 'move', warehouseId: from.warehouse_id, docRef: input.docRef, reason: input.reason,
    labels: [label(from, input.sku), label(to, input.sku)], fields: ['fromBin', 'toBin'],
    legCodes: [codes(from, input.sku, row), codes(to, input.sku, row)],
    legs: [
      { ...common, binId: from.id, delta: -qty, counterBinId: to.id },
      { ...common, binId: to.id, delta: qty, counterBinId: from.id },
    ],
  }, idem);
}

export async function adjustStock(db: Kysely<DB>, actor: Actor, input: AdjustInput, idem?: IdempotencyInput):
  Promise<PostedMovement> {
  if (!Number.isInteger(input.qty) || input.qty === 0) throw badInput('qty', 'must be a non-zero integer');
  if (input.qty < 0) {
    return removeStock(db, actor, { ...input, qty: -input.qty }, 'adjust_loss', idem);
  }
  const ctx = await loadStockContext(db, {
    binCodes: [input.bin], sku: input.sku, lot: input.lot, owner: input.owner, stockBin: input.bin,
  });
  const bin = requireBin(ctx, input.bin, 'bin');
  const sku = requireSku(ctx, input.sku);
  assertMayActIn(actor, bin, 'bin');
  if (bin.blocked) throw conflict(`${bin.code} is blocked`, 'bin');
  if (input.owner === undefined) throw badInput('owner', 'is required for a gain: whose stock is it?');
  if (!ctx.owner) throw notFound('owner', `no owner with code ${input.owner}`);
  let lotId: number | null = null;
  if (sku.lot_tracked || input.lot !== undefined) {
    if (input.lot === undefined) throw badInput('lot', `SKU ${sku.code} is lot-tracked: give a lot number`);
    if (ctx.lot && input.lotExpiry !== undefined && ctx.lot.expiry_date !== input.lotExpiry) {
      throw badInput('lotExpiry', `lot ${input.lot} already exists with expiry ${ctx.lot.expiry_date ?? 'none'}`);
    }
    const lot = ctx.lot ?? await ensureLot(db, sku, {
      lotNo: input.lot, expiryDate: input.lotExpiry, mfgDate: input.lotMfgDate,
    }, { refuseExpiredAs: 'lot' });
    assertLotUsable(sku, lot, 'lot');
    lotId = lot.id;
  }
  return postMovement(db, actor, {
    type: 'adjust_gain', warehouseId: bin.warehouse_id, docRef: input.docRef, reason: input.reason,
    labels: [label(bin, input.sku)],
    legCodes: [{ bin: bin.code, sku: sku.code, lot: input.lot ?? null, owner: ctx.owner.code }],
    legs: [{ binId: bin.id, skuId: sku.id, lotId, ownerId: ctx.owner.id, status: input.status ?? 'available',
      delta: input.qty }],
  }, idem);
}

export async function scrapStock(db: Kysely<DB>, actor: Actor, input: ScrapInput, idem?: IdempotencyInput) {
  return removeStock(db, actor, input, 'scrap', idem);
}

async function removeStock(db: Kysely<DB>, actor: Actor, input: ScrapInput, type: 'adjust_loss' | 'scrap',
  idem?: IdempotencyInput): Promise<PostedMovement> {
  const ctx = await loadStockContext(db, {
    binCodes: [input.bin], sku: input.sku, lot: input.lot, owner: input.owner, stockBin: input.bin,
  });
  const bin = requireBin(ctx, input.bin, 'bin');
  const sku = requireSku(ctx, input.sku);
  assertMayActIn(actor, bin, 'bin');
  const row = selectStock(ctx, input, bin);
  const qty = requireQty(input.qty, row.qty - row.reserved, label(bin, input.sku));
  return postMovement(db, actor, {
    type, warehouseId: bin.warehouse_id, docRef: input.docRef, reason: input.reason,
    labels: [label(bin, input.sku)],
    legCodes: [codes(bin, sku.code, row)],
    legs: [{ binId: bin.id, skuId: sku.id, lotId: row.lot_id, ownerId: row.owner_id, status: row.status,
      delta: -qty }],
  }, idem);
}

export async function changeStatus(db: Kysely<DB>, actor: Actor, input: StatusChangeInput,
  idem?: IdempotencyInput): Promise<PostedMovement> {
  if (input.from !== undefined && input.from === input.to) throw badInput('to', 'must differ from from');
  const ctx = await loadStockContext(db, {
    binCodes: [input.bin], sku: input.sku, lot: input.lot, owner: input.owner, stockBin: input.bin,
  });
  const bin = requireBin(ctx, input.bin, 'bin');
  const sku = requireSku(ctx, input.sku);
  assertMayActIn(actor, bin, 'bin');
  const candidates = { ...ctx, stock: ctx.stock.filter((r) => r.status !== input.to) };
  const row = selectStock(candidates, { ...input, status: input.from }, bin);
  if (input.to === 'available' && row.expiry_date && row.expiry_date < todayUtc()) {
    throw unprocessable('to', `lot ${row.lot_no} expired on ${row.expiry_date}: it cannot be released as available`);
  }
  const qty = requireQty(input.qty, row.qty - row.reserved, label(bin, input.sku));
  const common = { binId: bin.id, skuId: sku.id, lotId: row.lot_id, ownerId: row.owner_id };
  return postMovement(db, actor, {
    type: 'status_change', warehouseId: bin.warehouse_id, docRef: input.docRef, reason: input.reason,
    labels: [`${label(bin, input.sku)} (${row.status})`, `${label(bin, input.sku)} (${input.to})`],
    legCodes: [codes(bin, sku.code, row), codes(bin, sku.code, row)],
    legs: [
      { ...common, status: row.status, delta: -qty },
      { ...common, status: input.to, delta: qty },
    ],
  }, idem);
}

