import { useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { BufferAttribute, BufferGeometry, Line, LineBasicMaterial } from 'three';
import { toThreeInto } from './coords.ts';

export interface RoutePoint { x: number; y: number }

/** A polyline on the floor (e.g. the selected AGV's remaining route): one draw call. */
export function Route({ points, colour = 0x38bdf8 }: { points: readonly RoutePoint[]; colour?: number }) {
  const invalidate = useThree((s) => s.invalidate);
  const line = useMemo(() => {
    const positions = new Float32Array(points.length * 3);
    points.forEach((p, k) => toThreeInto(positions, k * 3, p.x, p.y, 0.08));
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(positions, 3));
    return new Line(geometry, new LineBasicMaterial({ color: colour }));
  }, [points, colour]);
  useEffect(() => {
    invalidate();
    return () => { line.geometry.dispose(); (line.material as LineBasicMaterial).dispose(); invalidate(); };
  }, [line, invalidate]);
  return <primitive object={line} />;
}
