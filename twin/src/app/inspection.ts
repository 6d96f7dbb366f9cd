import type { StockDelta } from '../../../model/protocol/stream.ts';
import type { BinInspection } from './api.ts';

/**
 * The inspection with stock records of its bin applied: each record is a balance's quantity and reservation after
 * the change (absolute, so applying one twice is harmless), so rows are updated (or dropped at zero) and the totals
 * moved by the difference. A balance the panel does not list (a new SKU or lot) waits for the reload, which
 * knows its codes.
 */
export function applyStock(d: BinInspection, records: readonly StockDelta[]): BinInspection {
  let contents = d.contents;
  let units = d.bin.fill.units;
  let reserved = d.bin.fill.reserved;
  for (const r of records) {
    const k = contents.findIndex((c) => c.skuId === r.skuId && (c.lotId ?? null) === (r.lotId ?? null)
      && c.ownerId === r.ownerId && c.status === r.status);
    if (k < 0) continue;
    const row = contents[k]!;
    units += r.qty - row.qty;
    reserved += r.reserved - row.reserved;
    contents = r.qty > 0 ? contents.map((c, i) => (i === k ? { ...c, qty: r.qty, reserved: r.reserved } : c))
      : contents.filter((_, i) => i !== k);
  }
  return { ...d, contents, bin: { ...d.bin, fill: { ...d.bin.fill, units: Math.max(0, units), reserved: Math.max(0, reserved) } } };
}
