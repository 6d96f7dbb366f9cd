import { Matrix4, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { boxMatrixInto, contextDistance, fitCamera, FIT_ELEVATIONS, fromThree, headingToYaw, toThree, topDownCamera } from './coords.ts';

describe('coords', () => {
  it('maps model (x, y, z up) to three (x, y up, z) and back', () => {
    expect(toThree(1, 2, 3)).toEqual([1, 3, -2]);
    expect(fromThree(...toThree(1, 2, 3))).toEqual([1, 2, 3]);
  });

  it('maps a heading to a yaw that turns +x towards model +y', () => {
    const dir = new Vector3(1, 0, 0).applyAxisAngle(new Vector3(0, 1, 0), headingToYaw(Math.PI / 2));
    const [x, y] = fromThree(dir.x, dir.y, dir.z);
    expect(x).toBeCloseTo(0);
    expect(y).toBeCloseTo(1);
  });

  it('writes a box matrix three.js reads as scale + translation', () => {
    const m = new Float32Array(16);
    boxMatrixInto(m, 0, 1, 2, 3, 4, 5, 6);
    const p = new Vector3(0.5, 0.5, -0.5).applyMatrix4(new Matrix4().fromArray(m));
    // Corner (+x, +up, +model y) of the unit cube.
    expect(fromThree(p.x, p.y, p.z)).toEqual([1 + 2, 2 + 2.5, 3 + 3]);
  });

  it('fits the camera to the bounds', () => {
    const b = { minX: 0, minY: 0, maxX: 100, maxY: 60 };
    const v = fitCamera(b);
    expect(v.target[0]).toBe(50);
    expect(v.target[1]).toBe(0);
    expect(Math.abs(v.target[2] + 30)).toBeLessThan(10); // near the middle, slid to centre the picture
    expect(v.position[1]).toBeGreaterThan(0);
    expect(v.position[2]).toBeGreaterThan(-30); // from the model's -y side
    const dist = Math.hypot(v.position[0] - 50, v.position[1], v.position[2] + 30);
    expect(dist).toBeGreaterThan(Math.hypot(50, 30));
    expect(v.far).toBeGreaterThan(dist);
    // Tight: every floor corner is on screen, and the floor spans most of the view's width or height.
    const ndc = (x: number, y: number) => {
      const [px, py, pz] = v.position; const [tx, ty, tz] = v.target;
      const f = norm([tx - px, ty - py, tz - pz]);
      const r = norm(cross(f, [0, 1, 0]));
      const u = cross(r, f);
      const [qx, qy, qz] = toThree(x, y, 0);
      const d = [qx - px, qy - py, qz - pz];
      const depth = dot(d, f);
      const tanV = Math.tan((50 * Math.PI) / 360);
      return [dot(d, r) / (depth * tanV * 16 / 9), dot(d, u) / (depth * tanV)];
    };
    const pts = [[0, 0], [100, 0], [0, 60], [100, 60]].map(([x, y]) => ndc(x!, y!));
    for (const [x, y] of pts) { expect(Math.abs(x!)).toBeLessThanOrEqual(1); expect(Math.abs(y!)).toBeLessThanOrEqual(1); }
    const spanX = Math.max(...pts.map((p) => p[0]!)) - Math.min(...pts.map((p) => p[0]!));
    const spanY = Math.max(...pts.map((p) => p[1]!)) - Math.min(...pts.map((p) => p[1]!));
    expect(Math.max(spanX / 2, spanY / 2)).toBeGreaterThan(0.75);
    const top = topDownCamera(b);
    expect(Math.abs(top.position[2] - top.target[2])).toBeLessThan(0.01 * top.position[1]);
  });

  it('centres a wide floor vertically and looks from higher up the wider it is', () => {
    const demo = { minX: 0, minY: 0, maxX: 168.6, maxY: 50 }; // the ambient demo floor, 3.4 : 1
    const aspect = 1080 / 680;
    const auto = fitCamera(demo, 50, aspect);
    // Width-bound: the floor spans the width; the picture's top and bottom margins are equal.
    expect(auto.extent.maxX - auto.extent.minX).toBeGreaterThan(1.8);
    expect(Math.abs(auto.extent.maxY + auto.extent.minY)).toBeLessThan(0.01);
    // It covers more of the height than the old fixed 56° view did (35 % of its height there).
    const fixed = fitCamera(demo, 50, aspect, Math.PI / 3.2, 0.92);
    expect(auto.extent.maxY - auto.extent.minY).toBeGreaterThan(fixed.extent.maxY - fixed.extent.minY);
    expect(auto.elevation).toBe(FIT_ELEVATIONS[FIT_ELEVATIONS.length - 1]);
    // A floor as deep as it is wide, in a wide viewport, is height-bound and needs no steep view.
    const square = fitCamera({ minX: 0, minY: 0, maxX: 40, maxY: 40 }, 50, 2, undefined, 0.94, 3);
    expect(square.extent.maxY - square.extent.minY).toBeGreaterThan(1.8);
    expect(square.elevation).toBeLessThan(auto.elevation);
  });

  it('keeps an area around a flown-to point in view', () => {
    // 26 m across at 50° vertical field of view in a 16:9 viewport: the narrower (vertical) side holds it.
    const d = contextDistance(26, 50, 16 / 9);
    expect(2 * d * Math.tan((25 * Math.PI) / 180)).toBeCloseTo(26, 6);
    // A portrait viewport: the width is the narrow side.
    const p = contextDistance(26, 50, 0.5);
    expect(2 * p * Math.tan((25 * Math.PI) / 180) * 0.5).toBeCloseTo(26, 6);
    expect(d).toBeGreaterThan(20); // the old fly-to stood 10 m away: one bin filled the view
  });
});

const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const cross = (a: number[], b: number[]) => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!,
  a[0]! * b[1]! - a[1]! * b[0]!];
const norm = (a: number[]) => { const l = Math.hypot(a[0]!, a[1]!, a[2]!); return a.map((v) => v / l); };
