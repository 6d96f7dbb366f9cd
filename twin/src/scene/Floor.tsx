import { useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { BufferAttribute, BufferGeometry, CylinderGeometry, InstancedMesh, LineBasicMaterial, LineSegments,
  MeshBasicMaterial, MeshLambertMaterial } from 'three';
import { toThree } from './coords.ts';
import { edgeSegments, markerMatrices, zoneOutlines, type LayoutJson } from './floor.ts';

/** Floor plane, zone outlines, aisles (graph edges), docks and chargers: five draw calls. */
export function Floor({ layout, zones }: { layout: LayoutJson; zones?: ReadonlySet<string> }) {
  const invalidate = useThree((s) => s.invalidate);
  const b = layout.bounds;
  const w = b.maxX - b.minX;
  const d = b.maxY - b.minY;
  const centre = toThree((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, -0.01);

  const outlines = useMemo(() => lines(zoneOutlines(layout, zones), 0x8fa3b8), [layout, zones]);
  const aisles = useMemo(() => lines(edgeSegments(layout), 0x33404d), [layout]);
  // Neutral slates: docks and chargers are not in any legend, so they must not look like a fill or AGV colour.
  const docks = useMemo(() => markers(layout.docks, 0x475569, 0.9), [layout]);
  const chargers = useMemo(() => markers(layout.chargers, 0x94a3b8, 0.5), [layout]);
  useEffect(() => { invalidate(); }, [outlines, invalidate]);
  useEffect(() => () => dispose(outlines), [outlines]);
  useEffect(() => () => { dispose(aisles); dispose(docks); dispose(chargers); }, [aisles, docks, chargers]);

  return (
    <>
      <mesh position={centre} rotation={[-Math.PI / 2, 0, 0]}>
        <planeGeometry args={[w, d]} />
        <meshBasicMaterial color="#161c23" />
      </mesh>
      <primitive object={outlines} />
      <primitive object={aisles} />
      <primitive object={docks} />
      <primitive object={chargers} />
    </>
  );
}

function lines(positions: Float32Array, colour: number) {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(positions, 3));
  return new LineSegments(g, new LineBasicMaterial({ color: colour }));
}

function markers(points: readonly { x: number; y: number }[], colour: number, radius: number) {
  const mesh = new InstancedMesh(new CylinderGeometry(radius, radius, 0.2, 16), new MeshLambertMaterial({ color: colour }),
    Math.max(1, points.length));
  (mesh.instanceMatrix.array as Float32Array).set(markerMatrices(points));
  mesh.count = points.length;
  mesh.computeBoundingSphere();
  return mesh;
}

function dispose(o: LineSegments | InstancedMesh) {
  o.geometry.dispose();
  (o.material as MeshBasicMaterial).dispose();
}
