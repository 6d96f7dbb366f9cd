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

/**
 * A perspective camera view that shows the whole floor `bounds` (model metres) with racks up to `height`:
 * looking at its centre from the model's -y side at `elevation` radians above the floor (π/2 = straight
 * down), as close as it can be while every corner of that box stays inside `fill` of the viewport (so a long,
 * narrow warehouse fills the screen instead of floating inside a sphere that fits it).
 */
export function fitCamera(bounds: Rect, fovDeg = 50, aspect = 16 / 9, elevation = Math.PI / 3.2,
  fill = 0.92, height = 8): CameraView {
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  const hx = Math.max(1, (bounds.maxX - bounds.minX) / 2);
  const hy = Math.max(1, (bounds.maxY - bounds.minY) / 2);
  const tanV = Math.tan((fovDeg * Math.PI) / 360);
  const tanH = tanV * aspect;
  // Straight down is a degenerate orbit (OrbitControls' up = +Y): keep a hair of tilt.
  const el = Math.min(elevation, Math.PI / 2 - 1e-4);
  // Camera basis in model coordinates (x, y, z up): forward f, right r = (1, 0, 0), up u = r × f.
  const f = [0, Math.cos(el), -Math.sin(el)];
  const u = [0, Math.sin(el), Math.cos(el)];
  const corners: [number, number, number][] = [];
  for (const x of [-hx, hx]) for (const y of [-hy, hy]) for (const z of [0, height]) corners.push([x, y, z]);
  const fits = (d: number) => corners.every(([x, y, z]) => {
    // Corner relative to the camera at (0, -d cos el, d sin el) around the target (origin).
    const py = y + d * Math.cos(el);
    const pz = z - d * Math.sin(el);
    const depth = py * f[1]! + pz * f[2]!;
    if (depth <= 0.1) return false;
    return Math.abs(x / (depth * tanH)) <= fill && Math.abs((py * u[1]! + pz * u[2]!) / (depth * tanV)) <= fill;
  });
  let lo = 1;
  let hi = 10 * (hx + hy + height);
  while (!fits(hi)) hi *= 2;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) hi = mid; else lo = mid;
  }
  const distance = hi;
  const target = toThree(cx, cy, 0);
  const position = toThree(cx, cy - distance * Math.cos(el), distance * Math.sin(el));
  return { position, target, near: Math.max(0.05, distance / 1000), far: distance * 10 + hx + hy };
}

/** Same view, straight down (the 2D plan). */
export const topDownCamera = (bounds: Rect, fovDeg = 50, aspect = 16 / 9) =>
  fitCamera(bounds, fovDeg, aspect, Math.PI / 2, 0.95);

/** Camera view that flies to a model point: looks at it from `distance` metres, keeping the given elevation. */
export function focusCamera(x: number, y: number, z: number, distance = 12, elevation = Math.PI / 4): CameraView {
  const target = toThree(x, y, z);
  const position = toThree(x, y - distance * Math.cos(elevation), z + distance * Math.sin(elevation));
  return { position, target, near: 0.05, far: distance * 200 };
}
