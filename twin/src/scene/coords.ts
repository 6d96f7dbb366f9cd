/**
 * The one mapping between the model's coordinates (metres; x, y = floor plan, z up) and three.js
 * (y up): model (x, y, z) → three (x, z, -y). A model heading h (radians, 0 = +x, counter-clockwise seen
 * from above) is then a rotation of h about three's +Y axis. Everything in the scene goes through here.
 */
import type { Rect } from '../../../model/layout.ts';

export type Vec3 = [number, number, number];

/** Model point → three point. */
export function toThree(x: number, y: number, z = 0): Vec3 {
  return [x, z, -y];
}

/** Model point → three point, written into `out` at `offset`. */
export function toThreeInto(out: Float32Array | number[], offset: number, x: number, y: number, z = 0): void {
  out[offset] = x;
  out[offset + 1] = z;
  out[offset + 2] = -y;
}

/** Three point → model point. */
export function fromThree(x: number, y: number, z: number): Vec3 {
  return [x, -z, y];
}

/** Model heading → rotation about three's Y axis. */
export const headingToYaw = (heading: number) => heading;

/** Model sizes (along x, along y, up) → three box scale (x, y, z). */
export function sizeToThree(sx: number, sy: number, sz: number): Vec3 {
  return [sx, sz, sy];
}

/**
 * Column-major 4×4 matrix of an axis-aligned box centred on model (x, y, z) with model sizes (sx, sy, sz),
 * for a unit cube geometry; written at out[offset .. offset + 16]. A zero size hides the instance.
 */
export function boxMatrixInto(out: Float32Array, offset: number, x: number, y: number, z: number,
  sx: number, sy: number, sz: number): void {
  out[offset] = sx; out[offset + 1] = 0; out[offset + 2] = 0; out[offset + 3] = 0;
  out[offset + 4] = 0; out[offset + 5] = sz; out[offset + 6] = 0; out[offset + 7] = 0;
  out[offset + 8] = 0; out[offset + 9] = 0; out[offset + 10] = sy; out[offset + 11] = 0;
  out[offset + 12] = x; out[offset + 13] = z; out[offset + 14] = -y; out[offset + 15] = 1;
}

export interface CameraView {
  /** three coordinates */
  position: Vec3;
  target: Vec3;
  near: number;
  far: number;
}

/** Where a box's corners land on screen: normalised device coordinates (-1..1) of their bounding box. */
export interface ScreenExtent { minX: number; maxX: number; minY: number; maxY: number }

/** Elevations the default 3D view may choose from (radians above the floor): 3D enough, yet not edge-on. */
export const FIT_ELEVATIONS = [0.9, 0.95, 1.0, 1.05, 1.1, 1.15] as const;

/**
 * Frame the box [-hx, hx] × [-hy, hy] × [0, height] (model metres around the target, which sits `shift` metres
 * along +y from the floor's centre) from the -y side at elevation `el`: the closest distance at which every
 * corner stays inside `fill` of the viewport, and where the corners then land on screen.
 */
function frame(hx: number, hy: number, height: number, el: number, shift: number, tanV: number, tanH: number,
  fill: number): { distance: number; extent: ScreenExtent } {
  const corners: [number, number, number][] = [];
  for (const x of [-hx, hx]) for (const y of [-hy, hy]) for (const z of [0, height]) corners.push([x, y - shift, z]);
  // Camera basis in model coordinates (x, y, z up): forward f, right r = (1, 0, 0), up u = r × f.
  const f1 = Math.cos(el); const f2 = -Math.sin(el);
  const u1 = Math.sin(el); const u2 = Math.cos(el);
  const project = (d: number, [x, y, z]: [number, number, number]) => {
    // Corner relative to the camera at (0, -d cos el, d sin el) around the target (origin).
    const py = y + d * Math.cos(el);
    const pz = z - d * Math.sin(el);
    const depth = py * f1 + pz * f2;
    return depth <= 0.1 ? null : [x / (depth * tanH), (py * u1 + pz * u2) / (depth * tanV)] as const;
  };
  const fits = (d: number) => corners.every((c) => {
    const p = project(d, c);
    return p !== null && Math.abs(p[0]) <= fill && Math.abs(p[1]) <= fill;
  });
  let lo = 1;
  let hi = 10 * (hx + hy + height);
  while (!fits(hi)) hi *= 2;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) hi = mid; else lo = mid;
  }
  const extent: ScreenExtent = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (const c of corners) {
    const p = project(hi, c)!;
    extent.minX = Math.min(extent.minX, p[0]); extent.maxX = Math.max(extent.maxX, p[0]);
    extent.minY = Math.min(extent.minY, p[1]); extent.maxY = Math.max(extent.maxY, p[1]);
  }
  return { distance: hi, extent };
}

