/** The static floor plan (GET /api/warehouses/:id/layout) as flat three.js vertex arrays: one draw call each. */
import type { WarehouseLayoutBody } from '../../../server/stream/snapshot.ts';
import type { Orientation } from './bins.ts';
import { toThreeInto } from './coords.ts';

export type LayoutJson = WarehouseLayoutBody;

/** Zone code → which way its aisles run (bin width runs along the aisle). */
export function orientations(layout: LayoutJson): Map<string, Orientation> {
  return new Map(layout.zones.map((z) => [z.code, z.orientation]));
}

/** Rectangle outlines of the zones' rack blocks as LineSegments positions (8 vertices per zone), at height `z`. */
export function zoneOutlines(layout: LayoutJson, visible?: ReadonlySet<string>, z = 0.02): Float32Array {
  const zones = layout.zones.filter((zone) => !visible || visible.has(zone.code));
  const out = new Float32Array(zones.length * 8 * 3);
  let at = 0;
  for (const { block: b } of zones) {
    const corners = [[b.minX, b.minY], [b.maxX, b.minY], [b.maxX, b.maxY], [b.minX, b.maxY]] as const;
    for (let k = 0; k < 4; k++) {
      const [x1, y1] = corners[k]!;
      const [x2, y2] = corners[(k + 1) % 4]!;
      toThreeInto(out, at, x1, y1, z); at += 3;
      toThreeInto(out, at, x2, y2, z); at += 3;
    }
  }
  return out;
}

/** Travel graph edges (aisles, cross aisles) as LineSegments positions; edges to unknown nodes are skipped. */
export function edgeSegments(layout: LayoutJson, z = 0.01): Float32Array {
  const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
  const out = new Float32Array(layout.edges.length * 6);
  let at = 0;
  for (const e of layout.edges) {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    if (!a || !b) continue;
    toThreeInto(out, at, a.x, a.y, z); at += 3;
    toThreeInto(out, at, b.x, b.y, z); at += 3;
  }
  return at === out.length ? out : out.slice(0, at);
}

/** Translation-only instance matrices for floor markers (docks, chargers) at height `z`. */
export function markerMatrices(points: readonly { x: number; y: number }[], z = 0.1): Float32Array {
  const out = new Float32Array(points.length * 16);
  points.forEach((p, i) => {
    const o = i * 16;
    out[o] = 1; out[o + 5] = 1; out[o + 10] = 1; out[o + 15] = 1;
    toThreeInto(out, o + 12, p.x, p.y, z);
  });
  return out;
}
