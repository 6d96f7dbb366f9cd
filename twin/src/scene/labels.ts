/**
 * Zone and aisle labels painted on the floor: where each goes (model metres) and how big. Zone codes stand in
 * front of their rack block; aisle codes (A01, like the bin codes) at the front end of each aisle, on its centre
 * line, which is the mean of its bins' across-aisle coordinate (bins face the aisle from both sides).
 */
import type { BinStore } from './bins.ts';
import type { LayoutJson } from './floor.ts';

export interface FloorLabel {
  text: string;
  /** model metres: the label's centre */
  x: number;
  y: number;
  /** text height, metres */
  size: number;
  kind: 'zone' | 'aisle';
}

/** Zone codes: at least this tall, at most ZONE_LABEL_MAX, and never wider than their block (metres). */
export const ZONE_LABEL_SIZE = 1.6;
export const ZONE_LABEL_MAX = 3.5;
export const AISLE_LABEL_SIZE = 0.8;
/** A bold code is about this wide per character, in text heights (system-ui). */
const CHAR_WIDTH = 0.7;

/**
 * Height of a zone's code: big enough to read in the whole-warehouse view of a large floor (an eighth of the
 * block's width), yet no wider than 90 % of the block, so neighbouring zones' codes never run into each other.
 */
export function zoneLabelSize(code: string, blockWidth: number): number {
  const fits = (0.9 * blockWidth) / (CHAR_WIDTH * Math.max(1, code.length));
  return Math.max(Math.min(ZONE_LABEL_SIZE, fits), Math.min(ZONE_LABEL_MAX, blockWidth / 8, fits));
}

/** `A07`: an aisle as the bin codes write it. */
export const aisleCode = (aisle: number) => `A${String(aisle).padStart(2, '0')}`;

/** Labels of the zones in `visible` (all when undefined): one per zone, one per aisle that has bins. */
export function placeLabels(layout: LayoutJson, store: BinStore, visible?: ReadonlySet<string>): FloorLabel[] {
  const out: FloorLabel[] = [];
  // Per zone and aisle: sum of across-aisle coordinates and count.
  const sums = new Map<string, Map<number, { sum: number; n: number }>>();
  const orientation = new Map(layout.zones.map((z) => [z.code, z.orientation]));
  for (let i = 0; i < store.length; i++) {
    const zone = store.zones[store.zone[i]!]!;
    const aisle = store.aisle[i]!;
    if (aisle <= 0 || (visible && !visible.has(zone))) continue;
    const across = orientation.get(zone) === 'x' ? store.y[i]! : store.x[i]!;
    let perZone = sums.get(zone);
    if (!perZone) sums.set(zone, (perZone = new Map()));
    const s = perZone.get(aisle);
    if (s) { s.sum += across; s.n++; } else perZone.set(aisle, { sum: across, n: 1 });
  }
  for (const zone of layout.zones) {
    if (visible && !visible.has(zone.code)) continue;
    const b = zone.block;
    const alongX = zone.orientation === 'x';
    // Zone code: centred in front of the block (the -y side, facing the docks and the default camera), in front
    // of the aisle codes.
    const size = zoneLabelSize(zone.code, b.maxX - b.minX);
    out.push({ kind: 'zone', text: zone.code, x: (b.minX + b.maxX) / 2, y: b.minY - AISLE_LABEL_SIZE * 1.6 - size * 0.6,
      size });
    const aisles = [...(sums.get(zone.code) ?? new Map<number, { sum: number; n: number }>())].sort((p, q) => p[0] - q[0]);
    for (const [aisle, s] of aisles) {
      const across = s.sum / s.n;
      out.push(alongX
        ? { kind: 'aisle', text: aisleCode(aisle), x: b.minX - AISLE_LABEL_SIZE * 1.6, y: across, size: AISLE_LABEL_SIZE }
        : { kind: 'aisle', text: aisleCode(aisle), x: across, y: b.minY - AISLE_LABEL_SIZE * 0.9, size: AISLE_LABEL_SIZE });
    }
  }
  return out;
}
