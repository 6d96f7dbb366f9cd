import { useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import { Raycaster, Vector2 } from 'three';
import type { SceneHover } from './hover.ts';

/** Something under a ray: its distance from the camera and what to show. */
export type Picker = (raycaster: Raycaster) => { distance: number; hover: Omit<SceneHover, 'x' | 'y'> } | null;

/** The scene's pickers, filled by the components that own the meshes (bins, AGVs). */
export interface Pickers { bin?: Picker; agv?: Picker }

/** Look under the pointer at most this often (ms): a raycast over 100k instances is not free. */
const HOVER_INTERVAL_MS = 60;

/**
 * Hover: on pointer moves over the canvas (throttled, and not while dragging the view), cast a ray and report the
 * nearest bin or AGV under the pointer, or null when there is none or the pointer left.
 */
export function Hover({ pickers, onHover }: { pickers: Pickers; onHover?: (hover: SceneHover | null) => void }) {
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  const report = useRef(onHover);
  report.current = onHover;
  useEffect(() => {
    const el = gl.domElement;
    const raycaster = new Raycaster();
    const ndc = new Vector2();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: { x: number; y: number } | null = null;
    let shown = false;
    const clear = () => { if (shown) { shown = false; report.current?.(null); } };
    const look = () => {
      timer = null;
      if (!last || !report.current) return;
      const rect = el.getBoundingClientRect();
      ndc.set((last.x / rect.width) * 2 - 1, -(last.y / rect.height) * 2 + 1);
      raycaster.setFromCamera(ndc, camera);
      const hits = [pickers.agv?.(raycaster), pickers.bin?.(raycaster)].filter((h) => h != null);
      const best = hits.sort((a, b) => a.distance - b.distance)[0];
      if (!best) { clear(); return; }
      shown = true;
      report.current({ ...best.hover, x: last.x, y: last.y } as SceneHover);
    };
    const move = (e: PointerEvent) => {
      if (e.buttons !== 0) { last = null; clear(); return; }
      const rect = el.getBoundingClientRect();
      last = { x: e.clientX - rect.left, y: e.clientY - rect.top };
      timer ??= setTimeout(look, HOVER_INTERVAL_MS);
    };
    const leave = () => { last = null; if (timer) { clearTimeout(timer); timer = null; } clear(); };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerleave', leave);
    el.addEventListener('wheel', leave, { passive: true });
    return () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerleave', leave);
      el.removeEventListener('wheel', leave);
      if (timer) clearTimeout(timer);
    };
  }, [gl, camera, pickers]);
  return null;
}
