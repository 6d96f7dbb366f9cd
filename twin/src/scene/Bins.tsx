import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import {
  BoxGeometry, DynamicDrawUsage, EdgesGeometry, InstancedBufferAttribute, InstancedMesh, LineBasicMaterial,
  LineSegments, Matrix4, MeshLambertMaterial,
} from 'three';
import type { StreamRecord } from '../../../model/protocol/stream.ts';
import { visibility, writeMatrices, type BinStore, type Orientation } from './bins.ts';
import { colourAll, colourSome, type ColourMode, type ColourOptions } from './colours.ts';
import type { SceneDebug } from './debug.ts';
import { toRanges, uploadAll, uploadRanges } from './dirty-ranges.ts';
import { Flashes } from './flash.ts';

export interface BinsProps {
  store: BinStore;
  orientation: ReadonlyMap<string, Orientation>;
  mode: ColourMode;
  levelMax?: number;
  zones?: ReadonlySet<string>;
  /** bin ids */
  highlight?: ReadonlySet<number>;
  /** bin id */
  selected?: number | null;
  classOf?: ColourOptions['classOf'];
  flash?: boolean;
  onSelectBin?: (id: number) => void;
  subscribeRecords?: (cb: (records: StreamRecord[]) => void) => () => void;
  debug: SceneDebug;
}

/** All bins: one InstancedMesh (one draw call), colours in instanceColor uploaded by dirty ranges. */
export function Bins(props: BinsProps) {
  const { store, orientation, mode, levelMax, zones, highlight, selected, classOf, flash, onSelectBin,
    subscribeRecords, debug } = props;
  const invalidate = useThree((s) => s.invalidate);

  const { mesh, base, colour } = useMemo(() => {
    const m = new InstancedMesh(new BoxGeometry(1, 1, 1), new MeshLambertMaterial({ color: 0xffffff }), store.length);
    const colourAttr = new InstancedBufferAttribute(new Float32Array(store.length * 3), 3);
    colourAttr.setUsage(DynamicDrawUsage);
    m.instanceColor = colourAttr;
    return { mesh: m, base: new Float32Array(store.length * 3), colour: colourAttr };
  }, [store]);
  useEffect(() => () => { mesh.geometry.dispose(); (mesh.material as MeshLambertMaterial).dispose(); mesh.dispose(); },
    [mesh]);

  const highlightIdx = useMemo(() => {
    if (!highlight || highlight.size === 0) return undefined;
    const out = new Set<number>();
    for (const id of highlight) { const i = store.indexOf(id); if (i >= 0) out.add(i); }
    return out;
  }, [store, highlight]);

  // Latest values for the stream callback without resubscribing.
  const live = useRef({ mode, options: { classOf, highlight: highlightIdx } as ColourOptions, flash });
  live.current = { mode, options: { classOf, highlight: highlightIdx }, flash };
  const pending = useRef(new Set<number>());
  const flashes = useMemo(() => new Flashes(), [store]);
  const visible = useRef<Uint8Array>(new Uint8Array(0));

  // Geometry: level and zone filters (hidden = zero scale), one full matrix upload per change.
  useEffect(() => {
    visible.current = visibility(store, levelMax, zones);
    debug.visibleBins = writeMatrices(store, mesh.instanceMatrix.array as Float32Array, visible.current, orientation);
    debug.bins = store.length;
    mesh.instanceMatrix.needsUpdate = true;
    mesh.computeBoundingSphere();
    mesh.computeBoundingBox();
    invalidate();
  }, [store, mesh, levelMax, zones, orientation, debug, invalidate]);

  // Colours: one pass over all bins on mode / highlight change.
  useEffect(() => {
    colourAll(mode, store, Date.now(), base, { classOf, highlight: highlightIdx });
    (colour.array as Float32Array).set(base);
    flashes.clear();
    pending.current.clear();
    uploadAll(colour);
    debug.mode = mode;
    invalidate();
  }, [store, mode, classOf, highlightIdx, base, colour, flashes, debug, invalidate]);

  // Live stock records: recolour only the changed bins, upload only their ranges.
  useEffect(() => {
    if (!subscribeRecords) return;
    return subscribeRecords((records) => {
      const changed = store.applyRecords(records);
      debug.dirtyBins = store.dirty.size;
      if (changed.size === 0) return;
      const { mode: m, options, flash: f } = live.current;
      colourSome(m, store, changed, Date.now(), base, options);
      const display = colour.array as Float32Array;
      for (const i of changed) {
        display[i * 3] = base[i * 3]!; display[i * 3 + 1] = base[i * 3 + 1]!; display[i * 3 + 2] = base[i * 3 + 2]!;
        pending.current.add(i);
      }
      if (f) flashes.start(changed, performance.now());
      invalidate();
    });
  }, [subscribeRecords, store, base, colour, flashes, debug, invalidate]);

  useFrame(() => {
    if (flashes.active) {
      for (const i of flashes.step(performance.now(), base, colour.array as Float32Array)) pending.current.add(i);
      if (flashes.active) invalidate();
    }
    if (pending.current.size) {
      uploadRanges(colour, toRanges(pending.current, 8));
      pending.current.clear();
    }
  });

  const onClick = (e: ThreeEvent<MouseEvent>) => {
    const i = e.instanceId;
    if (i === undefined || !visible.current[i]) return;
    e.stopPropagation();
    onSelectBin?.(store.id[i]!);
  };

  return (
    <>
      <primitive object={mesh} onClick={onClick} />
      <Selection store={store} mesh={mesh} selected={selected} />
    </>
  );
}

/** Outline of the selected bin (one LineSegments), placed with the bin's instance matrix. */
function Selection({ store, mesh, selected }: { store: BinStore; mesh: InstancedMesh; selected?: number | null }) {
  const invalidate = useThree((s) => s.invalidate);
  const lines = useMemo(() => {
    const l = new LineSegments(new EdgesGeometry(new BoxGeometry(1.08, 1.08, 1.08)),
      new LineBasicMaterial({ color: 0xffffff }));
    l.matrixAutoUpdate = false;
    return l;
  }, []);
  useEffect(() => () => { lines.geometry.dispose(); (lines.material as LineBasicMaterial).dispose(); }, [lines]);
  const i = selected == null ? -1 : store.indexOf(selected);
  useEffect(() => {
    lines.visible = i >= 0;
    if (i >= 0) {
      const m = new Matrix4();
      mesh.getMatrixAt(i, m);
      lines.matrix.copy(m);
      lines.matrixWorldNeedsUpdate = true;
    }
    invalidate();
  }, [i, lines, mesh, invalidate]);
  return <primitive object={lines} />;
}
