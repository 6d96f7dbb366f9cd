import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import {
  BoxGeometry, BufferGeometry, ConeGeometry, Material, DynamicDrawUsage, InstancedBufferAttribute, InstancedMesh, Matrix4, Mesh, MeshBasicMaterial,
  MeshLambertMaterial, Quaternion, RingGeometry, Vector3,
} from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { AGV_STATES, decodeAgvFrame, type AgvFrame } from '../../../model/protocol/agv-frame.ts';
import { agvColour, AgvTrack, type AgvSample } from './agvs.ts';
import { hexToLinear } from './colours.ts';
import { headingToYaw, toThree } from './coords.ts';
import type { SceneDebug } from './debug.ts';
import type { Pickers } from './Hover.tsx';

export type AgvFrameInput = AgvFrame | ArrayBuffer | Uint8Array;

/** Where an AGV (by roster index) is drawn now, in model coordinates; null if it is not in the scene. */
export type AgvLocator = (index: number) => { x: number; y: number } | null;

export interface AgvsProps {
  subscribeAgvFrames?: (cb: (frame: AgvFrameInput) => void) => () => void;
  onSelectAgv?: (index: number) => void;
  /** Roster index of the selected AGV: a ring follows it. */
  selected?: number | null;
  /** Filled with a function that locates an AGV (for fly-to). */
  locator?: RefObject<AgvLocator | null>;
  debug: SceneDebug;
  /** Gets the AGVs' hover picker. */
  pickers?: Pickers;
}

/** Slot of a roster index in a sample, or -1. */
function slotOf(s: AgvSample | undefined, index: number): number {
  if (!s) return -1;
  for (let k = 0; k < s.count; k++) if (s.index[k] === index) return k;
  return -1;
}

const STATE_RGB = AGV_STATES.map((s) => hexToLinear(agvColour(s)));
const BATTERY_RGB = { low: hexToLinear('#ef4444'), mid: hexToLinear('#f59e0b'), ok: hexToLinear('#22c55e') };
/** Battery bar above each AGV: full length at 100 %, metres. */
const BAR_LENGTH = 1;

/** Body (1.2 × 0.8 m, 0.35 m high) with a nose cone pointing along +x (heading 0), in three coordinates. */
function agvGeometry() {
  const body = new BoxGeometry(1.2, 0.35, 0.8);
  const nose = new ConeGeometry(0.25, 0.5, 12);
  nose.rotateZ(-Math.PI / 2); // cone axis +Y → +X
  nose.translate(0.8, 0, 0);
  const merged = mergeGeometries([body.toNonIndexed(), nose.toNonIndexed()])!;
  body.dispose(); nose.dispose();
  return merged;
}

