// Example layouts used by the demo seed. All zones face the dock wall (y = 0): their front
// cross aisle runs along y = 6.5, so zone links and dock edges stay short and never cut racks.
import type { BinSpec, LayoutSpec } from './layout-spec.ts';

// Pallet locations count pallets (maxPallets), shelves count base units (maxUnits); staging lanes and QC
// totes hold mixed loads, limited by volume and weight only.
const PALLET: BinSpec = { width: 0.9, depth: 1.1, height: 1.5, maxWeightKg: 1000, maxPallets: 1 };
const SHELF: BinSpec = { width: 0.5, depth: 0.6, height: 0.4, maxWeightKg: 50, maxUnits: 200 };
const BULK_PALLET: BinSpec = { width: 1.2, depth: 1.2, height: 1.8, maxWeightKg: 1500, maxPallets: 2 };
const FLOOR_LANE: BinSpec = { width: 1.2, depth: 1.2, height: 2.0, maxWeightKg: 2000 };
const QC_TOTE: BinSpec = { width: 0.6, depth: 0.8, height: 0.5, maxWeightKg: 100 };

/** Rack blocks start here; the 3 m front cross aisle sits between them and the docks. */
const FRONT_Y = 8;

/** ~12,400 bins: pallet storage, shelving pick face, bulk, QC and dock staging lanes. */
export const ambientDemoLayout: LayoutSpec = {
  code: 'WH1',
  name: 'Ambient DC',
  zones: [
    {
      code: 'STOR', name: 'Pallet storage', kind: 'storage', temperature: 'ambient',
      origin: { x: 0, y: FRONT_Y }, aisles: 12, racksPerAisle: 24, levels: 5, binsPerLevel: 3, bin: PALLET,
    }, // 4,320 bins, x 0..62.4
    {
      code: 'PICK', name: 'Pick face', kind: 'pick_face', temperature: 'ambient',
      origin: { x: 66, y: FRONT_Y }, aisles: 8, racksPerAisle: 30, levels: 6, binsPerLevel: 5, aisleWidth: 2, bin: SHELF,
    }, // 7,200 bins, x 66..91.6
    {
      code: 'BULK', name: 'Bulk', kind: 'bulk', temperature: 'ambient',
      origin: { x: 95, y: FRONT_Y }, aisles: 6, racksPerAisle: 16, levels: 2, binsPerLevel: 4, aisleWidth: 3.5, bin: BULK_PALLET,
    }, // 768 bins, x 95..130.4
    {
      code: 'QC', name: 'Quality control', kind: 'qc', temperature: 'ambient',
      origin: { x: 134, y: FRONT_Y }, aisles: 2, racksPerAisle: 4, levels: 3, binsPerLevel: 4, bin: QC_TOTE,
    }, // 96 bins, x 134..143.2
    {
      code: 'STAGE', name: 'Dock staging', kind: 'staging', temperature: 'ambient',
      origin: { x: 147, y: FRONT_Y }, aisles: 4, racksPerAisle: 2, levels: 1, binsPerLevel: 6, bin: FLOOR_LANE,
    }, // 48 floor locations, x 147..168.6
  ],
  // Dock doors face the staging lanes' aisles.
  docks: [
    { code: 'D1', x: 149.7, y: 0 },
    { code: 'D2', x: 155.1, y: 0 },
    { code: 'D3', x: 160.5, y: 0 },
    { code: 'D4', x: 165.9, y: 0 },
  ],
  chargers: [
    { code: 'C1', x: 5, y: 44.5 },
    { code: 'C2', x: 30, y: 44.5 },
    { code: 'C3', x: 55, y: 44.5 },
    { code: 'C4', x: 80, y: 49.5 },
    { code: 'C5', x: 110, y: 50 },
    { code: 'C6', x: 140, y: 3 },
  ],
};

/** ~1,500 bins: chilled and frozen pallet storage, chilled pick face and staging lanes. */
export const coldDemoLayout: LayoutSpec = {
  code: 'WH2',
  name: 'Cold store',
  zones: [
    {
      code: 'CHILL', name: 'Chilled storage', kind: 'storage', temperature: 'chilled',
      origin: { x: 0, y: FRONT_Y }, aisles: 4, racksPerAisle: 10, levels: 4, binsPerLevel: 3, bin: PALLET,
    }, // 480 bins, x 0..20.8
    {
      code: 'FROZEN', name: 'Frozen storage', kind: 'storage', temperature: 'frozen',
      origin: { x: 24.8, y: FRONT_Y }, aisles: 4, racksPerAisle: 10, levels: 5, binsPerLevel: 3, bin: PALLET,
    }, // 600 bins, x 24.8..45.6
    {
      code: 'CHILL-PICK', name: 'Chilled pick face', kind: 'pick_face', temperature: 'chilled',
      origin: { x: 49.6, y: FRONT_Y }, aisles: 2, racksPerAisle: 10, levels: 5, binsPerLevel: 4, aisleWidth: 2, bin: SHELF,
    }, // 400 bins, x 49.6..56
    {
      code: 'STAGE', name: 'Dock staging', kind: 'staging', temperature: 'chilled',
      origin: { x: 60, y: FRONT_Y }, aisles: 2, racksPerAisle: 2, levels: 1, binsPerLevel: 6, bin: FLOOR_LANE,
    }, // 24 floor locations, x 60..70.8
  ],
  docks: [
    { code: 'D1', x: 62.7, y: 0 },
    { code: 'D2', x: 68.1, y: 0 },
  ],
  chargers: [
    { code: 'C1', x: 22.8, y: 25 },
    { code: 'C2', x: 58, y: 3 },
  ],
};
