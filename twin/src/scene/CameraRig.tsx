import { OrbitControls } from '@react-three/drei';
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef, type RefObject } from 'react';
import { PerspectiveCamera, Vector3 } from 'three';
import type { Rect } from '../../../model/layout.ts';
import { contextDistance, fitCamera, focusCamera, topDownCamera, type CameraView } from './coords.ts';

/** What the Scene's ref exposes. Coordinates are model metres (z up). */
export interface SceneHandle {
  /** Fly the camera to look at a model point. */
  flyTo(x: number, y: number, z?: number, distance?: number): void;
  /** Fly to a model point, close enough to see it yet far enough to keep `span` metres around it in view. */
  flyToArea?(x: number, y: number, z: number, span: number): void;
  /** Back to the whole-warehouse view (3D or top-down, as toggled). */
  resetView(): void;
  setTopDown(on: boolean): void;
  /** Fly to a bin of the snapshot by id; false if the scene has no such bin. */
  flyToBin?(id: number): boolean;
  /** Fly to an AGV by roster index; false if it is not in the scene. */
  flyToAgv?(index: number): boolean;
}

interface ControlsLike { target: Vector3; update(): void; minPolarAngle: number; maxPolarAngle: number }

const FLY_MS = 700;

/** Elevation of a fly-to in 3D: high enough that the racks in front do not hide the target's aisle. */
const FLY_ELEVATION = 0.95;

/** OrbitControls (pan, zoom, rotate), camera fit to the bounds (racks up to `height` m), flyTo animation, top-down lock. */
export function CameraRig({ bounds, height = 8, topDown, handle }: { bounds: Rect; height?: number; topDown: boolean;
  handle: RefObject<SceneHandle | null> }) {
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const size = useThree((s) => s.size);
  const controls = useThree((s) => s.controls) as unknown as ControlsLike | null;
  const invalidate = useThree((s) => s.invalidate);
  const flight = useRef<{ from: CameraView; to: CameraView; start: number } | null>(null);
  const top = useRef(topDown);

  const view = (): CameraView => {
    const aspect = size.width / Math.max(1, size.height);
    return top.current ? topDownCamera(bounds, camera.fov, aspect, height)
      : fitCamera(bounds, camera.fov, aspect, undefined, 0.94, height);
  };
  const fly = (to: CameraView, animate = true) => {
    if (!controls) return;
    camera.near = Math.min(to.near, 0.1);
    camera.far = Math.max(camera.far, to.far);
    camera.updateProjectionMatrix();
    const from: CameraView = { position: camera.position.toArray(), target: controls.target.toArray(), near: 0, far: 0 };
    flight.current = { from, to, start: animate ? performance.now() : -Infinity };
    invalidate();
  };
  const lock = (on: boolean) => {
    if (!controls) return;
    controls.minPolarAngle = 0;
    controls.maxPolarAngle = on ? 0 : Math.PI / 2 - 0.05;
  };

  handle.current = {
    flyTo: (x, y, z = 0, distance = 12) => fly(focusCamera(x, y, z, distance, top.current ? Math.PI / 2 - 1e-4 : Math.PI / 4)),
    flyToArea: (x, y, z, span) => fly(focusCamera(x, y, z,
      contextDistance(span, camera.fov, size.width / Math.max(1, size.height)),
      top.current ? Math.PI / 2 - 1e-4 : FLY_ELEVATION)),
    resetView: () => fly(view()),
    setTopDown: (on) => { top.current = on; lock(on); fly(view()); },
  };

  // First fit once the controls exist; again when the bounds change.
  useEffect(() => {
    if (!controls) return;
    lock(top.current);
    fly(view(), false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controls, bounds, height]);

  useEffect(() => {
    if (top.current !== topDown) handle.current?.setTopDown(topDown);
  }, [topDown, handle]);

  useFrame(() => {
    const f = flight.current;
    if (!f || !controls) return;
    const t = Math.min(1, (performance.now() - f.start) / FLY_MS);
    const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
    const lerp = (a: number[], b: number[], k: number) => a[k]! + (b[k]! - a[k]!) * e;
    camera.position.set(lerp(f.from.position, f.to.position, 0), lerp(f.from.position, f.to.position, 1),
      lerp(f.from.position, f.to.position, 2));
    controls.target.set(lerp(f.from.target, f.to.target, 0), lerp(f.from.target, f.to.target, 1),
      lerp(f.from.target, f.to.target, 2));
    controls.update();
    if (t >= 1) flight.current = null;
    else invalidate();
  });

  return <OrbitControls makeDefault enableDamping={false} screenSpacePanning={false} />;
}