/** All AGVs: one InstancedMesh, interpolated every frame while any AGV moves. */
export function Agvs({ subscribeAgvFrames, onSelectAgv, selected, locator, debug, pickers }: AgvsProps) {
  const invalidate = useThree((s) => s.invalidate);
  const track = useMemo(() => new AgvTrack(), []);
  const sample = useRef<AgvSample | undefined>(undefined);
  const fresh = useRef(false);
  const capacity = useRef(0);
  const geometry = useMemo(agvGeometry, []);
  const material = useMemo(() => new MeshLambertMaterial({ color: 0xffffff }), []);
  const meshRef = useRef<InstancedMesh | null>(null);
  const mesh = useMemo(() => makeMesh(geometry, material, 64), [geometry, material]);
  meshRef.current ??= mesh;
  // Battery bars: one more InstancedMesh of thin boxes floating above the AGVs, scaled by charge.
  const barGeometry = useMemo(() => new BoxGeometry(BAR_LENGTH, 0.08, 0.16), []);
  const barMaterial = useMemo(() => new MeshBasicMaterial({ color: 0xffffff }), []);
  const barsRef = useRef<InstancedMesh | null>(null);
  const bars = useMemo(() => makeMesh(barGeometry, barMaterial, 64), [barGeometry, barMaterial]);
  barsRef.current ??= bars;
  useEffect(() => () => { barGeometry.dispose(); barMaterial.dispose(); }, [barGeometry, barMaterial]);
  capacity.current ||= 64;
  useEffect(() => () => { geometry.dispose(); material.dispose(); }, [geometry, material]);
  const ring = useMemo(() => {
    const r = new Mesh(new RingGeometry(0.9, 1.15, 32), new MeshBasicMaterial({ color: 0xffffff }));
    r.rotation.x = -Math.PI / 2; // flat on the floor
    r.visible = false;
    return r;
  }, []);
  useEffect(() => () => { ring.geometry.dispose(); (ring.material as MeshBasicMaterial).dispose(); }, [ring]);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const camera = useThree((s) => s.camera);
  const size = useThree((s) => s.size);
  useEffect(() => {
    const locate: AgvLocator = (index) => {
      const s = sample.current;
      const k = slotOf(s, index);
      return k < 0 ? null : { x: s!.x[k]!, y: s!.y[k]! };
    };
    if (locator) locator.current = locate;
    debug.projectAgv = (index) => {
      const at = locate(index);
      if (!at) return null;
      const [x, y, z] = toThree(at.x, at.y, 0.2);
      const v = new Vector3(x, y, z).project(camera);
      return { x: (v.x + 1) / 2 * size.width, y: (1 - v.y) / 2 * size.height };
    };
    return () => { if (locator) locator.current = null; };
  }, [locator, debug, camera, size]);
  useEffect(() => {
    if (!pickers) return;
    pickers.agv = (raycaster) => {
      const s = sample.current;
      const mesh = meshRef.current;
      if (!s || !mesh) return null;
      for (const hit of raycaster.intersectObject(mesh, false)) {
        const k = hit.instanceId;
        if (k === undefined || k >= s.count) continue;
        return { distance: hit.distance,
          hover: { kind: 'agv', index: s.index[k]!, state: AGV_STATES[s.state[k]!]!, battery: s.battery[k]! } };
      }
      return null;
    };
    return () => { pickers.agv = undefined; };
  }, [pickers]);
  // Place the ring at once when the selection changes (the AGV may be standing still).
  useEffect(() => {
    fresh.current = true;
    invalidate();
  }, [selected, invalidate]);

  useEffect(() => {
    if (!subscribeAgvFrames) return;
    return subscribeAgvFrames((input) => {
      const frame = input instanceof ArrayBuffer || input instanceof Uint8Array ? decodeAgvFrame(input) : input;
      track.push(frame, Date.now());
      fresh.current = true;
      invalidate();
    });
  }, [subscribeAgvFrames, track, invalidate]);

  const m = useMemo(() => new Matrix4(), []);
  const q = useMemo(() => new Quaternion(), []);
  const p = useMemo(() => new Vector3(), []);
  const one = useMemo(() => new Vector3(1, 1, 1), []);
  const scale = useMemo(() => new Vector3(1, 1, 1), []);
  const noTurn = useMemo(() => new Quaternion(), []);
  const up = useMemo(() => new Vector3(0, 1, 0), []);

  useFrame(() => {
    if (!fresh.current && !sample.current?.moving) return;
    fresh.current = false;
    const s = (sample.current = track.sample(Date.now(), sample.current));
    if (s.count > capacity.current) {
      // Grow (rare): new meshes with room for twice as many.
      capacity.current = Math.max(s.count, capacity.current * 2);
      regrow(meshRef, geometry, material, capacity.current);
      regrow(barsRef, barGeometry, barMaterial, capacity.current);
    }
    const out = meshRef.current!;
    const colours = out.instanceColor!.array as Float32Array;
    const bars = barsRef.current!;
    const barColours = bars.instanceColor!.array as Float32Array;
    for (let k = 0; k < s.count; k++) {
      const [x, y, z] = toThree(s.x[k]!, s.y[k]!, 0.2);
      p.set(x, y, z);
      q.setFromAxisAngle(up, headingToYaw(s.heading[k]!));
      out.setMatrixAt(k, m.compose(p, q, one));
      colours.set(STATE_RGB[s.state[k]!]!, k * 3);
      // Battery: a bar 0.6 m above the AGV, across the view's x axis, left-aligned so it shrinks to one side.
      const b = Math.min(1, Math.max(0.02, s.battery[k]!));
      p.set(x - (BAR_LENGTH * (1 - b)) / 2, y + 0.6, z);
      scale.set(b, 1, 1);
      bars.setMatrixAt(k, m.compose(p, noTurn, scale));
      barColours.set(b < 0.25 ? BATTERY_RGB.low : b < 0.5 ? BATTERY_RGB.mid : BATTERY_RGB.ok, k * 3);
    }
    bars.count = s.count;
    bars.instanceMatrix.needsUpdate = true;
    bars.instanceColor!.needsUpdate = true;
    out.count = s.count;
    const sel = selectedRef.current == null ? -1 : slotOf(s, selectedRef.current);
    ring.visible = sel >= 0;
    if (sel >= 0) {
      const [x, , z] = toThree(s.x[sel]!, s.y[sel]!, 0);
      ring.position.set(x, 0.06, z);
    }
    out.instanceMatrix.needsUpdate = true;
    out.instanceColor!.needsUpdate = true;
    out.boundingSphere = null; // recomputed by the next raycast (clicks only)
    debug.agvs = s.count;
    if (s.moving) invalidate();
  });

  const onClick = (e: ThreeEvent<MouseEvent>) => {
    const k = e.instanceId;
    const s = sample.current;
    if (k === undefined || !s || k >= s.count) return;
    e.stopPropagation();
    onSelectAgv?.(s.index[k]!);
  };

  // The group holds whichever mesh is current (it is swapped when the fleet outgrows it).
  return (
    <>
      <group onClick={onClick} ref={(g) => { if (g && meshRef.current && !meshRef.current.parent) g.add(meshRef.current); }} />
      <group ref={(g) => { if (g && barsRef.current && !barsRef.current.parent) g.add(barsRef.current); }} />
      <primitive object={ring} />
    </>
  );
}

/** Swap the mesh in `ref` for a larger one in the same parent. */
function regrow(ref: RefObject<InstancedMesh | null>, geometry: BufferGeometry, material: Material, capacity: number) {
  const old = ref.current!;
  const grown = makeMesh(geometry, material, capacity);
  old.parent?.add(grown);
  old.parent?.remove(old);
  old.dispose();
  ref.current = grown;
}

function makeMesh(geometry: BufferGeometry, material: Material, capacity: number) {
  const mesh = new InstancedMesh(geometry, material, capacity);
  mesh.instanceMatrix.setUsage(DynamicDrawUsage);
  mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3);
  mesh.instanceColor.setUsage(DynamicDrawUsage);
  mesh.count = 0;
  // Instances move every frame: skip the (stale) bounding sphere test.
  mesh.frustumCulled = false;
  return mesh;
}