/**
 * Frame at elevation `el`, with the target slid along the floor's depth until the picture is centred
 * vertically (perspective makes the near edge bigger, so centring the floor's middle leaves a band below).
 */
function centredFrame(hx: number, hy: number, height: number, el: number, tanV: number, tanH: number, fill: number) {
  let lo = -hy;
  let hi = hy;
  let best = { shift: 0, ...frame(hx, hy, height, el, 0, tanV, tanH, fill) };
  for (let k = 0; k < 30; k++) {
    const shift = (lo + hi) / 2;
    const r = frame(hx, hy, height, el, shift, tanV, tanH, fill);
    best = { shift, ...r };
    // Moving the target towards +y (away from the camera) moves the picture down the screen.
    if ((r.extent.minY + r.extent.maxY) / 2 > 0) lo = shift; else hi = shift;
  }
  return best;
}

/**
 * A perspective camera view that shows the whole floor `bounds` (model metres) with racks up to `height`:
 * looking at it from the model's -y side, as close as it can be while every corner of that box stays inside
 * `fill` of the viewport, centred vertically. The elevation (radians above the floor; π/2 = straight down) is
 * `elevation` if given, else the one of FIT_ELEVATIONS whose picture covers most of the viewport: a floor much
 * wider than the viewport is seen from higher up, so its depth fills more of the screen.
 */
export function fitCamera(bounds: Rect, fovDeg = 50, aspect = 16 / 9, elevation?: number,
  fill = 0.94, height = 8): CameraView & { extent: ScreenExtent; elevation: number } {
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  const hx = Math.max(1, (bounds.maxX - bounds.minX) / 2);
  const hy = Math.max(1, (bounds.maxY - bounds.minY) / 2);
  const tanV = Math.tan((fovDeg * Math.PI) / 360);
  const tanH = tanV * aspect;
  // Straight down is a degenerate orbit (OrbitControls' up = +Y): keep a hair of tilt.
  const candidates = elevation === undefined ? FIT_ELEVATIONS : [Math.min(elevation, Math.PI / 2 - 1e-4)];
  let pick: (ReturnType<typeof centredFrame> & { el: number; cover: number }) | null = null;
  for (const el of candidates) {
    const r = centredFrame(hx, hy, height, el, tanV, tanH, fill);
    const cover = ((r.extent.maxX - r.extent.minX) / 2) * ((r.extent.maxY - r.extent.minY) / 2);
    if (!pick || cover > pick.cover + 1e-3) pick = { ...r, el, cover };
  }
  const { distance, shift, extent, el } = pick!;
  const ty = cy + shift;
  const target = toThree(cx, ty, 0);
  const position = toThree(cx, ty - distance * Math.cos(el), distance * Math.sin(el));
  return { position, target, near: Math.max(0.05, distance / 1000), far: distance * 10 + hx + hy, extent,
    elevation: el };
}

/**
 * How far from a point the camera stands so that `span` metres across stay in view (the aisle around a bin,
 * not the bin alone), for a vertical field of view `fovDeg` and viewport `aspect`.
 */
export function contextDistance(span: number, fovDeg = 50, aspect = 16 / 9): number {
  const tanV = Math.tan((fovDeg * Math.PI) / 360);
  const tan = Math.min(tanV, tanV * aspect);
  return span / 2 / tan;
}

/** Metres kept in view around a bin the camera flies to: a few aisles and racks. */
export const FLY_TO_SPAN = 26;

/** Same view, straight down (the 2D plan). */
export const topDownCamera = (bounds: Rect, fovDeg = 50, aspect = 16 / 9, height = 8) =>
  fitCamera(bounds, fovDeg, aspect, Math.PI / 2, 0.95, height);

/** Camera view that flies to a model point: looks at it from `distance` metres, keeping the given elevation. */
export function focusCamera(x: number, y: number, z: number, distance = 12, elevation = Math.PI / 4): CameraView {
  const target = toThree(x, y, z);
  const position = toThree(x, y - distance * Math.cos(elevation), z + distance * Math.sin(elevation));
  return { position, target, near: 0.05, far: distance * 200 };
}
