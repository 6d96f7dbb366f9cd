// Input schema for the warehouse layout generator (see ./layout.ts).
// Plain TypeBox data: reused for API validation and OpenAPI docs.
import { Type, type Static } from 'typebox';

/** Coordinates are metres on the warehouse floor plan; this bounds them to something sane. */
const COORD_LIMIT = 10_000;

const Coordinate = (description: string) =>
  Type.Number({ minimum: -COORD_LIMIT, maximum: COORD_LIMIT, description });

const PositiveMetres = (description: string, maximum: number) =>
  Type.Number({ exclusiveMinimum: 0, maximum, description });

const Count = (description: string, maximum: number) =>
  Type.Integer({ minimum: 1, maximum, description });

export const ZoneKindSchema = Type.Union(
  [
    Type.Literal('storage'),
    Type.Literal('pick_face'),
    Type.Literal('bulk'),
    Type.Literal('staging'),
    Type.Literal('dock'),
    Type.Literal('qc'),
    Type.Literal('quarantine'),
  ],
  { description: 'Functional purpose of the zone' },
);
export type ZoneKind = Static<typeof ZoneKindSchema>;

export const TemperatureSchema = Type.Union(
  [Type.Literal('ambient'), Type.Literal('chilled'), Type.Literal('frozen')],
  { description: 'Temperature regime of the zone' },
);
export type Temperature = Static<typeof TemperatureSchema>;

export const OrientationSchema = Type.Union([Type.Literal('x'), Type.Literal('y')], {
  description: "Axis the aisles run along (default 'y')",
  default: 'y',
});
export type Orientation = Static<typeof OrientationSchema>;

export const BinSpecSchema = Type.Object(
  {
    width: PositiveMetres('Bin width along the aisle, metres', 10),
    depth: PositiveMetres('Bin depth perpendicular to the aisle, metres', 10),
    height: PositiveMetres('Bin clear height, metres', 10),
    maxWeightKg: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'Maximum load per bin, kg' }),
    maxUnits: Type.Optional(Count('Maximum base units (items) per bin (unlimited if omitted)', 1_000_000)),
    maxPallets: Type.Optional(Count('Pallet positions per bin, for pallet racking, bulk and floor locations (none if omitted)', 100)),
  },
  { additionalProperties: false, description: 'Dimensions and capacity of every bin in the zone' },
);
export type BinSpec = Static<typeof BinSpecSchema>;

export const ZoneSpecSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9-]{1,12}$', description: 'Zone code, unique within the warehouse, e.g. "AMB-A"' }),
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Human-readable zone name' }),
    kind: ZoneKindSchema,
    temperature: TemperatureSchema,
    origin: Type.Object(
      {
        x: Coordinate('X of the lower-left corner of the rack block, metres'),
        y: Coordinate('Y of the lower-left corner of the rack block, metres'),
      },
      { additionalProperties: false, description: "Lower-left corner of the zone's rack block (cross aisles lie outside it)" },
    ),
    orientation: Type.Optional(OrientationSchema),
    aisles: Count('Number of aisles in the zone', 200),
    racksPerAisle: Count('Racks per aisle; odd racks on the left face, even racks on the right face', 100),
    levels: Count('Storage levels per rack (level 1 is on the floor)', 20),
    binsPerLevel: Count('Bins (slots) per rack level', 50),
    rackLength: Type.Optional(PositiveMetres('Rack length along the aisle, metres (default binsPerLevel * bin.width)', 200)),
    aisleWidth: Type.Optional(PositiveMetres('Aisle width between rack faces, metres (default 3)', 20)),
    levelHeight: Type.Optional(PositiveMetres('Vertical pitch between levels, metres (default bin.height + 0.15)', 10)),
    bin: BinSpecSchema,
  },
  { additionalProperties: false, description: 'A block of parallel aisles with racks on both sides' },
);
export type ZoneSpec = Static<typeof ZoneSpecSchema>;

export const FloorPointSpecSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9-]{1,12}$', description: 'Code, unique within its list, e.g. "D1"' }),
    x: Coordinate('X coordinate in metres'),
    y: Coordinate('Y coordinate in metres'),
  },
  { additionalProperties: false },
);
export type FloorPointSpec = Static<typeof FloorPointSpecSchema>;

export const LayoutSpecSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9]{1,8}$', description: 'Warehouse code, prefix of every bin code, e.g. "WH1"' }),
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Human-readable warehouse name' }),
    zones: Type.Array(ZoneSpecSchema, { minItems: 1, maxItems: 50, description: 'Zones, in walking order' }),
    docks: Type.Optional(
      Type.Array(FloorPointSpecSchema, { maxItems: 100, description: 'Dock door positions, metres' }),
    ),
    chargers: Type.Optional(
      Type.Array(FloorPointSpecSchema, { maxItems: 100, description: 'AGV charging spots, metres' }),
    ),
    crossAisleWidth: Type.Optional(
      PositiveMetres('Width of the front/back cross aisles around every zone, metres (default 3)', 20),
    ),
  },
  { additionalProperties: false, description: 'Declarative warehouse layout: zones of racks, docks and chargers' },
);
export type LayoutSpec = Static<typeof LayoutSpecSchema>;

export const LAYOUT_DEFAULTS = {
  orientation: 'y',
  aisleWidth: 3,
  crossAisleWidth: 3,
  levelClearance: 0.15,
} as const;
