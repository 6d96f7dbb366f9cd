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
 * A perspective camera view that shows the whole floor `bounds` (model metres): looking at its centre from
 * the model's -y side at `elevation` radians above the floor (π/2 = straight down), far enough that a
 * sphere around the bounds fits the narrower of the two fields of view.
 */
export function fitCamera(bounds: Rect, fovDeg = 50, aspect = 16 / 9, elevation = Math.PI / 3.2,
  margin = 0.8): CameraView {
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  const hx = Math.max(1, (bounds.maxX - bounds.minX) / 2);
  const hy = Math.max(1, (bounds.maxY - bounds.minY) / 2);
  const radius = Math.hypot(hx, hy) * margin;
  const vHalf = (fovDeg * Math.PI) / 360;
  const hHalf = Math.atan(Math.tan(vHalf) * aspect);
  const distance = radius / Math.sin(Math.min(vHalf, hHalf));
  const target = toThree(cx, cy, 0);
  // Straight down is a degenerate orbit (OrbitControls' up = +Y): keep a hair of tilt.
  const el = Math.min(elevation, Math.PI / 2 - 1e-4);
  const position = toThree(cx, cy - distance * Math.cos(el), distance * Math.sin(el));
  return { position, target, near: Math.max(0.05, distance / 1000), far: distance * 10 };
}

/** Same view, straight down (the 2D plan). */
export const topDownCamera = (bounds: Rect, fovDeg = 50, aspect = 16 / 9) =>
  fitCamera(bounds, fovDeg, aspect, Math.PI / 2, 1.05);

/** Camera view that flies to a model point: looks at it from `distance` metres, keeping the given elevation. */
export function focusCamera(x: number, y: number, z: number, distance = 12, elevation = Math.PI / 4): CameraView {
  const target = toThree(x, y, z);
  const position = toThree(x, y - distance * Math.cos(elevation), z + distance * Math.sin(elevation));
  return { position, target, near: 0.05, far: distance * 200 };
}
