/**
 * The bin inspector's capacity lines. Pallet locations count pallets (capacity.pallets: positions), shelves
 * count base units (capacity.units); a bin may have both, or neither (volume and weight only). Read
 * defensively: a server without the pallet fields leaves them undefined.
 */
import type { BinInspection } from './api.ts';

export interface CapacityLine {
  /** i18n key under inspector.bin */
  label: 'pallets' | 'unitsOfMax' | 'units';
  value: number | null;
  /** the limit, null = none (the value is shown alone) */
  max: number | null;
}

type Bin = Pick<BinInspection['bin'], 'capacity' | 'fill'>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function capacityLines(bin: Bin): CapacityLine[] {
  const capacity = bin.capacity as Partial<Record<'units' | 'pallets', unknown>>;
  const fill = bin.fill as Partial<Record<'units' | 'pallets', unknown>>;
  const units = num(fill.units);
  const maxUnits = num(capacity.units);
  const positions = num(capacity.pallets);
  const unitLine: CapacityLine = { label: maxUnits !== null ? 'unitsOfMax' : 'units', value: units, max: maxUnits };
  if (positions === null) return [unitLine];
  return [{ label: 'pallets', value: num(fill.pallets), max: positions }, unitLine];
}
