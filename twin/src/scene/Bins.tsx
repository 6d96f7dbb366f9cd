import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import {
  BoxGeometry, Color, DynamicDrawUsage, EdgesGeometry, InstancedBufferAttribute, InstancedMesh, LineBasicMaterial,
  LineSegments, Matrix4, MeshLambertMaterial, Vector3,
} from 'three';
import { BinGrid } from './bin-pick.ts';
import { fromThree, toThree } from './coords.ts';
import type { StreamRecord } from '../../../model/protocol/stream.ts';
import { visibility, writeMatrices, type BinStore, type Orientation, type PatchRow } from './bins.ts';
import { colourAll, colourSome, type ColourMode, type ColourOptions } from './colours.ts';
import type { SceneDebug } from './debug.ts';
import { toRanges, uploadAll, uploadRanges } from './dirty-ranges.ts';
import { Flashes } from './flash.ts';
import { binHover } from './hover.ts';
import type { Pickers } from './Hover.tsx';

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
  /** Current rows of bins the stream left `dirty` (see BinStore.dirty); called debounced, one call at a time. */
  fetchBins?: (ids: number[]) => Promise<PatchRow[]>;
  debug: SceneDebug;
  /** Gets the bins' hover picker. */
  pickers?: Pickers;
}

/** Wait this long after a dirty bin appears before refetching (collects a burst into one request). */
const REFETCH_DELAY_MS = 250;
/** At most this many bins per refetch (the API's limit is 1,000). */
const REFETCH_MAX = 500;

/** All bins: one InstancedMesh (one draw call), colours in instanceColor uploaded by dirty ranges. */
export function Bins(props: BinsProps) {
  const { store, orientation, mode, levelMax, zones, highlight, selected, classOf, flash, onSelectBin,
    subscribeRecords, fetchBins, debug, pickers } = props;
  const invalidate = useThree((s) => s.invalidate);
  const camera = useThree((s) => s.camera);
  const size = useThree((s) => s.size);

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
  const fetchRef = useRef(fetchBins);
  fetchRef.current = fetchBins;
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

  /** Recolour changed instances from `base` into the display buffer and queue their upload. */
  const recolour = useCallback((changed: ReadonlySet<number>) => {
    const { mode: m, options } = live.current;
    colourSome(m, store, changed, Date.now(), base, options);
    const display = colour.array as Float32Array;
    for (const i of changed) {
      display[i * 3] = base[i * 3]!; display[i * 3 + 1] = base[i * 3 + 1]!; display[i * 3 + 2] = base[i * 3 + 2]!;
      pending.current.add(i);
    }
  }, [store, base, colour]);

  // Dirty bins: one refetch at a time, a short while after the first one shows up.
  const refetch = useRef<{ timer: ReturnType<typeof setTimeout> | null; busy: boolean; disposed: boolean }>(
    { timer: null, busy: false, disposed: false });
  const scheduleRefetch = useCallback(() => {
    const r = refetch.current;
    if (r.timer || r.busy || !fetchRef.current) return;
    r.timer = setTimeout(async () => {
      r.timer = null;
      const fetchRows = fetchRef.current;
      if (!fetchRows || r.disposed) return;
      const ids = [...store.dirty].slice(0, REFETCH_MAX).map((i) => store.id[i]!);
      if (!ids.length) return;
      r.busy = true;
      try {
        const changed = store.patch(await fetchRows(ids));
        if (r.disposed) return;
        if (changed.size) { recolour(changed); invalidate(); }
      } catch {
        // Offline or refused: the bins stay dirty and are tried again with the next change.
      } finally {
        r.busy = false;
        debug.dirtyBins = store.dirty.size;
      }
      if (store.dirty.size && !r.disposed) scheduleRefetch();
    }, REFETCH_DELAY_MS);
  }, [store, recolour, invalidate, debug]);
  useEffect(() => {
    const r = refetch.current;
    r.disposed = false;
    return () => { r.disposed = true; if (r.timer) clearTimeout(r.timer); r.timer = null; };
  }, [store]);

  // Debug hook for end-to-end tests: where a bin is on screen and how it is coloured.
  useEffect(() => {
    debug.highlighted = highlightIdx?.size ?? 0;
    debug.project = (binId) => {
      const i = store.indexOf(binId);
      if (i < 0) return null;
      const [x, y, z] = toThree(store.x[i]!, store.y[i]!, store.z[i]! + store.height[i]! / 2);
      const v = new Vector3(x, y, z).project(camera);
      return { x: (v.x + 1) / 2 * size.width, y: (1 - v.y) / 2 * size.height };
    };
    debug.binColour = (binId, which = 'base') => {
      const i = store.indexOf(binId);
      if (i < 0) return null;
      const c = new Color().fromArray(which === 'base' ? base : colour.array as Float32Array, i * 3);
      return `#${c.getHexString()}`; // linear → sRGB
    };
  }, [debug, store, camera, size, base, colour, highlightIdx]);

  // Hover: the nearest shown bin under the ray, through a floor grid (a raycast over every instance is too slow).
  const grid = useMemo(() => new BinGrid(store, orientation), [store, orientation]);
  useEffect(() => {
    if (!pickers) return;
    pickers.bin = (raycaster) => {
      const { origin: o, direction: d } = raycaster.ray;
      const hit = grid.pick(fromThree(o.x, o.y, o.z), fromThree(d.x, d.y, d.z), visible.current);
      return hit && { distance: hit.distance, hover: binHover(store, hit.index) };
    };
    return () => { pickers.bin = undefined; };
  }, [pickers, grid, store]);

  // Debug hook: how many shown bins are drawn inside the canvas (a fly-to keeps the aisle in view).
  useEffect(() => {
    debug.binsInView = () => {
      let n = 0;
      const v = new Vector3();
      for (let i = 0; i < store.length; i++) {
        if (!visible.current[i]) continue;
        v.set(...toThree(store.x[i]!, store.y[i]!, store.z[i]!)).project(camera);
        if (v.z < 1 && Math.abs(v.x) <= 1 && Math.abs(v.y) <= 1) n++;
      }
      return n;
    };
  }, [debug, store, camera]);

  // Live stock records: recolour only the changed bins, upload only their ranges.
  useEffect(() => {
    if (!subscribeRecords) return;
    return subscribeRecords((records) => {
      const changed = store.applyRecords(records);
      debug.dirtyBins = store.dirty.size;
      if (changed.size === 0) return;
      recolour(changed);
      if (live.current.flash) flashes.start(changed, performance.now());
      invalidate();
      if (store.dirty.size) scheduleRefetch();
    });
  }, [subscribeRecords, store, recolour, flashes, debug, invalidate, scheduleRefetch]);

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
